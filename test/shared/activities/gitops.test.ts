import { describe, expect, it } from 'vitest';
import { evidenceMarkdown } from '../../../shared/activities/gitops.js';
import type { TimelineEntry } from '../../../shared/domain/deployment.js';

const entry = (e: Partial<TimelineEntry>): TimelineEntry => ({
  deploymentId: 'api-1',
  seq: 1,
  at: '2026-01-05T03:00:00.000Z',
  kind: 'action',
  title: 'x',
  ...e,
});

describe('evidenceMarkdown (the pull request body of pull-request mode)', () => {
  it('lists gates, checks, decisions and approvals, and leaves the rest out', () => {
    const text = evidenceMarkdown([
      entry({ kind: 'transition', title: 'Gating->Staging' }),
      entry({ kind: 'gate', title: 'gate:vulnerability', verdict: 'pass' }),
      entry({
        kind: 'check',
        title: 'check:success-rate',
        verdict: 'fail',
        comment: '97.1 < 99\n  (3 of 5)',
      }),
      entry({ kind: 'decision', title: 'approval:approved', verdict: 'pass', actor: 'ana' }),
      entry({ kind: 'action', title: 'synced:api-staging', verdict: 'pass' }),
    ]);
    expect(text.split('\n')).toEqual([
      '- **gate:vulnerability** pass (2026-01-05T03:00:00.000Z)',
      '- **check:success-rate** fail (2026-01-05T03:00:00.000Z) — 97.1 < 99 (3 of 5)',
      '- **approval:approved** pass by ana (2026-01-05T03:00:00.000Z)',
    ]);
  });
});
