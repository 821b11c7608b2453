import { describe, expect, it } from 'vitest';
import {
  compareToBaseline,
  exactUCounts,
  hodgesLehmann,
  mannWhitneyU,
  normalSf,
  type Alternative,
} from '../../../shared/analysis/statistics.js';

/** U of the first sample by pairwise counting (not by ranks): #(x > y) + ½ #(x = y). */
function pairwiseU(x: readonly number[], y: readonly number[]): number {
  let u = 0;
  for (const a of x) for (const b of y) u += a > b ? 1 : a === b ? 0.5 : 0;
  return u;
}

/** All index subsets of size k of 0..n−1. */
function* subsets(n: number, k: number, start = 0, chosen: number[] = []): Generator<number[]> {
  if (chosen.length === k) {
    yield chosen;
    return;
  }
  for (let i = start; i <= n - (k - chosen.length); i++) yield* subsets(n, k, i + 1, [...chosen, i]);
}

/**
 * Reference p-value by brute force, independent of the DP: every way of labelling n1 of the pooled values
 * "canary" is equally likely under H0; p = share of labellings whose statistic is at least as extreme
 * (two-sided: |U − n1·n2/2| at least as far from the mean, i.e. both tails counted directly, not doubled).
 */
function bruteForceP(canary: number[], baseline: number[], alternative: Alternative): number {
  const pooled = [...canary, ...baseline];
  const n1 = canary.length;
  const total = n1 * baseline.length;
  const tail = (u: number): number =>
    alternative === 'greater' ? u : alternative === 'less' ? total - u : Math.max(u, total - u);
  const observed = tail(pairwiseU(canary, baseline));
  let hits = 0;
  let count = 0;
  for (const chosen of subsets(pooled.length, n1)) {
    const inside = new Set(chosen);
    const x = pooled.filter((_, i) => inside.has(i));
    const y = pooled.filter((_, i) => !inside.has(i));
    count++;
    if (tail(pairwiseU(x, y)) >= observed) hits++;
  }
  return hits / count;
}

const MALES = [19, 22, 16, 29, 24];
const FEMALES = [20, 11, 17, 12];

describe('mannWhitneyU: exact method against brute-force enumeration', () => {
  const cases: { name: string; canary: number[]; baseline: number[]; u: number }[] = [
    { name: 'SciPy docs example (males vs females)', canary: MALES, baseline: FEMALES, u: 17 },
    { name: 'no overlap, canary higher (3 vs 3)', canary: [10, 11, 12], baseline: [1, 2, 3], u: 9 },
    { name: 'no overlap, canary lower (5 vs 5)', canary: [1, 2, 3, 4, 5], baseline: [6, 7, 8, 9, 10], u: 0 },
    { name: 'interleaved (4 vs 6)', canary: [1.5, 4.5, 6.5, 9.5], baseline: [1, 2, 3, 5, 7, 8], u: 14 },
    { name: 'single values', canary: [2], baseline: [1], u: 1 },
  ];
  const alternatives: Alternative[] = ['two-sided', 'greater', 'less'];
  for (const c of cases) {
    for (const alternative of alternatives) {
      it(`${c.name}, ${alternative}`, () => {
        const r = mannWhitneyU(c.canary, c.baseline, alternative);
        expect(r).toMatchObject({ u: c.u, method: 'exact', ties: false, z: null });
        expect(r.pValue).toBeCloseTo(bruteForceP(c.canary, c.baseline, alternative), 12);
      });
    }
  }

  it('matches SciPy documented values: exact two-sided p = 0.1111111111111111', () => {
    // scipy.stats.mannwhitneyu docstring: U1 = 17.0, p = 0.1111111111111111 (method="exact").
    // Derivation: C(9,4) = 126 labellings, P(U ≤ 3) = (1 + 1 + 2 + 3)/126 = 7/126, two-sided 2 · 7/126.
    expect(mannWhitneyU(MALES, FEMALES).pValue).toBeCloseTo(14 / 126, 15);
  });

  it('no overlap gives the smallest possible p: 2 / C(n1 + n2, n1)', () => {
    expect(mannWhitneyU([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]).pValue).toBeCloseTo(2 / 252, 15);
    expect(mannWhitneyU([6, 7, 8, 9, 10], [1, 2, 3, 4, 5], 'greater').pValue).toBeCloseTo(1 / 252, 15);
  });

  it('DP counts equal brute-force counts and sum to C(n1 + n2, n1)', () => {
    const counts = exactUCounts(4, 3);
    const brute = new Array<number>(13).fill(0);
    for (const chosen of subsets(7, 4)) {
      const y = [0, 1, 2, 3, 4, 5, 6].filter((i) => !chosen.includes(i));
      brute[pairwiseU(chosen, y)]! += 1;
    }
    expect(counts).toEqual(brute);
    expect(exactUCounts(20, 20).reduce((s, c) => s + c, 0)).toBe(137846528820);
  });
});

describe('mannWhitneyU: normal approximation (ties or large samples)', () => {
  it('ties, two-sided: hand-computed p', () => {
    // canary [1,2,2,3,5], baseline [2,3,3,4,6,6]: n1 = 5, n2 = 6, n = 11.
    // Pooled ranks: 1→1; 2,2,2→3; 3,3,3→6; 4→8; 5→9; 6,6→10.5. R1 = 1+3+3+6+9 = 22.
    // U1 = R1 − n1(n1+1)/2 = 22 − 15 = 7; U2 = 30 − 7 = 23; mean n1·n2/2 = 15.
    // Tie term Σ(t³−t) = 24 + 24 + 6 = 54.
    // var = n1·n2/12 · ((n+1) − 54/(n(n−1))) = 2.5 · (12 − 54/110) = 28.772727…; sd = 5.3640216.
    // Two-sided uses U = max(U1, U2) = 23; continuity: z = (23 − 15 − 0.5)/5.3640216 = 1.3982047.
    // p = 2 · (1 − Φ(1.3982047)) = 0.16205161436963 (SciPy asymptotic: 0.1620516143696369).
    const r = mannWhitneyU([1, 2, 2, 3, 5], [2, 3, 3, 4, 6, 6]);
    expect(r).toMatchObject({ u: 7, method: 'normal', ties: true });
    expect(r.z).toBeCloseTo(7.5 / Math.sqrt(2.5 * (12 - 54 / 110)), 12);
    expect(r.pValue).toBeCloseTo(0.1620516143696369, 12);
    // One-sided: 'less' (canary smaller) tests U2 = 23 → half of the two-sided p.
    expect(mannWhitneyU([1, 2, 2, 3, 5], [2, 3, 3, 4, 6, 6], 'less').pValue).toBeCloseTo(
      0.08102580718481844,
      12,
    );
    // 'greater' tests U1 = 7: z = (7 − 15 − 0.5)/5.3640216 = −1.5846; p = Φ(1.5846) = 0.94347501057.
    expect(mannWhitneyU([1, 2, 2, 3, 5], [2, 3, 3, 4, 6, 6], 'greater').pValue).toBeCloseTo(
      0.9434750105718386,
      12,
    );
  });

  it('ties against a mostly-zero sample, one-sided vs two-sided', () => {
    // canary [0,0,1,2], baseline [0,0,0,0,0]: n1 = 4, n2 = 5, n = 9; seven zeros share rank 4.
    // R1 = 4+4+8+9 = 25; U1 = 25 − 10 = 15; mean = 20/2 = 10; tie term = 7³ − 7 = 336.
    // var = 20/12 · (10 − 336/72) = 8.888…; sd = 2.9814240; z = (15 − 10 − 0.5)/2.9814240 = 1.5093459.
    // greater: p = 1 − Φ(1.5093459) = 0.0656052072564994; two-sided: 2 × that = 0.1312104145129988.
    const greater = mannWhitneyU([0, 0, 1, 2], [0, 0, 0, 0, 0], 'greater');
    expect(greater.z).toBeCloseTo(1.509345884812358, 12);
    expect(greater.pValue).toBeCloseTo(0.06560520725649942, 12);
    expect(mannWhitneyU([0, 0, 1, 2], [0, 0, 0, 0, 0]).pValue).toBeCloseTo(0.13121041451299884, 12);
  });

  it('SciPy docs example, asymptotic: p = 0.11134688653314041', () => {
    // Documented with method="asymptotic"; here the samples are small and untied, so mannWhitneyU uses
    // the exact method and the normal branch is checked through its formula: no ties, so
    // var = n1·n2/12 · (n + 1) = 20/12 · 10 = 16.667, z = (17 − 10 − 0.5)/4.0824829 = 1.5921683.
    const z = (17 - 10 - 0.5) / Math.sqrt((20 / 12) * 10);
    expect(2 * normalSf(z)).toBeCloseTo(0.11134688653314041, 14);
    expect(normalSf(0)).toBe(0.5);
    expect(normalSf(-1)).toBeCloseTo(0.8413447460685429, 14);
  });

  it('large no-overlap samples (25 vs 25) use the normal method with a tiny p', () => {
    // U1 = 625, mean 312.5, var = 625/12 · 51 = 2656.25, z = 312/51.5388203 = 6.0536892,
    // p = 2 · (1 − Φ(6.0536892)) = 1.4156562248495537e-9.
    const canary = Array.from({ length: 25 }, (_, i) => 26 + i);
    const baseline = Array.from({ length: 25 }, (_, i) => 1 + i);
    const r = mannWhitneyU(canary, baseline);
    expect(r).toMatchObject({ u: 625, method: 'normal', ties: false });
    expect(r.pValue! / 1.4156562248495537e-9).toBeCloseTo(1, 9);
  });

  it('identical samples: U at its mean, p = 1', () => {
    expect(mannWhitneyU([5, 6, 7], [5, 6, 7])).toMatchObject({ u: 4.5, pValue: 1, method: 'normal' });
    expect(mannWhitneyU([3, 3, 3], [3, 3, 3])).toMatchObject({
      pValue: 1,
      z: null,
      reason: 'all values tied',
    });
  });

  it('empty inputs give no p-value and a reason', () => {
    expect(mannWhitneyU([], [])).toMatchObject({ pValue: null, reason: 'both samples empty' });
    expect(mannWhitneyU([], [1])).toMatchObject({ pValue: null, reason: 'canary empty', n2: 1 });
    expect(mannWhitneyU([1], [])).toMatchObject({ pValue: null, reason: 'baseline empty' });
    expect(() => mannWhitneyU([Number.NaN], [1])).toThrow(RangeError);
  });
});

describe('hodgesLehmann', () => {
  it.each([
    { canary: [10, 11, 12], baseline: [1, 2, 3], shift: 9 },
    { canary: [1, 2], baseline: [0, 10], shift: -3.5 }, // differences 1, −9, 2, −8 → median (−8 + 1)/2
    { canary: [5], baseline: [5], shift: 0 },
    { canary: [], baseline: [1], shift: null },
  ])('$canary − $baseline → $shift', ({ canary, baseline, shift }) => {
    expect(hodgesLehmann(canary, baseline)).toBe(shift);
  });
});

describe('compareToBaseline', () => {
  const up = { tolerance: 0.25, direction: 'increase-is-bad' } as const;
  const down = { tolerance: 0.25, direction: 'decrease-is-bad' } as const;
  const base = [100, 102, 98, 101, 99, 100, 103, 97];
  const double = base.map((v) => v * 2);
  const half = base.map((v) => v / 2);
  type Row = [string, number[], number[], typeof up | typeof down, 'pass' | 'fail' | 'inconclusive', RegExp];
  // [name, canary, baseline, options, verdict, reason]
  const cases: Row[] = [
    ['both empty', [], [], up, 'inconclusive', /no data on either side/],
    ['baseline empty', [1], [], up, 'inconclusive', /no data for the baseline/],
    ['only NaN on the canary', [Number.NaN], [1], up, 'inconclusive', /no data for the canary/],
    ['both all zero', [0, 0, 0], [0, 0, 0, 0], up, 'pass', /same constant/],
    ['constant and equal', [7, 7], [7, 7, 7], up, 'pass', /same constant/],
    // Kayenta blind spot (spinnaker#5622): errors on the canary, none on the baseline.
    ['zero baseline, one canary error', [0, 0, 0, 0, 0, 0, 0, 3], [0, 0, 0, 0, 0], up, 'fail', /1 canary/],
    ['zero baseline, all canary errors', [5, 6, 7], [0, 0, 0], up, 'fail', /effect size undefined/],
    ['zero baseline, canary drops (increase bad)', [-1, 0], [0, 0], up, 'pass', /never moves/],
    ['zero baseline, canary drops (decrease bad)', [-1, 0], [0, 0], down, 'fail', /below zero/],
    [
      'constant 100 baseline, big increase',
      [200, 210, 205, 220, 199, 230],
      [100, 100, 100, 100],
      up,
      'fail',
      /beyond/,
    ],
    ['identical samples', base, base, up, 'pass', /no significant/],
    ['large increase', double, base, up, 'fail', /beyond/],
    ['small significant increase', base.map((v) => v + 10), base, up, 'pass', /within/],
    ['large decrease, increase is bad', half, base, up, 'pass', /no significant/],
    ['large decrease, decrease is bad', half, base, down, 'fail', /beyond/],
    ['one value each cannot reach alpha', [300], [100], up, 'pass', /p = 0.5/],
  ];
  it.each(cases)('%s: %j vs %j (%j) → %s', (_name, canary, baseline, options, verdict, reason) => {
    const r = compareToBaseline(canary, baseline, options);
    expect(r.verdict).toBe(verdict);
    expect(r.reason).toMatch(reason);
  });

  it('reports U, p and the Hodges-Lehmann shift', () => {
    const r = compareToBaseline(double, base, up);
    expect(r.shift).toBe(hodgesLehmann(double, base));
    expect(r.u).toBe(64);
    expect(r.pValue).toBeLessThan(0.001);
  });

  it('rejects invalid options', () => {
    expect(() => compareToBaseline([1], [1], { ...up, tolerance: -1 })).toThrow(RangeError);
    expect(() => compareToBaseline([1], [1], { ...up, alpha: 1 })).toThrow(RangeError);
  });
});
