import { describe, expect, it } from 'vitest';
import { analysisEntries } from '../../../shared/analysis/entries.js';
import type { CheckEvidence } from '../../../shared/analysis/judge.js';
import { decidedBy } from '../../../shared/domain/decided-by.js';
import type { DeploymentState, TimelineEntry } from '../../../shared/domain/deployment.js';

const check = (over: Partial<CheckEvidence>): CheckEvidence => ({
  name: 'error-rate',
  kind: 'metric',
  query: 'sum(rate(x[1m]))',
  evaluatedAt: '2026-01-05T10:20:00.000Z',
  window: 60_000,
  value: 0.2,
  max: 1,
  verdict: 'pass',
  ...over,
});

let seq = 0;
const at = (n: number) => new Date(Date.UTC(2026, 0, 5, 10, n)).toISOString();
type Partial2 = Omit<TimelineEntry, 'deploymentId' | 'seq' | 'at'> & { at?: string };
const entry = (e: Partial2): TimelineEntry => ({ deploymentId: 'd', seq: ++seq, at: e.at ?? at(seq), ...e });
const transition = (to: DeploymentState, comment?: string): TimelineEntry =>
  entry({ kind: 'transition', title: `Canary->${to}`, ...(comment && { comment }) });

const fastFail = analysisEntries(
  [
    check({
      name: 'latency-p99',
      kind: 'fail-fast',
      value: 900,
      max: 500,
      verdict: 'fail',
      reason: 'above 500',
    }),
    check({ name: 'error-rate', kind: 'fail-fast', verdict: 'pass' }),
  ],
  'fast',
  10,
)[0] as Partial2;

describe('decidedBy', () => {
  it.each<
    [string, DeploymentState, string | undefined, () => TimelineEntry[], Record<string, unknown> | undefined]
  >([
    ['a running deployment: nothing decided', 'Canary', undefined, () => [entry(fastFail)], undefined],
    [
      'a success: nothing decided',
      'Succeeded',
      undefined,
      () => [entry(fastFail), transition('Succeeded')],
      undefined,
    ],
    [
      'a fail-fast round: the breaching check inside it, its bound, query and time',
      'RolledBack',
      'fail-fast: latency-p99 900 > 500',
      () => [
        ...analysisEntries([check({})], 'interval', 10).map(entry),
        entry(fastFail),
        entry({ kind: 'action', title: 'rollback', verdict: 'fail' }),
        transition('RolledBack'),
      ],
      {
        kind: 'fail-fast',
        name: 'latency-p99',
        title: 'fast-check',
        value: 900,
        max: 500,
        query: 'sum(rate(x[1m]))',
        evaluatedAt: '2026-01-05T10:20:00.000Z',
        weight: 10,
        reason: 'above 500',
      },
    ],
    [
      'interval checks: the latest failing one',
      'RolledBack',
      'too many failed checks',
      () => [
        ...analysisEntries([check({ verdict: 'fail', value: 3 })], 'interval', 10).map(entry),
        ...analysisEntries(
          [check({ name: 'latency', value: 700, max: 500, verdict: 'fail' })],
          'interval',
          25,
        ).map(entry),
        transition('RolledBack'),
      ],
      { kind: 'metric', name: 'latency', value: 700, max: 500, weight: 25 },
    ],
    [
      'verification: the rule the reason names, not a later failing one',
      'RolledBack',
      'error-rate out of bounds for 120s: above 1',
      () => [
        entry({
          kind: 'check',
          title: 'verify:error-rate',
          verdict: 'fail',
          evidence: { ...check({ value: 5 }) },
        }),
        entry({ kind: 'check', title: 'verify:pods', verdict: 'fail', evidence: { ready: false } }),
        transition('RolledBack'),
      ],
      { kind: 'verification', name: 'error-rate', value: 5 },
    ],
    [
      'a failed gate',
      'Failed',
      'gate vulnerability failed',
      () => [
        entry({
          kind: 'check',
          title: 'gate:vulnerability',
          verdict: 'fail',
          comment: '2 critical',
          evidence: { critical: 2 },
        }),
        transition('Failed'),
      ],
      { kind: 'gate', name: 'vulnerability', reason: '2 critical' },
    ],
    [
      'a failure after the stop does not count',
      'Failed',
      'sync failed',
      () => [transition('Failed'), entry({ kind: 'check', title: 'verify:pods', verdict: 'fail' })],
      undefined,
    ],
  ])('%s', (_name, state, reason, timeline, expected) => {
    const result = decidedBy({ state, reason }, timeline());
    if (expected === undefined) expect(result).toBeUndefined();
    else expect(result).toMatchObject(expected);
  });
});
