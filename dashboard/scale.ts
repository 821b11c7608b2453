/** Chart geometry: pure numbers in, numbers and SVG path strings out. */

export type Domain = readonly [number, number];

/** Maps `domain` linearly onto `range`; a zero-width domain maps everything to the middle. */
export function linear(domain: Domain, range: Domain): (value: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  if (d1 === d0) return () => (r0 + r1) / 2;
  const k = (r1 - r0) / (d1 - d0);
  return (value) => r0 + (value - d0) * k;
}

/**
 * A 1, 2 or 5 × 10^k step giving about `count` intervals over the span: the raw step is rounded to the
 * nearest of those on a log scale (the cut-offs are the geometric means √2, √10, √50).
 */
export function niceStep(span: number, count: number): number {
  if (!(span > 0) || !(count > 0)) return 1;
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice =
    fraction >= Math.sqrt(50) ? 10 : fraction >= Math.sqrt(10) ? 5 : fraction >= Math.SQRT2 ? 2 : 1;
  return nice * power;
}

/** Round tick values covering [min, max], from the first multiple of the step at or above min. */
export function niceTicks(min: number, max: number, count = 4): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max) || max < min) return [];
  if (max === min) return [min];
  const step = niceStep(max - min, count);
  const ticks: number[] = [];
  // Integer multiples keep 0.1 + 0.2 noise out of the labels.
  for (let i = Math.ceil(min / step); i * step <= max + step * 1e-9; i++)
    ticks.push(Number((i * step).toPrecision(12)));
  return ticks;
}

/**
 * The value axis: the samples and the thresholds all visible, padded by 10% so points do not sit on the
 * frame, widened to round ticks. No data and no bounds give 0-1; a flat series gets a band around it.
 */
export function valueDomain(values: readonly number[], bounds: { min?: number; max?: number } = {}): Domain {
  const all = [...values, bounds.min, bounds.max].filter(
    (v): v is number => typeof v === 'number' && Number.isFinite(v),
  );
  if (all.length === 0) return [0, 1];
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  const pad = lo === hi ? (lo === 0 ? 1 : Math.abs(lo) * 0.1) : (hi - lo) * 0.1;
  // Padding must not invent negative values for a quantity that has none (counts, rates, latencies).
  lo = lo >= 0 && lo - pad < 0 ? 0 : lo - pad;
  hi += pad;
  const step = niceStep(hi - lo, 4);
  return [Math.floor(lo / step) * step, Math.ceil(hi / step) * step];
}

/** The time axis over the samples, at least `minSpanMs` wide (one sample still gets a readable axis). */
export function timeDomain(times: readonly number[], minSpanMs = 60_000): Domain {
  const finite = times.filter((t) => Number.isFinite(t));
  if (finite.length === 0) return [0, minSpanMs];
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  if (hi - lo >= minSpanMs) return [lo, hi];
  const pad = (minSpanMs - (hi - lo)) / 2;
  return [lo - pad, hi + pad];
}

const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 240, 360, 720, 1440].map((m) => m * 60_000);

/** Ticks on whole minutes/hours (UTC) giving at most about `count` labels. */
export function timeTicks(domain: Domain, count = 6): number[] {
  const [lo, hi] = domain;
  if (!(hi > lo)) return [];
  const step =
    TIME_STEPS.find((s) => (hi - lo) / s <= count) ?? Math.ceil((hi - lo) / count / 86_400_000) * 86_400_000;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi; t += step) ticks.push(t);
  return ticks;
}

const r = (n: number): string => String(Math.round(n * 10) / 10);

/** A polyline through the points; a null breaks the line (no data is a gap, not a zero). */
export function linePath(points: ReadonlyArray<readonly [number, number] | null>): string {
  let path = '';
  let pen = false;
  for (const p of points) {
    if (!p) {
      pen = false;
      continue;
    }
    path += `${pen ? 'L' : 'M'}${r(p[0])} ${r(p[1])}`;
    pen = true;
  }
  return path;
}

/** A step line: each value holds until the next change, and the last one until `endX`. */
export function stepPath(points: ReadonlyArray<readonly [number, number]>, endX: number): string {
  const [first, ...rest] = points;
  if (!first) return '';
  let path = `M${r(first[0])} ${r(first[1])}`;
  for (const [x, y] of rest) path += `H${r(x)}V${r(y)}`;
  const lastX = points[points.length - 1]?.[0] ?? first[0];
  return endX > lastX ? `${path}H${r(endX)}` : path;
}
