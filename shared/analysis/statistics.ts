/**
 * Baseline comparison statistics (pure, no dependencies): the Mann-Whitney U test, the Hodges-Lehmann
 * location shift and a Kayenta-style canary-vs-baseline verdict with explicit zero-baseline handling.
 */

export type Alternative = 'two-sided' | 'greater' | 'less';

export interface MannWhitneyResult {
  /** U of the canary (first) sample: #(canary > baseline) + ½ #(ties). */
  u: number;
  /** Standardised statistic (normal method only). */
  z: number | null;
  pValue: number | null;
  n1: number;
  n2: number;
  ties: boolean;
  method: 'exact' | 'normal';
  /** Why pValue is null, or why it is degenerate. */
  reason?: string;
}

/** Largest sample size (each side) for which the exact permutation distribution is used. */
export const EXACT_MAX_N = 20;

/** 1-based ranks of the pooled sample, ties given their average rank; also Σ(t³ − t) over tie groups. */
function rank(values: readonly number[]): { ranks: number[]; tieTerm: number } {
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  const ranks = new Array<number>(values.length).fill(0);
  let tieTerm = 0;
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]?.v === order[start]?.v) end++;
    const t = end - start + 1;
    const average = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) ranks[order[k]?.i ?? 0] = average;
    tieTerm += t * t * t - t;
    start = end + 1;
  }
  return { ranks, tieTerm };
}

/**
 * Number of arrangements of m canary and n baseline values (no ties) giving each U = 0..m·n:
 * f(m, n, k) = f(m − 1, n, k − n) + f(m, n − 1, k) (the largest value is a canary or a baseline value).
 */
export function exactUCounts(m: number, n: number): number[] {
  // row[j] holds f(i, j, ·) for the current i.
  let row: number[][] = Array.from({ length: n + 1 }, () => [1]);
  for (let i = 1; i <= m; i++) {
    const next: number[][] = [new Array<number>(1).fill(1)];
    for (let j = 1; j <= n; j++) {
      const counts = new Array<number>(i * j + 1).fill(0);
      const up = row[j] ?? []; // f(i − 1, j, ·), shifted by j
      up.forEach((c, k) => (counts[k + j] = (counts[k + j] ?? 0) + c));
      const left = next[j - 1] ?? []; // f(i, j − 1, ·)
      left.forEach((c, k) => (counts[k] = (counts[k] ?? 0) + c));
      next.push(counts);
    }
    row = next;
  }
  return row[n] ?? [1];
}

/** P(U ≥ u) under H0 from the exact counts. */
function exactUpperTail(counts: readonly number[], u: number): number {
  let total = 0;
  let tail = 0;
  counts.forEach((c, k) => {
    total += c;
    if (k >= u) tail += c;
  });
  return tail / total;
}

/** erfc(x) to ~1e-15: positive power series below 3, Lentz continued fraction above. */
function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  if (x < 3) {
    // erf(x) = 2/√π · e^(−x²) · Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1))
    let term = x;
    let sum = x;
    for (let n = 1; n < 200 && term > sum * 1e-17; n++) {
      term *= (2 * x * x) / (2 * n + 1);
      sum += term;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
  }
  // erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    d = 1 / (Math.abs(d) < tiny ? tiny : d);
    c = x + a / c;
    if (Math.abs(c) < tiny) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

/** Standard normal upper tail P(Z > z). */
export function normalSf(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/**
 * Mann-Whitney U test of canary vs baseline. `greater`: the canary tends to be larger. Exact p-value
 * (permutation distribution) without ties and with both samples ≤ EXACT_MAX_N; otherwise the normal
 * approximation with tie and continuity correction (SciPy `method='asymptotic', use_continuity=True`).
 */
export function mannWhitneyU(
  canary: readonly number[],
  baseline: readonly number[],
  alternative: Alternative = 'two-sided',
): MannWhitneyResult {
  const n1 = canary.length;
  const n2 = baseline.length;
  if (n1 === 0 || n2 === 0) {
    const reason = n1 === 0 && n2 === 0 ? 'both samples empty' : n1 === 0 ? 'canary empty' : 'baseline empty';
    return { u: 0, z: null, pValue: null, n1, n2, ties: false, method: 'exact', reason };
  }
  if ([...canary, ...baseline].some((v) => !Number.isFinite(v))) {
    throw new RangeError('mannWhitneyU: samples must be finite numbers');
  }
  const { ranks, tieTerm } = rank([...canary, ...baseline]);
  const r1 = ranks.slice(0, n1).reduce((s, r) => s + r, 0);
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const ties = tieTerm > 0;
  // The statistic whose upper tail is the p-value.
  const tailU = alternative === 'greater' ? u1 : alternative === 'less' ? u2 : Math.max(u1, u2);
  const factor = alternative === 'two-sided' ? 2 : 1;

  if (!ties && n1 <= EXACT_MAX_N && n2 <= EXACT_MAX_N) {
    const p = factor * exactUpperTail(exactUCounts(n1, n2), tailU);
    return { u: u1, z: null, pValue: Math.min(1, p), n1, n2, ties, method: 'exact' };
  }
  const n = n1 + n2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) {
    // Every value is the same: U equals its mean, there is no evidence of a shift.
    return { u: u1, z: null, pValue: 1, n1, n2, ties, method: 'normal', reason: 'all values tied' };
  }
  const z = (tailU - mean - 0.5) / Math.sqrt(variance);
  const p = Math.min(1, Math.max(0, factor * normalSf(z)));
  return { u: u1, z, pValue: p, n1, n2, ties, method: 'normal' };
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const hi = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? hi : ((sorted[mid - 1] ?? 0) + hi) / 2;
}

/** Hodges-Lehmann shift: the median of all pairwise differences canary_i − baseline_j. */
export function hodgesLehmann(canary: readonly number[], baseline: readonly number[]): number | null {
  const differences: number[] = [];
  for (const c of canary) for (const b of baseline) differences.push(c - b);
  return median(differences);
}

/**
 * How a baseline's tolerance is read: `ratio`, a share of |median(baseline)| (latencies: 0.25 = 25 %
 * slower); `points`, an absolute difference in the metric's own unit (percentages: 1 = one percentage
 * point, so 97 % against 99.5 % success is a 2.5-point drop).
 */
export type ToleranceScale = 'points' | 'ratio';

/** The tolerance when the spec gives none: one percentage point, or 25 % of the baseline median. */
export const DEFAULT_TOLERANCE: Record<ToleranceScale, number> = { points: 1, ratio: 0.25 };

export interface CompareOptions {
  /** Effect size allowed before failing, read as `scale` says. */
  tolerance: number;
  /** Absent: `ratio` (what specs recorded before `points` existed meant). */
  scale?: ToleranceScale;
  alpha?: number;
  direction: 'increase-is-bad' | 'decrease-is-bad';
}

export interface Comparison {
  verdict: 'pass' | 'fail' | 'inconclusive';
  reason: string;
  u: number | null;
  pValue: number | null;
  shift: number | null;
}

/**
 * Judges a canary metric against its baseline. Non-finite values (NaN from 0/0) are dropped first.
 * Fails when the shift is significant (p < alpha, one-sided in the bad direction) and larger than the
 * band: `tolerance` points, or tolerance × |median(baseline)| for `ratio`. Under `ratio` an all-zero
 * baseline fails on any canary value in the bad direction, because a relative effect size against 0 is
 * undefined (Kayenta's zero-baseline blind spot); under `points` the band is defined there too.
 */
export function compareToBaseline(
  canarySample: readonly number[],
  baselineSample: readonly number[],
  options: CompareOptions,
): Comparison {
  const { tolerance, alpha = 0.05, direction, scale = 'ratio' } = options;
  if (!(tolerance >= 0) || !Number.isFinite(tolerance)) throw new RangeError('tolerance must be ≥ 0');
  if (!(alpha > 0 && alpha < 1)) throw new RangeError('alpha must be in (0, 1)');
  const canary = canarySample.filter(Number.isFinite);
  const baseline = baselineSample.filter(Number.isFinite);
  if (canary.length === 0 || baseline.length === 0) {
    const side =
      canary.length === 0 && baseline.length === 0 ? 'no data' : canary.length === 0 ? 'canary' : 'baseline';
    const reason = side === 'no data' ? 'no data on either side' : `no data for the ${side}`;
    return { verdict: 'inconclusive', reason, u: null, pValue: null, shift: null };
  }
  const sign = direction === 'increase-is-bad' ? 1 : -1;
  const test = mannWhitneyU(canary, baseline, sign === 1 ? 'greater' : 'less');
  const shift = hodgesLehmann(canary, baseline) ?? 0;
  const result = (verdict: Comparison['verdict'], reason: string): Comparison => ({
    verdict,
    reason,
    u: test.u,
    pValue: test.pValue,
    shift,
  });

  const first = baseline[0] ?? 0;
  const baselineConstant = baseline.every((v) => v === first);
  if (baselineConstant && canary.every((v) => v === first)) {
    return result('pass', 'canary and baseline are the same constant');
  }
  if (baselineConstant && first === 0 && scale === 'ratio') {
    const bad = canary.filter((v) => sign * v > 0).length;
    return bad > 0
      ? result(
          'fail',
          `baseline is all zero and ${bad} canary value(s) ${sign === 1 ? 'above' : 'below'} zero ` +
            '(relative effect size undefined)',
        )
      : result('pass', 'baseline is all zero and the canary never moves in the bad direction');
  }
  if (test.pValue === null) return result('inconclusive', test.reason ?? 'no p-value');
  const band = scale === 'points' ? tolerance : tolerance * Math.abs(median(baseline) ?? 0);
  const significant = test.pValue < alpha;
  const badShift = sign * shift > 0 && Math.abs(shift) > band;
  const p = test.pValue.toPrecision(3);
  if (significant && badShift) {
    return result('fail', `shift ${shift} beyond ±${band} and significant (p = ${p} < ${alpha})`);
  }
  if (!significant) return result('pass', `no significant shift in the bad direction (p = ${p})`);
  const unit = scale === 'points' ? ' points' : '';
  return result('pass', `significant but shift ${shift} within ±${band} (tolerance ${tolerance}${unit})`);
}
