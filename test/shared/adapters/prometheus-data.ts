/**
 * Deterministic test traffic for the real-Prometheus and sandbox tests: ingress-nginx and Istio metrics
 * for one service, primary and canary, one sample per minute for 30 minutes. The canary degrades at
 * minute 20 (errors and latency), is rolled back after minute 25 (its counters stay flat, so rates are
 * 0 and ratios 0/0), and one primary controller pod restarts at minute 10 (a counter reset).
 * Expectations are computed from the same per-minute increments, not from Prometheus.
 */

export const NAMESPACE = 'prod';
export const INGRESS = 'web';
export const PRIMARY = 'web';
export const CANARY = 'web-canary';
export const MINUTES = 30;
/** A namespace full of characters that need escaping; its traffic is all 2xx. */
export const HOSTILE_NAMESPACE = 'a"b\\c\nü } or vector(1)';

export type Side = 'primary' | 'canary';
export const NGINX_LE = [
  '0.005',
  '0.01',
  '0.025',
  '0.05',
  '0.1',
  '0.25',
  '0.5',
  '1',
  '2.5',
  '5',
  '10',
  '+Inf',
];
export const ISTIO_LE = ['5', '10', '25', '50', '100', '250', '500', '1000', '2500', '5000', '10000', '+Inf'];

interface Increment {
  ok: number;
  errors: number;
  errorStatus: string;
  /** Requests per bucket (not cumulative), one entry per `le`. */
  buckets: number[];
}

/** Two sources (controller pods / client workloads) per side, so every query has to sum. */
const PODS = ['a', 'b'] as const;
type Pod = (typeof PODS)[number];

const ZERO = { ok: 0, errors: 0, errorStatus: '500', buckets: NGINX_LE.map(() => 0) };

/** Requests counted in minute `minute` (1..MINUTES) by one side's pod. */
export function increment(side: Side, pod: Pod, minute: number): Increment {
  if (side === 'primary')
    return pod === 'a'
      ? { ok: 700, errors: 1, errorStatus: '503', buckets: [0, 10, 60, 200, 300, 100, 25, 5, 1, 0, 0, 0] }
      : { ok: 478, errors: 1, errorStatus: '503', buckets: [0, 5, 40, 150, 200, 60, 20, 4, 0, 0, 0, 0] };
  if (minute <= 20)
    return pod === 'a'
      ? { ok: 70, errors: 1, errorStatus: '500', buckets: [0, 1, 5, 20, 30, 10, 4, 1, 0, 0, 0, 0] }
      : { ok: 49, errors: 0, errorStatus: '500', buckets: [0, 0, 4, 15, 20, 7, 2, 1, 0, 0, 0, 0] };
  if (minute <= 25)
    return pod === 'a'
      ? { ok: 50, errors: 20, errorStatus: '500', buckets: [0, 0, 1, 4, 10, 15, 20, 12, 6, 2, 0, 0] }
      : { ok: 40, errors: 10, errorStatus: '500', buckets: [0, 0, 1, 3, 6, 10, 14, 9, 4, 2, 0, 1] };
  return ZERO;
}

/** Primary pod b restarts just after minute 9: its counters start again from zero. */
const resetsAt = (side: Side, pod: Pod, minute: number): boolean =>
  side === 'primary' && pod === 'b' && minute === 10;

interface SeriesText {
  family: string;
  labels: string;
  values: Array<number | undefined>;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labelText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
    .join(',');
}

const requestCount = (i: Increment): number => i.ok + i.errors;

/**
 * Cumulative values per minute (0..MINUTES) of one counter; `undefined` before the series exists. A
 * series exists from the first minute its `trigger` counts anything (a status's own requests; for
 * histogram buckets, any request: a client library exports every bucket of a histogram it has).
 */
function cumulative(
  side: Side,
  pod: Pod,
  start: number,
  amount: (inc: Increment) => number,
  trigger: (inc: Increment) => number = amount,
): Array<number | undefined> {
  const values: Array<number | undefined> = [
    start === 0 && trigger(increment(side, pod, 1)) === 0 ? undefined : start,
  ];
  let value = start;
  for (let minute = 1; minute <= MINUTES; minute++) {
    const inc = amount(increment(side, pod, minute));
    const exists = values[minute - 1] !== undefined || trigger(increment(side, pod, minute)) > 0;
    value = resetsAt(side, pod, minute) ? inc : value + inc;
    values.push(exists ? value : undefined);
  }
  return values;
}

function sideSeries(side: Side, pod: Pod, mesh: boolean): SeriesText[] {
  const out: SeriesText[] = [];
  const start = side === 'primary' ? 100_000 : 0;
  const base: Record<string, string> = mesh
    ? {
        reporter: 'destination',
        destination_workload: side === 'primary' ? PRIMARY : CANARY,
        destination_workload_namespace: NAMESPACE,
        source_workload: `client-${pod}`,
      }
    : {
        namespace: NAMESPACE,
        ingress: INGRESS,
        service: INGRESS,
        controller_pod: `ingress-nginx-${pod}`,
        canary: side === 'canary' ? 'prod-web-canary-80' : '',
      };
  const [requests, status] = mesh
    ? ['istio_requests_total', 'response_code']
    : ['nginx_ingress_controller_requests', 'status'];
  const errorStatus = increment(side, pod, 21).errorStatus;
  out.push({
    family: requests,
    labels: labelText({ ...base, [status]: '200' }),
    values: cumulative(side, pod, start, (i) => i.ok),
  });
  out.push({
    family: requests,
    labels: labelText({ ...base, [status]: errorStatus }),
    values: cumulative(side, pod, 0, (i) => i.errors),
  });
  const histogram = mesh
    ? 'istio_request_duration_milliseconds'
    : 'nginx_ingress_controller_request_duration_seconds';
  (mesh ? ISTIO_LE : NGINX_LE).forEach((le, index) => {
    const upTo = (i: Increment): number => i.buckets.slice(0, index + 1).reduce((a, b) => a + b, 0);
    const values = cumulative(side, pod, start, upTo, requestCount);
    out.push({ family: histogram, labels: labelText({ ...base, le }), values });
  });
  return out;
}

function hostileSeries(): SeriesText {
  const labels = labelText({ namespace: HOSTILE_NAMESPACE, ingress: INGRESS, canary: 'x', status: '200' });
  return {
    family: 'nginx_ingress_controller_requests',
    labels,
    values: cumulative('canary', 'a', 0, () => 60),
  };
}

/** The OpenMetrics text for `promtool tsdb create-blocks-from openmetrics`; `t0` in ms, whole minutes. */
export function openMetrics(t0: number): string {
  const all: SeriesText[] = [hostileSeries()];
  for (const mesh of [false, true])
    for (const side of ['primary', 'canary'] as const)
      for (const pod of PODS) all.push(...sideSeries(side, pod, mesh));
  const lines: string[] = [];
  const families = [...new Set(all.map((s) => s.family))];
  for (const family of families) {
    const histogram = family.endsWith('_seconds') || family.endsWith('_milliseconds');
    lines.push(`# TYPE ${family} ${histogram ? 'histogram' : 'unknown'}`);
    for (let minute = 0; minute <= MINUTES; minute++) {
      for (const s of all.filter((x) => x.family === family)) {
        const value = s.values[minute];
        if (value === undefined) continue;
        lines.push(
          `${family}${histogram ? '_bucket' : ''}{${s.labels}} ${value} ${(t0 + minute * 60_000) / 1000}`,
        );
      }
    }
  }
  lines.push('# EOF', '');
  return lines.join('\n');
}

/** Sum of one side's increments over minutes (from, to]. */
function totals(side: Side, from: number, to: number): Increment {
  const sum: Increment = { ok: 0, errors: 0, errorStatus: '', buckets: NGINX_LE.map(() => 0) };
  for (let minute = from + 1; minute <= to; minute++) {
    for (const pod of PODS) {
      const inc = increment(side, pod, minute);
      sum.ok += inc.ok;
      sum.errors += inc.errors;
      inc.buckets.forEach((b, i) => (sum.buckets[i] = (sum.buckets[i] ?? 0) + b));
    }
  }
  return sum;
}

/** Expected success rate (%) over minutes (from, to]: a window whose ends fall on samples. */
export function expectedSuccessRate(side: Side, from: number, to: number): number {
  const t = totals(side, from, to);
  return (100 * t.ok) / (t.ok + t.errors);
}

/**
 * Expected `histogram_quantile` over minutes (from, to], in the bucket unit (NGINX: s, Istio: ms via
 * `scale`): find the bucket holding rank q × total and interpolate linearly inside it; a rank in the
 * +Inf bucket answers the highest finite bound.
 */
export function expectedQuantile(side: Side, q: number, from: number, to: number, bounds: string[]): number {
  const counts = totals(side, from, to).buckets;
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return NaN;
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i] as number;
    if (below + count >= rank && count > 0) {
      if (bounds[i] === '+Inf') return Number(bounds[i - 1]);
      const lower = i === 0 ? 0 : Number(bounds[i - 1]);
      return lower + (Number(bounds[i]) - lower) * ((rank - below) / count);
    }
    below += count;
  }
  return Number(bounds[bounds.length - 2]);
}
