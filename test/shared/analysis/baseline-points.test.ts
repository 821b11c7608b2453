import { describe, expect, it } from 'vitest';
import { judgeBaseline } from '../../../shared/analysis/judge.js';
import { parseCanaryBlock } from '../../../shared/app/rejudge.js';

/**
 * Issue 17: a success-rate baseline is compared in percentage points (default tolerance 1 point). Under
 * the old relative default (25 % of the primary's median) a canary at 97 % against a primary at 99.5 %
 * passed; it only failed below about 75 %.
 */

/** Twelve samples around `level`, distinct (no ties), spread ±0.11. */
const around = (level: number): number[] => Array.from({ length: 12 }, (_, i) => level + (i - 5.5) / 50);

const spec = (baseline: Record<string, unknown>, templateRef = 'request-success-rate') =>
  parseCanaryBlock({
    canary: {
      interval: '1m',
      stepWeight: 10,
      maxWeight: 50,
      metrics: [{ name: 'm', templateRef, thresholdRange: { min: 0 }, interval: '1m' }],
      baseline: { metrics: [{ metric: 'm', ...baseline }] },
    },
  }).baseline?.metrics[0];

describe('success-rate baseline in percentage points', () => {
  it.each([
    // canary, primary, spec, verdict
    [97, 99.5, {}, 'fail'],
    [99, 99.5, {}, 'pass'],
    [98.6, 99.5, {}, 'pass'],
    [98.4, 99.5, {}, 'fail'],
    [97, 99.5, { tolerance: 3 }, 'pass'],
    [96, 99.5, { tolerance: 3 }, 'fail'],
    // The old behaviour, still available when asked for: 25 % of 99.5 is a 24.9-point band.
    [97, 99.5, { scale: 'ratio' }, 'pass'],
    [80, 99.5, { scale: 'ratio' }, 'pass'],
    [74, 99.5, { scale: 'ratio' }, 'fail'],
    // An increase is not bad for a success rate.
    [99.9, 97, {}, 'pass'],
  ] as const)('%s %% canary vs %s %% primary, %j: %s', (canary, primary, extra, verdict) => {
    const b = spec({ direction: 'decrease-is-bad', ...extra });
    if (!b) throw new Error('no baseline in the plan');
    expect(judgeBaseline(b, { canary: around(canary), baseline: around(primary) }).verdict).toBe(verdict);
  });

  it('resolves the defaults per metric: points and 1 for the success rate, ratio and 0.25 otherwise', () => {
    expect(spec({ direction: 'decrease-is-bad' })).toMatchObject({ scale: 'points', tolerance: 1 });
    expect(spec({ direction: 'increase-is-bad' }, 'request-duration')).toMatchObject({
      scale: 'ratio',
      tolerance: 0.25,
    });
    expect(
      spec({ direction: 'increase-is-bad', scale: 'points', tolerance: 0.5 }, 'request-duration'),
    ).toEqual(expect.objectContaining({ scale: 'points', tolerance: 0.5 }));
  });

  it('judges an error rate in points too, zero baseline included (the band is defined there)', () => {
    const b = { metric: 'errors', direction: 'increase-is-bad', tolerance: 1, alpha: 0.05 } as const;
    const zero = Array<number>(12).fill(0);
    expect(judgeBaseline({ ...b, scale: 'points' }, { canary: around(0.5), baseline: zero }).verdict).toBe(
      'pass',
    );
    expect(judgeBaseline({ ...b, scale: 'points' }, { canary: around(2.5), baseline: zero }).verdict).toBe(
      'fail',
    );
    // As a ratio, any error against none fails: no relative band exists around 0.
    expect(judgeBaseline({ ...b, scale: 'ratio' }, { canary: around(0.5), baseline: zero }).verdict).toBe(
      'fail',
    );
  });

  it('keeps latencies relative: 25 % slower than the primary fails, 20 % passes', () => {
    const b = spec({ direction: 'increase-is-bad' }, 'request-duration');
    if (!b) throw new Error('no baseline in the plan');
    expect(judgeBaseline(b, { canary: around(130), baseline: around(100) }).verdict).toBe('fail');
    expect(judgeBaseline(b, { canary: around(120), baseline: around(100) }).verdict).toBe('pass');
  });
});
