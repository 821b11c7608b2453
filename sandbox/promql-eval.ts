import { QueryError, type BinaryOp, type Expr, type Matcher } from './promql-parse.js';
import { lowerBound, seriesKey, type Labels, type SeriesStore } from './series.js';

/**
 * Evaluates the parsed subset over the sandbox's series with Prometheus 2.x semantics, so the sandbox
 * gives the numbers a real Prometheus gives for the same data (the real-Prometheus test compares them):
 * range selectors include both ends (Prometheus 3 excludes the start), `rate` extrapolates like
 * `extrapolatedRate`, and `histogram_quantile` interpolates linearly within the bucket like `bucketQuantile`.
 */

export interface Sample {
  labels: Labels;
  v: number;
}
export type Value = { kind: 'scalar'; v: number } | { kind: 'vector'; samples: Sample[] };

/** How far back an instant selector looks for the latest sample (Prometheus's default lookback delta). */
const LOOKBACK_MS = 5 * 60_000;

const regexCache = new Map<string, RegExp>();

function matcherFn(m: Matcher): (labels: Labels) => boolean {
  if (m.op === '=' || m.op === '!=') {
    const want = m.op === '=';
    return (labels) => ((labels[m.name] ?? '') === m.value) === want;
  }
  let re = regexCache.get(m.value);
  if (!re) {
    try {
      // Prometheus anchors label regexes at both ends.
      re = new RegExp(`^(?:${m.value})$`, 'u');
    } catch {
      throw new QueryError(`invalid regular expression ${JSON.stringify(m.value)}`);
    }
    regexCache.set(m.value, re);
  }
  const regex = re;
  const want = m.op === '=~';
  return (labels) => regex.test(labels[m.name] ?? '') === want;
}

function select(store: SeriesStore, matchers: Matcher[]): ReturnType<SeriesStore['select']> {
  const name = matchers.find((m) => m.name === '__name__' && m.op === '=')?.value;
  if (name === undefined) throw new QueryError('a selector needs an exact metric name in the sandbox');
  const fns = matchers.map(matcherFn);
  return store.select(name, (labels) => fns.every((f) => f(labels)));
}

function withoutName(labels: Labels): Labels {
  const { __name__: _name, ...rest } = labels;
  return rest;
}

/** Prometheus's `extrapolatedRate` for a counter (`isCounter`, `isRate`), on samples in the range. */
export function extrapolatedRate(
  t: number[],
  v: number[],
  rangeStart: number,
  rangeEnd: number,
  rangeMs: number,
): number {
  const n = t.length;
  const firstT = t[0] as number;
  const lastT = t[n - 1] as number;
  const firstV = v[0] as number;
  let result = (v[n - 1] as number) - firstV;
  for (let i = 1; i < n; i++) if ((v[i] as number) < (v[i - 1] as number)) result += v[i - 1] as number;
  let durationToStart = (firstT - rangeStart) / 1000;
  const durationToEnd = (rangeEnd - lastT) / 1000;
  const sampledInterval = (lastT - firstT) / 1000;
  const averageBetween = sampledInterval / (n - 1);
  if (result > 0 && firstV >= 0) {
    // A counter cannot go below zero: do not extrapolate further back than its zero point.
    const durationToZero = sampledInterval * (firstV / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  const threshold = averageBetween * 1.1;
  let extrapolateTo = sampledInterval;
  extrapolateTo += durationToStart < threshold ? durationToStart : averageBetween / 2;
  extrapolateTo += durationToEnd < threshold ? durationToEnd : averageBetween / 2;
  return result * (extrapolateTo / sampledInterval / (rangeMs / 1000));
}

function rate(store: SeriesStore, expr: Extract<Expr, { type: 'rate' }>, at: number): Sample[] {
  const rangeMs = expr.arg.rangeMs as number;
  const start = at - rangeMs;
  const out: Sample[] = [];
  for (const series of select(store, expr.arg.matchers)) {
    const from = lowerBound(series.t, start);
    const to = lowerBound(series.t, at + 1);
    if (to - from < 2) continue;
    const t = series.t.slice(from, to);
    const v = series.v.slice(from, to);
    out.push({ labels: withoutName(series.labels), v: extrapolatedRate(t, v, start, at, rangeMs) });
  }
  return out;
}

function instant(store: SeriesStore, matchers: Matcher[], at: number): Sample[] {
  const out: Sample[] = [];
  for (const series of select(store, matchers)) {
    const i = lowerBound(series.t, at + 1) - 1;
    const t = series.t[i];
    if (t !== undefined && t > at - LOOKBACK_MS && !series.stale?.has(t))
      out.push({ labels: series.labels, v: series.v[i] as number });
  }
  return out;
}

function group(
  samples: Sample[],
  keyOf: (labels: Labels) => Labels,
): Map<string, { labels: Labels; items: Sample[] }> {
  const groups = new Map<string, { labels: Labels; items: Sample[] }>();
  for (const sample of samples) {
    const labels = keyOf(sample.labels);
    const key = seriesKey(labels);
    const entry = groups.get(key) ?? { labels, items: [] };
    entry.items.push(sample);
    groups.set(key, entry);
  }
  return groups;
}

function sum(samples: Sample[], by: string[] | undefined): Sample[] {
  const keep = (labels: Labels): Labels => {
    const out: Labels = {};
    for (const name of by ?? []) if (labels[name] !== undefined) out[name] = labels[name];
    return out;
  };
  return [...group(samples, keep).values()].map(({ labels, items }) => ({
    labels,
    v: items.reduce((acc, s) => acc + s.v, 0),
  }));
}

/** Prometheus's `bucketQuantile` (classic histograms): linear interpolation within the bucket. */
export function bucketQuantile(q: number, raw: Array<{ le: number; count: number }>): number {
  if (Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const sorted = [...raw].sort((a, b) => a.le - b.le);
  if (sorted.at(-1)?.le !== Infinity) return NaN;
  const buckets: Array<{ le: number; count: number }> = [];
  for (const b of sorted) {
    const last = buckets.at(-1);
    if (last && last.le === b.le) last.count += b.count;
    else buckets.push({ ...b });
  }
  let max = -Infinity;
  for (const b of buckets)
    if (b.count > max) max = b.count;
    else if (b.count < max) b.count = max;
  if (buckets.length < 2) return NaN;
  const observations = (buckets.at(-1) as { count: number }).count;
  if (observations === 0) return NaN;
  let rank = q * observations;
  let b = buckets.findIndex((x, i) => i < buckets.length - 1 && x.count >= rank);
  if (b === -1) b = buckets.length - 1;
  if (b === buckets.length - 1) return (buckets[buckets.length - 2] as { le: number }).le;
  const bucket = buckets[b] as { le: number; count: number };
  if (b === 0 && bucket.le <= 0) return bucket.le;
  let start = 0;
  let count = bucket.count;
  if (b > 0) {
    const previous = buckets[b - 1] as { le: number; count: number };
    start = previous.le;
    count -= previous.count;
    rank -= previous.count;
  }
  return start + (bucket.le - start) * (rank / count);
}

function histogramQuantile(q: number, samples: Sample[]): Sample[] {
  const withoutLe = (labels: Labels): Labels => {
    const { le: _le, ...rest } = withoutName(labels);
    return rest;
  };
  // Series whose `le` is not a float are ignored, as Prometheus does.
  const le = (s: Sample): number => Number((s.labels.le ?? 'x').replace(/^([+-]?)inf$/i, '$1Infinity'));
  const usable = samples.filter((s) => !Number.isNaN(le(s)));
  return [...group(usable, withoutLe).values()].map(({ labels, items }) => ({
    labels,
    v: bucketQuantile(
      q,
      items.map((s) => ({ le: le(s), count: s.v })),
    ),
  }));
}

function arithmetic(op: Exclude<BinaryOp, 'or'>, a: number, b: number): number {
  if (op === '+') return a + b;
  if (op === '-') return a - b;
  return op === '*' ? a * b : a / b;
}

function binary(op: BinaryOp, lhs: Value, rhs: Value): Value {
  if (op === 'or') {
    if (lhs.kind !== 'vector' || rhs.kind !== 'vector')
      throw new QueryError('"or" needs vectors on both sides');
    const seen = new Set(lhs.samples.map((s) => seriesKey(withoutName(s.labels))));
    return {
      kind: 'vector',
      samples: [...lhs.samples, ...rhs.samples.filter((s) => !seen.has(seriesKey(withoutName(s.labels))))],
    };
  }
  if (lhs.kind === 'scalar' && rhs.kind === 'scalar')
    return { kind: 'scalar', v: arithmetic(op, lhs.v, rhs.v) };
  if (lhs.kind === 'scalar' || rhs.kind === 'scalar') {
    const vector = (lhs.kind === 'vector' ? lhs : rhs) as Extract<Value, { kind: 'vector' }>;
    const samples = vector.samples.map((s) => ({
      labels: withoutName(s.labels),
      v: lhs.kind === 'scalar' ? arithmetic(op, lhs.v, s.v) : arithmetic(op, s.v, (rhs as { v: number }).v),
    }));
    return { kind: 'vector', samples };
  }
  // One-to-one matching on all labels but the name. Every selector names one metric, so neither side
  // can hold two series with the same labels (Prometheus's many-to-many error cannot arise here).
  const right = new Map(rhs.samples.map((s) => [seriesKey(withoutName(s.labels)), s]));
  const samples: Sample[] = [];
  for (const s of lhs.samples) {
    const match = right.get(seriesKey(withoutName(s.labels)));
    if (match) samples.push({ labels: withoutName(s.labels), v: arithmetic(op, s.v, match.v) });
  }
  return { kind: 'vector', samples };
}

function vectorOf(value: Value, what: string): Sample[] {
  if (value.kind !== 'vector') throw new QueryError(`${what} expects an instant vector`);
  return value.samples;
}

/** Evaluates `expr` at `at` (ms). */
export function evaluate(expr: Expr, store: SeriesStore, at: number): Value {
  switch (expr.type) {
    case 'number':
      return { kind: 'scalar', v: expr.value };
    case 'selector':
      if (expr.rangeMs !== undefined) throw new QueryError('range vectors are only supported inside rate()');
      return { kind: 'vector', samples: instant(store, expr.matchers, at) };
    case 'rate':
      return { kind: 'vector', samples: rate(store, expr, at) };
    case 'sum':
      return { kind: 'vector', samples: sum(vectorOf(evaluate(expr.arg, store, at), 'sum'), expr.by) };
    case 'vector': {
      const arg = evaluate(expr.arg, store, at);
      if (arg.kind !== 'scalar') throw new QueryError('vector() expects a scalar');
      return { kind: 'vector', samples: [{ labels: {}, v: arg.v }] };
    }
    case 'histogram_quantile': {
      const q = evaluate(expr.q, store, at);
      if (q.kind !== 'scalar') throw new QueryError('histogram_quantile expects a scalar quantile');
      return {
        kind: 'vector',
        samples: histogramQuantile(q.v, vectorOf(evaluate(expr.arg, store, at), 'histogram_quantile')),
      };
    }
    case 'binary':
      return binary(expr.op, evaluate(expr.lhs, store, at), evaluate(expr.rhs, store, at));
  }
}
