import type { TokenCredential } from '@azure/core-auth';
import { azureMonitorProblems } from '../analysis/azure-monitor-limits.js';
import { promDuration } from '../analysis/promql.js';
import { alertsQuery, renderMetricQuery } from '../analysis/templates.js';
import type { FiringAlerts, MetricSample, Metrics, MetricsQuery } from '../ports/metrics.js';
import { HttpError, httpRequest } from './http.js';
import {
  PrometheusError,
  errorFromHttp,
  instantValue,
  parseEnvelope,
  rangeSamples,
  vectorLabels,
  type RangeSample,
} from './prometheus-response.js';

export { PrometheusError, type PrometheusErrorCode, type RangeSample } from './prometheus-response.js';

/**
 * Prometheus HTTP API adapter (`/api/v1/query`, `/api/v1/query_range`), also for Azure Monitor managed
 * Prometheus (Entra token for `https://prometheus.monitor.azure.com/.default`, Monitoring Data Reader on
 * the workspace). Queries are always evaluated at an explicit time so a check can be re-judged later.
 */

export const PROMETHEUS_SCOPE = 'https://prometheus.monitor.azure.com/.default';

export type PrometheusAuth =
  | { kind: 'none' }
  | { kind: 'bearer'; token: () => Promise<string> }
  | { kind: 'entra'; credential: TokenCredential };

export interface PrometheusOptions {
  /** e.g. `http://prometheus.monitoring:9090` or the workspace's query endpoint (a path prefix is kept). */
  baseUrl: string;
  auth?: PrometheusAuth;
  /**
   * `azure-monitor`: Azure Monitor managed Prometheus (the workspace's query endpoint, Entra auth only);
   * a query it would refuse or misread (see azure-monitor-limits.ts) fails here, before it is sent.
   */
  mode?: 'prometheus' | 'azure-monitor';
  /** POST (form body) by default: long queries stay out of URLs and proxy logs. */
  method?: 'GET' | 'POST';
  /** Per attempt; the server is asked to give up one second earlier so its own timeout error wins. */
  timeoutMs?: number;
  /** Attempts for retryable failures (429, 5xx, network); default 3. */
  attempts?: number;
  /** Waits between retries (injectable so tests need not sleep). */
  sleep?: (ms: number) => Promise<void>;
}

export interface RangeResult {
  query: string;
  samples: RangeSample[];
  warnings?: string[];
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

function validateBaseUrl(raw: string, auth: PrometheusAuth): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new PrometheusError('invalid-configuration', 'Prometheus base URL is not a URL', false);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new PrometheusError('invalid-configuration', 'Prometheus base URL must be http(s)', false);
  if (url.username || url.password || url.search || url.hash)
    throw new PrometheusError(
      'invalid-configuration',
      'Prometheus base URL must not carry credentials, a query or a fragment',
      false,
    );
  // A token sent over plain HTTP can be read on the wire; only a loopback test server is exempt.
  if (auth.kind !== 'none' && url.protocol === 'http:' && !LOOPBACK.has(url.hostname))
    throw new PrometheusError(
      'invalid-configuration',
      'a token is only sent to an https Prometheus URL',
      false,
    );
  return url.href.replace(/\/+$/, '');
}

function unixSeconds(iso: string, name: string): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) throw new PrometheusError('query-invalid', `${name} is not a valid time`, false);
  return (ms / 1000).toFixed(3);
}

export class PrometheusMetrics implements Metrics {
  private readonly baseUrl: string;
  private readonly auth: PrometheusAuth;
  private readonly method: 'GET' | 'POST';
  private readonly timeoutMs: number;
  private readonly azureMonitor: boolean;

  constructor(private readonly options: PrometheusOptions) {
    this.auth = options.auth ?? { kind: 'none' };
    this.azureMonitor = options.mode === 'azure-monitor';
    if (this.azureMonitor && this.auth.kind !== 'entra')
      throw new PrometheusError(
        'invalid-configuration',
        'Azure Monitor managed Prometheus is queried with an Entra token (entra auth)',
        false,
      );
    this.baseUrl = validateBaseUrl(options.baseUrl, this.auth);
    this.method = options.method ?? 'POST';
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** One number at `q.at`: no series is `null`; more than one series is an `ambiguous-result` error. */
  async query(q: MetricsQuery): Promise<MetricSample> {
    const query = this.checked(renderMetricQuery(q));
    const time = unixSeconds(q.at, 'at');
    const { data, warnings } = await this.call('query', { query, time });
    const { value, at } = instantValue(data);
    const evaluatedAt = new Date(at ?? Number(time) * 1000).toISOString();
    return { query, value, evaluatedAt, ...(warnings.length ? { warnings } : {}) };
  }

  /** Firing alerts matching `matchers` at `at` (each matcher value escaped; names validated). */
  async firingAlerts(
    matchers: Record<string, string>,
    variables: Record<string, string>,
    at: string,
  ): Promise<FiringAlerts> {
    const query = this.checked(alertsQuery(matchers, variables));
    const { data } = await this.call('query', { query, time: unixSeconds(at, 'at') });
    return { query, alerts: vectorLabels(data) };
  }

  /** Samples of one series from `start` to `end` every `stepMs` (for baseline statistics). */
  async queryRange(
    q: Omit<MetricsQuery, 'at'>,
    range: { start: string; end: string; stepMs: number },
  ): Promise<RangeResult> {
    const start = unixSeconds(range.start, 'start');
    const end = unixSeconds(range.end, 'end');
    const query = this.checked(renderMetricQuery(q), (Number(end) - Number(start)) * 1000);
    const params = { query, start, end, step: promDuration(range.stepMs) };
    const { data, warnings } = await this.call('query_range', params);
    return { query, samples: rangeSamples(data), ...(warnings.length ? { warnings } : {}) };
  }

  /** In Azure Monitor mode, a query the service would refuse (or answer wrongly) is not sent. */
  private checked(query: string, rangeMs = 0): string {
    if (!this.azureMonitor) return query;
    const [problem] = azureMonitorProblems(query, rangeMs);
    if (problem) throw new PrometheusError('query-invalid', problem, false);
    return query;
  }

  private async call(
    endpoint: 'query' | 'query_range',
    params: Record<string, string>,
  ): Promise<{ data: unknown; warnings: string[] }> {
    const { headers, secret } = await this.authorization();
    const form = new URLSearchParams({
      ...params,
      timeout: promDuration(Math.max(1000, this.timeoutMs - 1000)),
    });
    const url = `${this.baseUrl}/api/v1/${endpoint}`;
    const post = this.method === 'POST';
    try {
      const response = await httpRequest<unknown>(post ? url : `${url}?${form.toString()}`, {
        method: this.method,
        headers: post ? { ...headers, 'content-type': 'application/x-www-form-urlencoded' } : headers,
        body: post ? form.toString() : undefined,
        timeoutMs: this.timeoutMs,
        attempts: this.options.attempts,
        sleep: this.options.sleep,
      });
      return parseEnvelope(response.body, secret);
    } catch (error) {
      if (error instanceof HttpError) throw errorFromHttp(error, secret);
      throw error;
    }
  }

  private async authorization(): Promise<{ headers: Record<string, string>; secret?: string }> {
    if (this.auth.kind === 'none') return { headers: {} };
    let token: string | undefined;
    try {
      token =
        this.auth.kind === 'bearer'
          ? await this.auth.token()
          : ((await this.auth.credential.getToken(PROMETHEUS_SCOPE))?.token ?? undefined);
    } catch (error) {
      // Credential errors can quote configuration; only their type is reported.
      const kind = error instanceof Error ? error.name : typeof error;
      throw new PrometheusError('unauthorized', `could not get a token for Prometheus (${kind})`, true);
    }
    if (!token) throw new PrometheusError('unauthorized', 'no token for Prometheus', true);
    return { headers: { authorization: `Bearer ${token}` }, secret: token };
  }
}
