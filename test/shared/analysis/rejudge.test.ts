import { describe, expect, it } from 'vitest';
import type { CheckEvidence } from '../../../shared/analysis/judge.js';
import { recordedOutcome, rejudge, roundsOf } from '../../../shared/analysis/rejudge.js';
import type { CanarySpec, MetricCheck } from '../../../shared/contracts/plan.js';
import type { TimelineEntry } from '../../../shared/domain/deployment.js';

const T0 = Date.UTC(2026, 0, 5, 3, 30);
const iso = (minute: number) => new Date(T0 + minute * 60_000).toISOString();

const SUCCESS: MetricCheck = { name: 'success', template: 'request-success-rate', min: 99, interval: 60_000 };
const spec = (over: Partial<CanarySpec> = {}, metric: Partial<MetricCheck> = {}): CanarySpec => ({
  steps: [{ weight: 10, duration: 300_000 }],
  interval: 60_000,
  threshold: 2,
  metrics: [{ ...SUCCESS, ...metric }],
  minRequests: 10,
  ...over,
});

/** A timeline builder: one interval round per value, with the verdicts the run had under `spec()`. */
class Run {
  readonly entries: TimelineEntry[] = [];
  private seq = 0;
  private add(e: Omit<TimelineEntry, 'deploymentId' | 'seq'>): void {
    this.entries.push({ deploymentId: 'api-000000000000', seq: ++this.seq, ...e });
  }
  interval(
    minute: number,
    value: number | null,
    verdict: CheckEvidence['verdict'],
    extra: Partial<CheckEvidence> = {},
  ) {
    const evidence: CheckEvidence = {
      name: 'success',
      kind: 'metric',
      verdict,
      query: 'q',
      evaluatedAt: iso(minute),
      window: 60_000,
      value,
      min: 99,
      requests: 300,
      minRequests: 10,
      ...extra,
    };
    this.add({
      at: iso(minute),
      kind: 'check',
      title: 'check:success',
      verdict,
      evidence: { ...evidence, weight: 10, mode: 'interval' },
    });
    return this;
  }
  decision(minute: number, action: string, failed: number, comment?: string) {
    this.add({
      at: iso(minute),
      kind: 'decision',
      title: `analysis:${action}`,
      comment,
      evidence: { failed },
    });
    return this;
  }
  fast(minute: number, value: number, verdict: CheckEvidence['verdict']) {
    const check: CheckEvidence = {
      name: 'success',
      kind: 'fail-fast',
      verdict,
      query: 'q',
      evaluatedAt: iso(minute),
      window: 60_000,
      value,
      min: 95,
      requests: 300,
    };
    this.add({
      at: iso(minute),
      kind: 'check',
      title: 'fast-check',
      verdict,
      evidence: { mode: 'fast', weight: 10, checks: [check] },
    });
    return this;
  }
  mark(minute: number, title: string) {
    this.add({ at: iso(minute), kind: 'transition', title });
    return this;
  }
}

describe('roundsOf', () => {
  it('groups interval checks by evaluation time, keeps fast rounds and resumes, skips verification', () => {
    const run = new Run().interval(1, 99.5, 'pass').fast(1.25, 99, 'pass').interval(2, 98, 'fail');
    run.entries.push({
      deploymentId: 'x',
      seq: 99,
      at: iso(9),
      kind: 'check',
      title: 'verify:error-rate',
      verdict: 'fail',
      evidence: { name: 'error-rate', kind: 'metric', verdict: 'fail', evaluatedAt: iso(9) },
    });
    const rounds = roundsOf(run.entries);
    expect(rounds.map((r) => r.kind)).toEqual(['interval', 'fast', 'interval']);
  });
});

describe('recordedOutcome', () => {
  it.each([
    [
      'threshold rollback',
      new Run().decision(1, 'hold', 1).decision(2, 'rollback', 2, 'two failed'),
      false,
      { outcome: 'rolled-back', failedChecks: 2, reason: 'two failed' },
    ],
    ['fail-fast', new Run().fast(0.25, 40, 'fail'), false, { outcome: 'rolled-back', failedChecks: 0 }],
    ['paused, never resumed', new Run().decision(4, 'pause', 0, 'outage'), false, { outcome: 'paused' }],
    [
      'paused, resumed, promoted',
      new Run().decision(4, 'pause', 0).mark(5, 'analysis:resumed').mark(9, 'Canary->Promoting'),
      true,
      { outcome: 'passed' },
    ],
    ['cut short', new Run().decision(1, 'advance', 0), false, { outcome: 'undetermined' }],
  ] as const)('%s', (_name, run, completed, expected) => {
    expect(recordedOutcome(run.entries, completed)).toMatchObject(expected);
  });
});

describe('rejudge', () => {
  it('a stricter threshold range turns a released canary into a rollback once failures reach the threshold', () => {
    const run = new Run()
      .interval(1, 99.5, 'pass')
      .interval(2, 99.2, 'pass')
      .interval(3, 99.9, 'pass')
      .mark(4, 'Canary->Promoting');
    const r = rejudge(run.entries, spec({}, { min: 99.4 }));
    expect(r.original).toMatchObject({ outcome: 'passed' });
    // One failure under threshold 2: still released (the replay keeps the recorded rounds).
    expect(r.rejudged).toMatchObject({ outcome: 'passed', failedChecks: 1 });
    expect(r.outcomeChanged).toBe(false);
    expect(r.checks.map((c) => [c.original, c.rejudged, c.changed])).toEqual([
      ['pass', 'pass', false],
      ['pass', 'fail', true],
      ['pass', 'pass', false],
    ]);
    const strict = rejudge(run.entries, spec({ threshold: 1 }, { min: 99.4 }));
    expect(strict.rejudged).toMatchObject({ outcome: 'rolled-back', at: iso(2), failedChecks: 1 });
    expect(strict.outcomeChanged).toBe(true);
    expect(strict.changedChecks).toBe(1);
  });

  it('a looser range clears a rolled-back canary, but the missing rounds stay undetermined', () => {
    const run = new Run()
      .interval(1, 97, 'fail')
      .decision(1, 'hold', 1)
      .interval(2, 97, 'fail')
      .decision(2, 'rollback', 2);
    const r = rejudge(run.entries, spec({}, { min: 95 }));
    expect(r.original).toMatchObject({ outcome: 'rolled-back', failedChecks: 2 });
    expect(r.rejudged).toEqual({ outcome: 'undetermined', failedChecks: 0 });
    expect(r.changedChecks).toBe(2);
  });

  it('hard bounds added afterwards are judged on the interval values (fast rounds had no such query)', () => {
    const run = new Run().interval(1, 90, 'fail').decision(1, 'hold', 1);
    const r = rejudge(run.entries, spec({ threshold: 5 }, { failFast: { min: 95 } }));
    expect(r.rejudged).toMatchObject({
      outcome: 'rolled-back',
      reason: expect.stringMatching(/^fail-fast: success: hard bound breached: 90 < min 95/),
    });
  });

  it('re-judges recorded fast rounds against new hard bounds', () => {
    const run = new Run().fast(0.25, 93, 'fail');
    expect(rejudge(run.entries, spec({}, { failFast: { min: 90 } })).rejudged.outcome).toBe('undetermined');
    expect(rejudge(run.entries, spec({}, { failFast: { min: 95 } })).rejudged.outcome).toBe('rolled-back');
    // Without hard bounds in the new spec, fast evidence is dropped, not judged by the old bounds.
    expect(rejudge(run.entries, spec()).checks[0]).toMatchObject({
      original: 'fail',
      rejudged: 'fail',
      changed: false,
    });
    expect(rejudge(run.entries, spec()).rejudged.outcome).toBe('undetermined');
  });

  it('a higher minRequests makes thin rounds inconclusive, and the inconclusive limit pauses', () => {
    const run = new Run()
      .interval(1, 99.9, 'pass', { requests: 50 })
      .interval(2, 99.9, 'pass', { requests: 50 });
    const r = rejudge(run.entries, spec({ minRequests: 100, inconclusiveLimit: 1 }));
    expect(r.checks.map((c) => c.rejudged)).toEqual(['inconclusive', 'inconclusive']);
    expect(r.rejudged).toMatchObject({ outcome: 'paused', at: iso(2) });
  });

  it('keeps provider errors as they were and reports metrics the run never measured', () => {
    const run = new Run().interval(1, null, 'inconclusive', { error: true, reason: 'provider error: down' });
    const r = rejudge(run.entries, {
      ...spec(),
      metrics: [SUCCESS, { ...SUCCESS, name: 'latency', template: 'request-duration', max: 500 }],
    });
    expect(r.checks[0]).toMatchObject({
      rejudged: 'inconclusive',
      reason: 'provider error: down',
      changed: false,
    });
    expect(r.unevaluated).toEqual(['latency']);
  });

  it('recomputes a baseline comparison from the recorded samples with the new tolerance', () => {
    const run = new Run().interval(1, 0, 'pass', {
      name: 'baseline:success',
      kind: 'baseline',
      samples: { canary: [5, 6, 7, 8, 9, 10], baseline: [0, 0, 0, 0, 0, 0] },
    });
    const baseline = {
      step: 10_000,
      metrics: [{ metric: 'success', direction: 'increase-is-bad' as const, tolerance: 0.25, alpha: 0.05 }],
    };
    const r = rejudge(run.entries, spec({ baseline, threshold: 1 }));
    expect(r.checks[0]).toMatchObject({ kind: 'baseline', rejudged: 'fail', changed: true });
    expect(r.rejudged.outcome).toBe('rolled-back');
  });
});
