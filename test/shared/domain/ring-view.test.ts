import { describe, expect, it } from 'vitest';
import type { PipelinePlan, RingSpec } from '../../../shared/contracts/plan.js';
import type { DeploymentRecord, DeploymentState, TimelineEntry } from '../../../shared/domain/deployment.js';
import { ringViews, type RingState } from '../../../shared/domain/ring-view.js';

const NEW = `sha256:${'a'.repeat(64)}`;
const OLD = `sha256:${'b'.repeat(64)}`;
const ring = (name: string): RingSpec =>
  ({
    name,
    targets: [],
    verification: { window: 1, interval: 1, rules: [] },
    soak: 0,
    freezes: [],
  }) as RingSpec;
const PLAN = { rings: [ring('r0'), ring('r1'), ring('r2')] } as unknown as PipelinePlan;
const record = (state: DeploymentState, reason?: string): DeploymentRecord =>
  ({
    id: 'd',
    service: 's',
    state,
    image: { registry: 'r', repository: 'x', digest: NEW },
    weight: 0,
    ...(reason && { reason }),
  }) as DeploymentRecord;
const entries = (...titles: string[]): TimelineEntry[] =>
  titles.map((title, seq) => ({
    deploymentId: 'd',
    seq,
    at: '2026-01-05T10:00:00Z',
    kind: 'note',
    title,
    ...(title.startsWith('rollback:') && { evidence: { digest: OLD } }),
  }));

describe('ringViews (which version runs where)', () => {
  it.each<[string, DeploymentState, string | undefined, string[], Array<[RingState, string | null]>]>([
    [
      'ring 0 in its canary',
      'Canary',
      undefined,
      [],
      [
        ['deploying', NEW],
        ['pending', null],
        ['pending', null],
      ],
    ],
    [
      'soaking before ring 1',
      'Verifying',
      undefined,
      ['ring:r0:released', 'ring:r1:soak'],
      [
        ['released', NEW],
        ['soaking', null],
        ['pending', null],
      ],
    ],
    [
      'ring 1 frozen at its border',
      'Verifying',
      undefined,
      ['ring:r0:released', 'ring:r1:soak', 'ring:r1:frozen'],
      [
        ['released', NEW],
        ['frozen', null],
        ['pending', null],
      ],
    ],
    [
      'ring 1 deploying',
      'Verifying',
      undefined,
      ['ring:r0:released', 'ring:r1:soak', 'ring:r1:frozen', 'ring:r1:started'],
      [
        ['released', NEW],
        ['deploying', NEW],
        ['pending', null],
      ],
    ],
    [
      'all released',
      'Succeeded',
      undefined,
      ['ring:r0:released', 'ring:r1:released', 'ring:r2:released'],
      [
        ['released', NEW],
        ['released', NEW],
        ['released', NEW],
      ],
    ],
    [
      'ring 1 failed after its rollout, roll back all',
      'RolledBack',
      'ring r1: sync failed',
      ['ring:r0:released', 'ring:r1:started', 'rollback:production@r1', 'rollback:production'],
      [
        ['rolled-back', OLD],
        ['rolled-back', OLD],
        ['untouched', null],
      ],
    ],
    [
      'ring 1 failed in its canary, hold',
      'RolledBack',
      'ring r1: canary failed; rings before r1 keep the new image (onRingFailure: hold)',
      ['ring:r0:released', 'ring:r1:started'],
      [
        ['held', NEW],
        ['rolled-back', null],
        ['untouched', null],
      ],
    ],
    [
      'ring 0 failed in its canary',
      'RolledBack',
      'analysis failed',
      [],
      [
        ['rolled-back', null],
        ['untouched', null],
        ['untouched', null],
      ],
    ],
  ])('%s', (_, state, reason, titles, expected) => {
    const views = ringViews(PLAN, record(state, reason), entries(...titles), 25);
    expect(views?.map((v) => [v.state, v.image])).toEqual(expected);
    views?.forEach((v) => expect(v.weight).toBe(v.state === 'deploying' ? 25 : 0));
  });

  it("names each ring's targets and when its rollout began and ended", () => {
    const timeline = entries('Staging->Canary', 'ring:r0:released', 'ring:r1:soak', 'ring:r1:started');
    const views = ringViews(PLAN, record('Promoting'), timeline);
    expect(views?.map((v) => [v.name, v.startedAt, v.endedAt])).toEqual([
      ['r0', '2026-01-05T10:00:00Z', '2026-01-05T10:00:00Z'],
      ['r1', '2026-01-05T10:00:00Z', undefined],
      ['r2', undefined, undefined],
    ]);
    views?.forEach((v) => expect(v.targets).toEqual([]));
  });

  it('is absent without a train', () => {
    expect(ringViews(undefined, record('Canary'), [])).toBeUndefined();
    expect(
      ringViews({ rings: [ring('only')] } as unknown as PipelinePlan, record('Canary'), []),
    ).toBeUndefined();
  });
});
