import { describe, expect, it } from 'vitest';
import {
  linear,
  linePath,
  niceStep,
  niceTicks,
  stepPath,
  timeDomain,
  timeTicks,
  valueDomain,
} from '../../dashboard/scale.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);

describe('chart scales', () => {
  it('maps linearly, inverted ranges included, and a flat domain to the middle', () => {
    const y = linear([0, 100], [200, 0]);
    expect([y(0), y(50), y(100), y(150)]).toEqual([200, 100, 0, -100]);
    expect(linear([5, 5], [0, 10])(123)).toBe(5);
  });

  it.each([
    [10, 4, 2],
    [1, 4, 0.2],
    [0.003, 4, 0.001],
    [720, 5, 200],
    [0, 4, 1],
    [-5, 4, 1],
  ])('niceStep(%s, %s) is %s', (span, count, step) => expect(niceStep(span, count)).toBeCloseTo(step, 12));

  it.each([
    [0, 1, 4, [0, 0.2, 0.4, 0.6, 0.8, 1]],
    [98.5, 100.5, 4, [98.5, 99, 99.5, 100, 100.5]],
    [0.1, 0.7, 3, [0.2, 0.4, 0.6]],
    [7, 7, 4, [7]],
    [5, 1, 4, []],
    [0, Number.NaN, 4, []],
  ])('niceTicks(%s, %s, %s)', (min, max, count, ticks) => expect(niceTicks(min, max, count)).toEqual(ticks));

  it.each<[string, number[], { min?: number; max?: number }, [number, number]]>([
    ['no data, no bounds', [], {}, [0, 1]],
    ['success rates above a min of 99', [99.8, 99.9, 100], { min: 99 }, [98.8, 100.2]],
    ['latencies under a max of 500', [210, 230], { max: 500 }, [100, 600]],
    ['padding never goes below zero for non-negative data', [0.5, 100], {}, [0, 120]],
    ['a flat zero series', [0, 0, 0], {}, [0, 1]],
    ['a flat non-zero series', [50, 50], {}, [44, 56]],
    ['negative values keep their padding', [-10, 10], {}, [-15, 15]],
    ['non-finite values are ignored', [Number.NaN, 3, Number.POSITIVE_INFINITY], {}, [2.6, 3.4]],
  ])('valueDomain: %s', (_what, values, bounds, domain) => {
    const [lo, hi] = valueDomain(values, bounds);
    expect(lo).toBeCloseTo(domain[0], 9);
    expect(hi).toBeCloseTo(domain[1], 9);
  });

  it('widens a short time span around its centre and keeps a long one', () => {
    expect(timeDomain([T0])).toEqual([T0 - 30_000, T0 + 30_000]);
    expect(timeDomain([T0, T0 + 10 * MIN])).toEqual([T0, T0 + 10 * MIN]);
    expect(timeDomain([])).toEqual([0, MIN]);
  });

  it('puts time ticks on round minutes, coarser for longer spans', () => {
    expect(timeTicks([T0 + 10_000, T0 + 5 * MIN + 10_000], 6)).toEqual(
      [1, 2, 3, 4, 5].map((m) => T0 + m * MIN),
    );
    expect(timeTicks([T0, T0 + 60 * MIN], 6)).toEqual([0, 10, 20, 30, 40, 50, 60].map((m) => T0 + m * MIN));
    expect(timeTicks([T0, T0 + 8 * 3_600_000], 6)).toEqual([0, 2, 4, 6, 8].map((hr) => T0 + hr * 3_600_000));
    expect(timeTicks([T0, T0], 6)).toEqual([]);
  });

  it('draws a line with gaps for missing samples', () => {
    expect(linePath([[0, 10], [5, 20], null, [15, 5.25], [20, 6]])).toBe('M0 10L5 20M15 5.3L20 6');
    expect(linePath([null])).toBe('');
  });

  it('draws weight steps that hold each value until the next and extend to the end', () => {
    expect(
      stepPath(
        [
          [10, 90],
          [50, 75],
        ],
        100,
      ),
    ).toBe('M10 90H50V75H100');
    expect(stepPath([[10, 90]], 5)).toBe('M10 90');
    expect(stepPath([], 100)).toBe('');
  });
});
