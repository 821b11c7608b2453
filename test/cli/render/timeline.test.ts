import { describe, expect, it } from 'vitest';
import {
  checkCounts,
  checkDetail,
  checkName,
  entryLine,
  eventEntries,
  lastChecks,
  stageRows,
} from '../../../cli/render/timeline.js';
import { makeStyle } from '../../../cli/style.js';
import type { TimelineEntry } from '../../../shared/domain/deployment.js';

const T0 = Date.UTC(2026, 0, 5, 10);
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
let seq = 0;
const e = (
  s: number,
  kind: TimelineEntry['kind'],
  title: string,
  extra: Partial<TimelineEntry> = {},
): TimelineEntry => ({
  deploymentId: 'd-111111111111',
  seq: ++seq,
  at: at(s),
  kind,
  title,
  ...extra,
});
const plain = makeStyle(false);

describe('stageRows', () => {
  it('turns transitions into stages with how long each took, whatever order they arrive in', () => {
    const timeline = [
      e(0, 'transition', '->Queued'),
      e(0, 'transition', 'Queued->Gating'),
      e(15, 'gate', 'gate:vulnerability', { verdict: 'pass' }),
      e(15, 'transition', 'Gating->Staging'),
      e(615, 'transition', 'Staging->Failed', { comment: 'sync failed' }),
    ].reverse();
    expect(stageRows(timeline)).toEqual([
      { state: 'Queued', startedAt: at(0), tookMs: 0, note: undefined },
      { state: 'Gating', startedAt: at(0), tookMs: 15_000, note: undefined },
      { state: 'Staging', startedAt: at(15), tookMs: 600_000, note: undefined },
      { state: 'Failed', startedAt: at(615), tookMs: undefined, note: 'sync failed' },
    ]);
  });

  it('is empty without transitions', () => {
    expect(stageRows([e(0, 'note', 'hello')])).toEqual([]);
  });
});

describe('checks', () => {
  const timeline = [
    e(60, 'check', 'check:success-rate', {
      verdict: 'pass',
      evidence: { value: 99.9, min: 99, weight: 10, kind: 'metric' },
    }),
    e(75, 'check', 'check:success-rate', {
      verdict: 'fail',
      evidence: { value: 80, min: 95, weight: 10, kind: 'fail-fast' },
    }),
    e(120, 'check', 'check:success-rate', { verdict: 'fail', evidence: { value: 98, min: 99, weight: 25 } }),
    e(120, 'check', 'check:p95', {
      verdict: 'inconclusive',
      evidence: { value: null, max: 500, weight: 25, reason: 'no traffic' },
    }),
    e(400, 'check', 'verify:error-rate', { verdict: 'pass', evidence: { value: 99.5, min: 95 } }),
    e(400, 'action', 'weight:0', { evidence: { weight: 0 } }),
  ];

  it('keeps the newest of each check, telling fail-fast checks apart from metric checks', () => {
    expect(lastChecks(timeline).map((c) => [c.title, c.at, c.verdict])).toEqual([
      ['check:success-rate', at(120), 'fail'],
      ['check:success-rate', at(75), 'fail'],
      ['check:p95', at(120), 'inconclusive'],
      ['verify:error-rate', at(400), 'pass'],
    ]);
  });

  it('counts verdicts over every check and verification', () => {
    expect(checkCounts(timeline)).toEqual({ pass: 2, fail: 2, inconclusive: 1 });
  });

  it.each<[number, string]>([
    [0, '99.9 (min 99) at 10%'],
    [2, '98 (min 99) at 25%'],
    [3, 'no data (max 500) at 25% - no traffic'],
    [4, '99.5 (min 95)'],
  ])('describes check %i as %j', (i, text) => {
    expect(checkDetail(timeline[i] as TimelineEntry)).toBe(text);
  });

  it.each<[Record<string, unknown>, string]>([
    [{ replicas: 0, readyReplicas: 0, crashLooping: [] }, 'no pods reported'],
    [{}, 'no pods reported'],
    [{ replicas: 1, readyReplicas: 1, crashLooping: [] }, '1/1 pod ready'],
    [{ replicas: 3, readyReplicas: 2, crashLooping: ['p-1'] }, '2/3 pods ready, 1 crash-looping'],
  ])('words the pod watch %o as %j, never "no data"', (evidence, text) => {
    const pods: TimelineEntry = { ...e(500, 'check', 'verify:pods'), evidence };
    expect(checkDetail(pods)).toBe(text);
  });

  it('lists fast checks like interval checks: fail-fast entries and each check of a fast round', () => {
    const fast = [
      e(500, 'check', 'fail-fast:latency', { verdict: 'pass', evidence: { value: 300, max: 2000 } }),
      e(510, 'check', 'fast-check', {
        verdict: 'fail',
        evidence: {
          weight: 10,
          checks: [
            { name: 'success-rate', kind: 'fail-fast', value: 0, min: 95, verdict: 'fail' },
            { name: 'alerts', kind: 'alerts', value: 0, verdict: 'pass' },
            { kind: 'metric' },
            7,
          ],
        },
      }),
    ];
    const last = lastChecks(fast);
    expect(last.map((c) => [checkName(c), c.verdict, checkDetail(c)])).toEqual([
      ['check:latency (fail-fast)', 'pass', '300 (max 2000)'],
      ['check:success-rate (fail-fast)', 'fail', '0 (min 95) at 10%'],
      ['check:alerts (alerts)', 'pass', '0 at 10%'],
    ]);
    expect(checkCounts(fast)).toEqual({ pass: 2, fail: 1 });
  });

  it('leaves checks and weight steps out of the events list', () => {
    expect(eventEntries([...timeline, e(1, 'decision', 'approve:accepted')]).map((x) => x.title)).toEqual([
      'approve:accepted',
    ]);
  });
});

describe('entryLine', () => {
  it.each<[TimelineEntry, string]>([
    [e(0, 'transition', '->Queued'), '2026-01-05 10:00:00Z  Queued'],
    [
      e(5, 'transition', 'Canary->RolledBack', { comment: '5 failed' }),
      '2026-01-05 10:00:05Z  Canary -> RolledBack  5 failed',
    ],
    [
      e(6, 'action', 'weight:25', { comment: 'step 2/3', evidence: { weight: 25 } }),
      '2026-01-05 10:00:06Z  traffic -> 25%  step 2/3',
    ],
    [
      e(7, 'check', 'check:rate', {
        verdict: 'fail',
        evidence: { value: 90, min: 99, weight: 25, kind: 'fail-fast' },
      }),
      '2026-01-05 10:00:07Z  check:rate (fail-fast)  fail  90 (min 99) at 25%',
    ],
    [
      e(8, 'decision', 'approve:accepted', { verdict: 'pass', actor: 'ada', comment: 'ok' }),
      '2026-01-05 10:00:08Z  approve:accepted  pass  by ada: ok',
    ],
    [e(9, 'note', 'evil\x1b[2Jtitle', { comment: 'a\nb' }), '2026-01-05 10:00:09Z  evil [2Jtitle  a b'],
  ])('%#: %j', (entry, line) => {
    expect(entryLine(entry, plain)).toBe(line);
  });
});
