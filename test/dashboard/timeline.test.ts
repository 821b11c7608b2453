import { describe, expect, it } from 'vitest';
import {
  condense,
  describeEntry,
  metricSeries,
  slotOf,
  stageGroups,
  weightAt,
  weightSteps,
} from '../../dashboard/timeline.js';
import type { TimelineEntry } from '../../dashboard/types.js';

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
const MIN = 60_000;
/** An entry as the recorder writes it: seq = ms × 1000 + slot × 100 + counter. */
const entry = (
  minute: number,
  slot: number,
  title: string,
  extra: Partial<TimelineEntry> = {},
): TimelineEntry => ({
  seq: (T0 + minute * MIN) * 1000 + slot * 100 + (extra.seq ?? 0),
  at: new Date(T0 + minute * MIN).toISOString(),
  kind: title.includes('->') ? 'transition' : 'note',
  title,
  ...extra,
});
const check = (
  minute: number,
  metric: string,
  value: number | null,
  verdict: TimelineEntry['verdict'],
  more = {},
) =>
  entry(minute, 5, `check:${metric}`, {
    kind: 'check',
    verdict,
    evidence: {
      name: metric,
      query: `q(${metric})`,
      value,
      min: 99,
      evaluatedAt: new Date(T0 + minute * MIN).toISOString(),
      ...more,
    },
  });

describe('metricSeries', () => {
  it('groups check entries by metric in time order and keeps their evidence', () => {
    const series = metricSeries([
      check(2, 'success', 99.5, 'pass', { weight: 10 }),
      check(1, 'success', 98, 'fail', { reason: '98 < min 99' }),
      check(1, 'latency', null, 'inconclusive', { min: undefined, max: 500, reason: 'no data' }),
      entry(1, 5, 'fast-check', { kind: 'check', verdict: 'pass' }),
      entry(1, 7, 'verify:success', { kind: 'check', verdict: 'pass', evidence: { value: 1 } }),
      entry(1, 8, 'check:alerts', { kind: 'check', verdict: 'pass', evidence: { kind: 'alerts', value: 0 } }),
    ]);
    expect(series.map((s) => [s.metric, s.points.map((p) => [p.value, p.verdict])])).toEqual([
      [
        'success',
        [
          [98, 'fail'],
          [99.5, 'pass'],
        ],
      ],
      ['latency', [[null, 'inconclusive']]],
    ]);
    expect(series[0]).toMatchObject({ min: 99, max: undefined, query: 'q(success)' });
    expect(series[0]?.points[0]).toMatchObject({ at: T0 + MIN, reason: '98 < min 99', weight: undefined });
    expect(series[1]).toMatchObject({ max: 500 });
    expect(
      metricSeries([entry(1, 7, 'verify:success', { kind: 'check', verdict: 'pass' })], 'verify:'),
    ).toHaveLength(1);
  });

  it('charts fast checks: hard bounds as "<metric> (fail-fast)", a round\'s threshold checks under the metric', () => {
    const fast = (minute: number, value: number, verdict: string) =>
      entry(minute, 5, 'fast-check', {
        kind: 'check',
        verdict: verdict === 'fail' ? 'fail' : 'pass',
        evidence: {
          mode: 'fast',
          weight: 10,
          checks: [
            { name: 'success', kind: 'fail-fast', value, min: 95, verdict, query: 'q(success)' },
            { name: 'alerts', kind: 'alerts', value: 0, verdict: 'pass' },
            'junk',
          ],
        },
      });
    const series = metricSeries([
      fast(1, 99, 'pass'),
      fast(2, 0, 'fail'),
      entry(3, 5, 'fail-fast:success', { kind: 'check', verdict: 'pass', evidence: { value: 97, min: 95 } }),
      check(3, 'success', 98, 'fail'),
    ]);
    expect(series.map((s) => [s.metric, s.points.map((p) => [p.value, p.verdict, p.weight])])).toEqual([
      [
        'success (fail-fast)',
        [
          [99, 'pass', 10],
          [0, 'fail', 10],
          [97, 'pass', undefined],
        ],
      ],
      ['success', [[98, 'fail', undefined]]],
    ]);
    expect(series[0]).toMatchObject({ min: 95 });
    expect(metricSeries([fast(1, 99, 'pass')], 'verify:')).toEqual([]);
  });

  it('tolerates evidence of the wrong shape: no value is a gap, not a zero', () => {
    const [series] = metricSeries([
      entry(3, 5, 'check:odd', { kind: 'check', evidence: { value: '12', min: 'x', evaluatedAt: 7 } }),
    ]);
    expect(series?.points[0]).toMatchObject({
      value: null,
      verdict: 'inconclusive',
      at: T0 + 3 * MIN,
      min: undefined,
    });
  });
});

describe('weight steps', () => {
  const steps = weightSteps([
    entry(5, 5, 'weight:25', { evidence: { weight: 25 } }),
    entry(1, 5, 'weight:10', { evidence: { weight: 10 } }),
    entry(9, 5, 'weight:0'),
    entry(2, 5, 'weighted:3'),
  ]);

  it('reads weight entries in time order, from the evidence or the title', () => {
    expect(steps).toEqual([
      { at: T0 + MIN, weight: 10 },
      { at: T0 + 5 * MIN, weight: 25 },
      { at: T0 + 9 * MIN, weight: 0 },
    ]);
  });

  it.each([
    [0, 0],
    [1, 10],
    [4.9, 10],
    [5, 25],
    [10, 0],
  ])('at minute %s the weight is %s', (minute, weight) =>
    expect(weightAt(steps, T0 + minute * MIN)).toBe(weight),
  );
});

describe('stageGroups', () => {
  const run = [
    entry(0, 9, '->Queued', { seq: 99 }),
    entry(0, 0, 'Queued->Gating'),
    entry(0, 1, 'gate:vulnerability', { kind: 'gate', verdict: 'pass' }),
    // Same millisecond as the gates' last entry: the transition sorts first, the slot says where it belongs.
    entry(1, 0, 'Gating->Staging'),
    entry(1, 1, 'gate:ci-status', { kind: 'gate', verdict: 'pass' }),
    entry(2, 2, 'synced:app', { kind: 'action' }),
  ];

  it('puts each entry under the stage that recorded it', () => {
    const groups = stageGroups(run, 'Staging');
    const titles = Object.fromEntries(groups.map((g) => [g.key, g.entries.map((e) => e.title)]));
    expect(titles).toMatchObject({
      submitted: ['->Queued'],
      gates: ['Queued->Gating', 'gate:vulnerability', 'gate:ci-status'],
      staging: ['Gating->Staging', 'synced:app'],
      tests: [],
    });
  });

  it.each<[string, TimelineEntry[], string, string[]]>([
    ['running in staging', run, 'Staging', ['done', 'done', 'current', 'pending', 'pending']],
    [
      'failed in staging',
      [...run, entry(3, 0, 'Staging->Failed')],
      'Failed',
      ['done', 'done', 'failed', 'skipped', 'skipped'],
    ],
    [
      'cancelled in staging',
      [...run, entry(3, 0, 'Staging->Cancelled')],
      'Cancelled',
      ['done', 'done', 'cancelled', 'skipped', 'skipped'],
    ],
    [
      'superseded before it started',
      [run[0] as TimelineEntry],
      'Superseded',
      ['cancelled', 'skipped', 'skipped', 'skipped', 'skipped'],
    ],
    [
      'succeeded after verification',
      [...run, entry(4, 0, 'Canary->Verifying'), entry(5, 0, 'Verifying->Succeeded')],
      'Succeeded',
      ['done', 'done', 'done', 'done', 'done'],
    ],
  ])('stage statuses when %s', (_what, timeline, state, statuses) => {
    expect(
      stageGroups(timeline, state)
        .slice(0, 5)
        .map((g) => g.status),
    ).toEqual(statuses);
  });

  it('files the final transition under the stage it closes', () => {
    const groups = stageGroups([...run, entry(3, 0, 'Staging->Failed')], 'Failed');
    expect(groups.find((g) => g.key === 'staging')?.entries.map((e) => e.title)).toContain('Staging->Failed');
  });

  it.each([
    [T0 * 1000 + 512, 5],
    [T0 * 1000 - 1, 9],
    [T0 * 1000, 0],
  ])('slotOf(%s) is %s', (seq, slot) => expect(slotOf(seq)).toBe(slot));
});

describe('condense', () => {
  it('folds repetitive families into one counted line where the first one was', () => {
    const items = condense([
      entry(0, 0, 'Testing->Canary'),
      entry(1, 5, 'weight:10'),
      check(2, 'a', 99.5, 'pass'),
      entry(2, 5, 'fast-check', { kind: 'check', verdict: 'inconclusive' }),
      check(2, 'b', 98, 'fail'),
      entry(2, 5, 'analysis:hold', { verdict: 'warn' }),
      check(3, 'a', 99.6, 'pass'),
      entry(4, 5, 'weight:25'),
    ]);
    expect(
      items.map((i) =>
        i.kind === 'entry' ? i.entry.title : `${i.label} ${i.total} ${JSON.stringify(i.counts)}`,
      ),
    ).toEqual([
      'Testing->Canary',
      'weight:10',
      'Canary checks 3 {"pass":2,"fail":1,"warn":0,"inconclusive":0}',
      'Fast checks 1 {"pass":0,"fail":0,"warn":0,"inconclusive":1}',
      'Analysis intervals 1 {"pass":0,"fail":0,"warn":1,"inconclusive":0}',
      'weight:25',
    ]);
  });

  it('folds an unknown family only once it repeats more than six times', () => {
    const few = Array.from({ length: 6 }, (_, i) => entry(i, 3, `smoke:s${i}`, { verdict: 'pass' }));
    expect(condense(few).every((i) => i.kind === 'entry')).toBe(true);
    const many = [...few, entry(7, 3, 'smoke:s7', { verdict: 'fail' })];
    expect(condense(many)).toEqual([
      { kind: 'summary', label: 'smoke', total: 7, counts: { pass: 6, fail: 1, warn: 0, inconclusive: 0 } },
    ]);
  });
});

describe('describeEntry', () => {
  it.each<[Partial<TimelineEntry> & { title: string }, string]>([
    [{ title: '->Queued', kind: 'transition' }, 'Queued'],
    [{ title: 'Gating->Staging', kind: 'transition' }, 'Gating → Staging'],
    [{ title: 'gate:vulnerability' }, 'Gate vulnerability'],
    [{ title: 'smoke:health' }, 'Smoke check health'],
    [{ title: 'test:e2e.yml' }, 'Test workflow e2e.yml'],
    [{ title: 'synced:api-staging' }, 'Argo CD api-staging synced'],
    [{ title: 'sync-failed:api-staging' }, 'Argo CD api-staging failed to sync'],
    [{ title: 'weight:25' }, 'Canary traffic 25%'],
    [
      { title: 'approval:required', evidence: { reviewers: ['devops-team', 'tech-lead'], minApprovers: 2 } },
      'Approval required from devops-team or tech-lead (2 approvers)',
    ],
    [
      { title: 'approval:required', evidence: { reviewers: 'nope' } },
      'Approval required from a reviewer (1 approver)',
    ],
    [
      { title: 'approval:auto', evidence: { reason: 'inside the window' } },
      'Approved automatically: inside the window',
    ],
    [{ title: 'approval:blocked', evidence: {} }, 'Blocked'],
    [{ title: 'approval:expired' }, 'Approval request expired'],
    [{ title: 'approve:accepted' }, 'Approved'],
    [{ title: 'approve:refused' }, 'Approval refused'],
    [{ title: 'reject:accepted' }, 'Rejected'],
    [{ title: 'rollback:from' }, 'rollback:from'],
    [{ title: 'verify:pods', evidence: { replicas: 0, readyReplicas: 0 } }, 'Pods: no pods reported'],
    [
      { title: 'verify:pods', evidence: { replicas: 2, readyReplicas: 2, crashLooping: [] } },
      'Pods: 2/2 ready',
    ],
    [
      { title: 'verify:pods', evidence: { replicas: 2, readyReplicas: 1, crashLooping: ['a'] } },
      'Pods: 1/2 ready, 1 crash-looping',
    ],
    [{ title: 'verify:error-rate' }, 'verify:error-rate'],
  ])('%o reads "%s"', (partial, text) => {
    expect(describeEntry({ seq: 0, at: '', kind: 'note', ...partial })).toBe(text);
  });
});
