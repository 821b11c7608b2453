/**
 * The sandbox Prometheus's time-series store: float samples per label set, kept in time order. Fed by
 * the traffic model, or by the same OpenMetrics text `promtool tsdb create-blocks-from openmetrics`
 * backfills into a real Prometheus, so both can be asked the same questions about the same data.
 */

export type Labels = Record<string, string>;

export interface Series {
  /** Includes `__name__`. Empty-valued labels are dropped, as Prometheus does at ingestion. */
  labels: Labels;
  /** Sample times in ms, ascending, and their values. */
  t: number[];
  v: number[];
  /** Times of staleness markers (Prometheus writes one when a series disappears, e.g. a resolved alert). */
  stale?: Set<number>;
}

export function seriesKey(labels: Labels): string {
  return JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((k) => [k, labels[k]]),
  );
}

function clean(labels: Labels): Labels {
  const out: Labels = {};
  for (const [name, value] of Object.entries(labels)) if (value !== '') out[name] = value;
  return out;
}

/** Index of the first element of sorted `xs` that is >= x. */
export function lowerBound(xs: number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((xs[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class SeriesStore {
  private readonly byName = new Map<string, Map<string, Series>>();

  /** Adds (or, at an existing time, replaces) a sample. */
  append(labels: Labels, t: number, v: number): void {
    const series = this.series(labels);
    const last = series.t[series.t.length - 1];
    if (last === undefined || t > last) {
      series.t.push(t);
      series.v.push(v);
      return;
    }
    const i = lowerBound(series.t, t);
    if (series.t[i] === t) series.v[i] = v;
    else {
      series.t.splice(i, 0, t);
      series.v.splice(i, 0, v);
    }
  }

  /** Appends `last + delta` to a counter; a counter that does not exist yet is only created by traffic. */
  increment(labels: Labels, t: number, delta: number): void {
    const existing = this.byName.get(labels.__name__ ?? '')?.get(seriesKey(clean(labels)));
    if (!existing && delta <= 0) return;
    this.append(labels, t, (existing?.v[existing.v.length - 1] ?? 0) + delta);
  }

  /** A staleness marker: from `t`, instant selectors no longer see the series (until a new sample). */
  markStale(labels: Labels, t: number): void {
    const series = this.series(labels);
    this.append(labels, t, Number.NaN);
    (series.stale ??= new Set()).add(t);
  }

  select(name: string, matches: (labels: Labels) => boolean): Series[] {
    return [...(this.byName.get(name)?.values() ?? [])].filter((s) => matches(s.labels));
  }

  get size(): number {
    let n = 0;
    for (const family of this.byName.values()) n += family.size;
    return n;
  }

  private series(raw: Labels): Series {
    const labels = clean(raw);
    const name = labels.__name__;
    if (!name) throw new Error('a series needs a __name__');
    let family = this.byName.get(name);
    if (!family) this.byName.set(name, (family = new Map()));
    const key = seriesKey(labels);
    let series = family.get(key);
    if (!series) family.set(key, (series = { labels, t: [], v: [] }));
    return series;
  }
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)(?:\s+(\S+))?\s*$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(,|\})/y;

function parseLabels(text: string, line: number): Labels {
  const labels: Labels = {};
  if (text === '{}') return labels;
  LABEL.lastIndex = 1;
  for (;;) {
    const m = LABEL.exec(text);
    if (!m) throw new Error(`OpenMetrics line ${line}: malformed labels`);
    labels[m[1] as string] = (m[2] as string).replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    if (m[3] === '}') {
      if (LABEL.lastIndex !== text.length) throw new Error(`OpenMetrics line ${line}: text after labels`);
      return labels;
    }
  }
}

function parseNumber(raw: string, line: number): number {
  if (raw === 'NaN') return NaN;
  if (raw === '+Inf' || raw === 'Inf') return Infinity;
  if (raw === '-Inf') return -Infinity;
  const value = Number(raw);
  if (raw.trim() === '' || Number.isNaN(value))
    throw new Error(`OpenMetrics line ${line}: bad number ${raw}`);
  return value;
}

/**
 * Loads OpenMetrics text as `promtool tsdb create-blocks-from openmetrics` reads it: `# ` lines are
 * metadata, every sample carries a timestamp in seconds, and the text ends with `# EOF`.
 * Returns the number of samples loaded.
 */
export function loadOpenMetrics(store: SeriesStore, text: string): number {
  const lines = text.split('\n');
  let count = 0;
  let ended = false;
  lines.forEach((raw, index) => {
    const line = raw.trimEnd();
    if (ended && line !== '') throw new Error(`OpenMetrics line ${index + 1}: content after # EOF`);
    if (line === '# EOF') ended = true;
    if (line === '' || line.startsWith('#')) return;
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`OpenMetrics line ${index + 1}: not a sample`);
    if (m[4] === undefined) throw new Error(`OpenMetrics line ${index + 1}: samples need a timestamp`);
    const labels = { ...parseLabels(m[2] ?? '{}', index + 1), __name__: m[1] as string };
    store.append(
      labels,
      Math.round(parseNumber(m[4], index + 1) * 1000),
      parseNumber(m[3] as string, index + 1),
    );
    count++;
  });
  if (!ended) throw new Error('OpenMetrics text must end with # EOF');
  return count;
}
