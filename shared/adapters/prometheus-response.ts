import type { HttpError } from './http.js';

/**
 * Reading Prometheus HTTP API answers: the `{status, data, errorType, error, warnings}` envelope, sample
 * values sent as strings (`"NaN"`, `"+Inf"`), and errors mapped to codes the analysis can act on.
 */

export type PrometheusErrorCode =
  | 'invalid-configuration'
  /** `bad_data` (400): the rendered query or a parameter is wrong; retrying cannot help. */
  | 'query-invalid'
  /** `execution` (422): the query is valid but failed on this data (e.g. many-to-many matching). */
  | 'execution'
  | 'canceled'
  | 'timeout'
  | 'unavailable'
  | 'internal'
  | 'not-found'
  | 'not-acceptable'
  | 'unauthorized'
  | 'throttled'
  /** The query returned several series where one number was expected. */
  | 'ambiguous-result'
  | 'unexpected-response';

export class PrometheusError extends Error {
  constructor(
    readonly code: PrometheusErrorCode,
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
    /** Prometheus's own `errorType`, when it sent one. */
    readonly errorType?: string,
  ) {
    super(message);
    this.name = 'PrometheusError';
  }
}

const BY_ERROR_TYPE: Record<string, [PrometheusErrorCode, boolean]> = {
  bad_data: ['query-invalid', false],
  execution: ['execution', false],
  canceled: ['canceled', true],
  timeout: ['timeout', true],
  unavailable: ['unavailable', true],
  internal: ['internal', true],
  not_found: ['not-found', false],
  not_acceptable: ['not-acceptable', false],
};

function byStatus(status: number | undefined): [PrometheusErrorCode, boolean] {
  if (status === 401 || status === 403) return ['unauthorized', false];
  if (status === 429) return ['throttled', true];
  if (status === 404) return ['not-found', false];
  if (status === 400) return ['query-invalid', false];
  if (status === 422) return ['execution', false];
  return ['unavailable', true];
}

/** Removes a token from text that will end up in an error (a proxy may echo request headers). */
function redact(text: string, secret: string | undefined): string {
  return secret ? text.split(secret).join('<redacted>') : text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function errorFromHttp(error: HttpError, secret?: string): PrometheusError {
  if (error.code === 'timeout') return new PrometheusError('timeout', error.message, true);
  if (error.code === 'network') return new PrometheusError('unavailable', error.message, true);
  if (error.code === 'invalid-json')
    return new PrometheusError('unexpected-response', error.message, true, error.status);
  const body = isRecord(error.body) ? error.body : {};
  const errorType = typeof body.errorType === 'string' ? body.errorType : undefined;
  const [code, retryable] = (errorType && BY_ERROR_TYPE[errorType]) || byStatus(error.status);
  const detail = typeof body.error === 'string' ? `: ${redact(body.error, secret).slice(0, 500)}` : '';
  return new PrometheusError(code, `${error.message}${detail}`, retryable, error.status, errorType);
}

export function parseEnvelope(body: unknown, secret?: string): { data: unknown; warnings: string[] } {
  if (!isRecord(body) || (body.status !== 'success' && body.status !== 'error'))
    throw new PrometheusError('unexpected-response', 'Prometheus answered without a status envelope', false);
  const warnings = Array.isArray(body.warnings)
    ? body.warnings.filter((w): w is string => typeof w === 'string').map((w) => redact(w, secret))
    : [];
  if (body.status === 'error') {
    const errorType = typeof body.errorType === 'string' ? body.errorType : 'unknown';
    const [code, retryable] = BY_ERROR_TYPE[errorType] ?? ['unexpected-response', false];
    const message = typeof body.error === 'string' ? redact(body.error, secret).slice(0, 500) : errorType;
    throw new PrometheusError(
      code,
      `Prometheus error (${errorType}): ${message}`,
      retryable,
      undefined,
      errorType,
    );
  }
  return { data: body.data, warnings };
}

/** Prometheus sends sample values as strings, with `NaN`, `+Inf` and `-Inf` spelt out. */
export function parseSampleValue(raw: unknown): number {
  if (raw === 'NaN') return NaN;
  if (raw === '+Inf' || raw === 'Inf') return Infinity;
  if (raw === '-Inf') return -Infinity;
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  if (!Number.isFinite(value))
    throw new PrometheusError('unexpected-response', `malformed sample value ${JSON.stringify(raw)}`, false);
  return value;
}

function parsePoint(point: unknown): { at: number; value: number } {
  if (!Array.isArray(point) || point.length !== 2 || typeof point[0] !== 'number')
    throw new PrometheusError('unexpected-response', 'malformed sample in Prometheus result', false);
  return { at: Math.round(point[0] * 1000), value: parseSampleValue(point[1]) };
}

function resultOf(data: unknown): { type: unknown; result: unknown } {
  if (!isRecord(data))
    throw new PrometheusError('unexpected-response', 'Prometheus result has no data', false);
  return { type: data.resultType, result: data.result };
}

function ambiguous(result: unknown[]): PrometheusError {
  const labels = result.slice(0, 3).map((s) => JSON.stringify(isRecord(s) ? s.metric : s));
  return new PrometheusError(
    'ambiguous-result',
    `query returned ${result.length} series, expected one (aggregate with sum/avg): ${labels.join(', ')}`,
    false,
  );
}

/** The single number of an instant query: empty vector → `null`. */
export function instantValue(data: unknown): { value: number | null; at?: number } {
  const { type, result } = resultOf(data);
  if (type === 'scalar') return parsePoint(result);
  if (type !== 'vector' || !Array.isArray(result))
    throw new PrometheusError(
      'unexpected-response',
      `query returned a ${String(type)}, expected a number`,
      false,
    );
  if (result.length === 0) return { value: null };
  if (result.length > 1) throw ambiguous(result);
  const only: unknown = result[0];
  return parsePoint(isRecord(only) ? only.value : undefined);
}

export interface RangeSample {
  at: string;
  value: number;
}

/** The samples of a range query's single series: no series → `[]`. */
export function rangeSamples(data: unknown): RangeSample[] {
  const { type, result } = resultOf(data);
  if (type !== 'matrix' || !Array.isArray(result))
    throw new PrometheusError('unexpected-response', `range query returned a ${String(type)}`, false);
  if (result.length === 0) return [];
  if (result.length > 1) throw ambiguous(result);
  const only: unknown = result[0];
  const values = isRecord(only) ? only.values : undefined;
  if (!Array.isArray(values))
    throw new PrometheusError('unexpected-response', 'series without values', false);
  return values.map((point) => {
    const { at, value } = parsePoint(point);
    return { at: new Date(at).toISOString(), value };
  });
}

/** The label sets of an instant vector (e.g. `ALERTS{...}`), `__name__` dropped. */
export function vectorLabels(data: unknown): Array<Record<string, string>> {
  const { type, result } = resultOf(data);
  if (type !== 'vector' || !Array.isArray(result))
    throw new PrometheusError(
      'unexpected-response',
      `query returned a ${String(type)}, expected a vector`,
      false,
    );
  return result.map((series) => {
    const metric = isRecord(series) && isRecord(series.metric) ? series.metric : {};
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries(metric)) if (k !== '__name__' && typeof v === 'string') labels[k] = v;
    return labels;
  });
}
