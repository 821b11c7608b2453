import type { TokenCredential } from '@azure/core-auth';
import { LOOPBACK, loopbackHttpPolicy } from './azure-loopback.js';
import { LogsQueryClient, LogsQueryResultStatus, type LogsTable } from '@azure/monitor-query';
import { renderKqlQuery } from '../analysis/kql-templates.js';
import type { MetricsProviderSpec } from '../contracts/plan.js';
import type { FiringAlerts, MetricSample, Metrics, MetricsQuery, RangeSamples } from '../ports/metrics.js';

/**
 * Application Insights (workspace-based) as a metrics provider: the built-in or the metric's own KQL,
 * run by `LogsQueryClient.queryWorkspace` against the Log Analytics workspace with the managed identity
 * (Log Analytics Reader on the workspace). Heavy SDK: the composition root loads this file on first use.
 *
 * Tri-state as with Prometheus: a table without rows (or a null value) is "no data" (`null`), 0/0 is
 * `NaN` (no traffic), anything the service reports as failed or partial is a provider error (thrown).
 * Prometheus alerts have no counterpart here: `firingAlerts` is refused (and refused at load).
 */

export type AppInsightsErrorCode =
  | 'invalid-configuration'
  | 'query-invalid'
  | 'unauthorized'
  | 'unavailable'
  | 'partial-result'
  | 'ambiguous-result'
  | 'unexpected-response'
  | 'not-supported';

export class AppInsightsError extends Error {
  constructor(
    readonly code: AppInsightsErrorCode,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'AppInsightsError';
  }
}

export interface AppInsightsOptions {
  credential: TokenCredential;
  /** Workspace when a service's provider block names none (`GANTRY_APPINSIGHTS_WORKSPACE_ID`). */
  workspaceId?: string;
  /** Query host (sovereign clouds, tests); default the public cloud's `https://api.loganalytics.io`. */
  endpoint?: string;
  /** Token audience for `endpoint`; default the public cloud's. */
  audience?: string;
  /** The SDK's own retries of 429/5xx/network failures; default 2. */
  maxRetries?: number;
  serverTimeoutSeconds?: number;
}

const WORKSPACE_ID = /^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;
/** Baseline samples are one query each: a cap keeps a long window from flooding the service's limits. */
const MAX_RANGE_SAMPLES = 60;

function clientOptions(o: AppInsightsOptions) {
  const base = {
    retryOptions: { maxRetries: o.maxRetries ?? 2 },
    ...(o.audience && { audience: o.audience }),
  };
  if (!o.endpoint) return base;
  const url = new URL(o.endpoint);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname)))
    throw new AppInsightsError('invalid-configuration', 'the Logs query endpoint must be https', false);
  if (url.protocol === 'https:') return { ...base, endpoint: url.origin };
  url.protocol = 'https:';
  return {
    ...base,
    endpoint: url.origin,
    additionalPolicies: [{ policy: loopbackHttpPolicy(), position: 'perRetry' as const }],
  };
}

/** An SDK or HTTP failure as a provider error; only the service's own message, never a header. */
function providerError(error: unknown): AppInsightsError {
  if (error instanceof AppInsightsError) return error;
  const e = error as { statusCode?: number; code?: string; message?: string; name?: string };
  const status = e.statusCode;
  const text = `${e.code ?? e.name ?? 'error'}: ${(e.message ?? String(error)).slice(0, 500)}`;
  if (status === 400) return new AppInsightsError('query-invalid', text, false);
  if (status === 401 || status === 403) return new AppInsightsError('unauthorized', text, true);
  if (status === undefined || status === 429 || status >= 500)
    return new AppInsightsError('unavailable', text, true);
  return new AppInsightsError('unexpected-response', text, false);
}

/** The single `value` of a template's result: no rows or a null value → `null`; "NaN" → `NaN`. */
export function valueOf(tables: LogsTable[]): number | null {
  const table = tables[0];
  if (!table) throw new AppInsightsError('unexpected-response', 'the query returned no table', false);
  const column = table.columnDescriptors.findIndex((c) => c.name === 'value');
  if (column < 0)
    throw new AppInsightsError('query-invalid', 'the query must return a column named value', false);
  if (table.rows.length === 0) return null;
  if (table.rows.length > 1)
    throw new AppInsightsError(
      'ambiguous-result',
      `the query returned ${table.rows.length} rows; a metric must reduce to one`,
      false,
    );
  const raw = (table.rows[0] as unknown[])[column];
  if (raw === null || raw === undefined || raw === '') return null;
  const value = typeof raw === 'number' ? raw : Number(raw);
  if (
    typeof raw !== 'number' &&
    !['NaN', 'Infinity', '-Infinity'].includes(String(raw)) &&
    Number.isNaN(value)
  )
    throw new AppInsightsError('unexpected-response', `value ${JSON.stringify(raw)} is not a number`, false);
  return value;
}

export class AppInsightsMetrics implements Metrics {
  private readonly client: LogsQueryClient;

  constructor(private readonly options: AppInsightsOptions) {
    if (options.workspaceId !== undefined && !WORKSPACE_ID.test(options.workspaceId))
      throw new AppInsightsError('invalid-configuration', 'the workspace ID must be a GUID', false);
    this.client = new LogsQueryClient(options.credential, clientOptions(options));
  }

  async query(q: MetricsQuery): Promise<MetricSample> {
    const at = new Date(Date.parse(q.at));
    if (Number.isNaN(at.getTime()))
      throw new AppInsightsError('query-invalid', 'at is not a valid time', false);
    const { query, value } = await this.evaluate(q, at);
    return { query, value, evaluatedAt: at.toISOString() };
  }

  /** The template evaluated at each step (each a window ending there); steps without data are skipped. */
  async queryRange(
    q: Omit<MetricsQuery, 'at'>,
    range: { start: string; end: string; stepMs: number },
  ): Promise<RangeSamples> {
    const start = Date.parse(range.start);
    const end = Date.parse(range.end);
    if (!Number.isFinite(start) || !Number.isFinite(end) || end < start || !(range.stepMs > 0))
      throw new AppInsightsError('query-invalid', 'invalid range', false);
    const times: number[] = [];
    for (let t = start; t <= end; t += range.stepMs) times.push(t);
    if (times.length > MAX_RANGE_SAMPLES)
      throw new AppInsightsError(
        'query-invalid',
        `${times.length} samples; Application Insights baselines take at most ${MAX_RANGE_SAMPLES} (raise baseline.step)`,
        false,
      );
    const results = await Promise.all(times.map((t) => this.evaluate(q, new Date(t))));
    const samples = results.flatMap((r, i) =>
      r.value === null || Number.isNaN(r.value)
        ? []
        : [{ at: new Date(times[i] as number).toISOString(), value: r.value }],
    );
    return { query: results[0]?.query ?? '', samples };
  }

  async firingAlerts(
    _matchers: Record<string, string>,
    _variables: Record<string, string>,
    _at: string,
  ): Promise<FiringAlerts> {
    throw new AppInsightsError(
      'not-supported',
      'Application Insights has no Prometheus alerts; alerts need the Prometheus provider',
      false,
    );
  }

  private async evaluate(
    q: Omit<MetricsQuery, 'at'>,
    at: Date,
  ): Promise<{ query: string; value: number | null }> {
    const provider = this.providerOf(q.provider);
    const workspace = provider.workspaceId ?? this.options.workspaceId;
    if (!workspace)
      throw new AppInsightsError(
        'invalid-configuration',
        'no Log Analytics workspace: set canary.provider.workspaceId or GANTRY_APPINSIGHTS_WORKSPACE_ID',
        false,
      );
    // Ingestion lag: the window ends `ingestionDelay` before the check, so it only holds settled data.
    const end = new Date(at.getTime() - (provider.ingestionDelay ?? 0));
    const query = renderKqlQuery(q, provider, end.toISOString());
    const timespan = { startTime: new Date(end.getTime() - q.window), endTime: end };
    let result;
    try {
      result = await this.client.queryWorkspace(workspace, query, timespan, {
        serverTimeoutInSeconds: this.options.serverTimeoutSeconds ?? 60,
      });
    } catch (error) {
      throw providerError(error);
    }
    if (result.status !== LogsQueryResultStatus.Success) {
      const detail = result.partialError?.message ?? 'partial failure';
      throw new AppInsightsError('partial-result', `partial result: ${detail.slice(0, 500)}`, true);
    }
    return { query, value: valueOf(result.tables) };
  }

  private providerOf(provider: MetricsProviderSpec | undefined): MetricsProviderSpec {
    if (provider?.kind !== 'app-insights')
      throw new AppInsightsError('invalid-configuration', 'not an Application Insights metric', false);
    return provider;
  }
}
