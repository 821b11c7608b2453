/**
 * Validation of what callers send to the Durable HTTP APIs. Everything is checked before the engine is
 * called, so a bad request never starts, signals or stores anything.
 */
import type { HostRequest } from '../http/types.js';
import { RUNTIME_STATUSES, type InstanceQuery, type RuntimeStatus } from './types.js';

/** A request the API rejects; mapped to `{ error: { code, message } }` with `status`. */
export class HttpInputError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpInputError';
  }
}

const MAX_NAME_LENGTH = 256;
// Control characters break logs and storage keys; `/ \ # ?` break the URLs the ids are placed in.
// eslint-disable-next-line no-control-regex
const FORBIDDEN_NAME_CHARS = /[\u0000-\u001f\u007f-\u009f/\\#?]/;

const KNOWN_STATUSES: ReadonlySet<string> = new Set(RUNTIME_STATUSES);

function validateName(value: string, what: string, code: string): string {
  if (value.length === 0 || value.length > MAX_NAME_LENGTH || FORBIDDEN_NAME_CHARS.test(value)) {
    throw new HttpInputError(
      400,
      code,
      `Invalid ${what} '${value.slice(0, 64)}': it must be 1-${MAX_NAME_LENGTH} characters without control characters or / \\ # ?.`,
    );
  }
  return value;
}

export function validateInstanceId(value: string): string {
  return validateName(value, 'instance id', 'invalid-instance-id');
}

export function validateEventName(value: string): string {
  return validateName(value, 'event name', 'invalid-event-name');
}

export function validateOrchestratorName(value: string): string {
  return validateName(value, 'orchestrator name', 'invalid-orchestrator-name');
}

/** Query parameter lookup; names are case-insensitive as in the extension (.NET NameValueCollection). */
export function queryParam(url: URL, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of url.searchParams) {
    if (key.toLowerCase() === lower) return value;
  }
  return undefined;
}

export function booleanParam(url: URL, name: string, fallback: boolean): boolean {
  const value = queryParam(url, name);
  if (value === undefined || value === '') return fallback;
  const lower = value.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw new HttpInputError(400, 'invalid-query', `Query parameter '${name}' must be true or false.`);
}

const ISO_DATE = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+\- ]\d{2}:?\d{2})?)?$/i;

/** ISO-8601 date or date-time → normalised ISO string; undefined when the text is not such a date. */
export function parseIsoDate(value: string): string | undefined {
  const match = ISO_DATE.exec(value.trim());
  if (!match) return undefined;
  const [, date = '', time, zone] = match;
  // Date.parse rolls 2025-02-31 over to March; reject days the calendar does not have.
  if (Number.isNaN(Date.parse(date)) || new Date(date).toISOString().slice(0, 10) !== date) return undefined;
  let text = date;
  if (time !== undefined) {
    // No zone means UTC (JS would read local time); a space is an unencoded '+' from a query string.
    const offset = (zone ?? 'Z').replace(/^ /, '+').replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
    text = `${date}T${time}${offset.toUpperCase()}`;
  }
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

export function dateParam(url: URL, name: string): string | undefined {
  const value = queryParam(url, name);
  if (value === undefined || value === '') return undefined;
  const iso = parseIsoDate(value);
  if (iso === undefined) {
    throw new HttpInputError(400, 'invalid-date', `Query parameter '${name}' must be an ISO-8601 date.`);
  }
  return iso;
}

/** `runtimeStatus=Running,Pending` (also repeated parameters). */
export function runtimeStatusParam(url: URL): RuntimeStatus[] | undefined {
  const values = [...url.searchParams]
    .filter(([key]) => key.toLowerCase() === 'runtimestatus')
    .flatMap(([, value]) => value.split(','))
    .map((value) => value.trim())
    .filter((value) => value !== '');
  if (values.length === 0) return undefined;
  const unknown = values.filter((value) => !KNOWN_STATUSES.has(value));
  if (unknown.length > 0) {
    throw new HttpInputError(400, 'invalid-query', `Unknown runtimeStatus value(s): ${unknown.join(', ')}.`);
  }
  return values as RuntimeStatus[];
}

function positiveIntParam(url: URL, name: string): number | undefined {
  const value = queryParam(url, name);
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new HttpInputError(400, 'invalid-query', `Query parameter '${name}' must be a positive integer.`);
  }
  return Number(value);
}

/** Seconds (fractions allowed, ≥ 0), as the extension's `timeout`/`pollingInterval`. */
export function secondsParam(url: URL, name: string): number | undefined {
  const value = queryParam(url, name);
  if (value === undefined || value === '') return undefined;
  const seconds = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !Number.isFinite(seconds)) {
    throw new HttpInputError(400, 'invalid-query', `Query parameter '${name}' must be a number of seconds.`);
  }
  return seconds;
}

/** The filter of `GET instances` / `DELETE instances`, plus the continuation token header. */
export function instanceQuery(request: HostRequest): InstanceQuery {
  const query: InstanceQuery = {};
  const from = dateParam(request.url, 'createdTimeFrom');
  const to = dateParam(request.url, 'createdTimeTo');
  const statuses = runtimeStatusParam(request.url);
  const prefix = queryParam(request.url, 'instanceIdPrefix');
  const top = positiveIntParam(request.url, 'top');
  const token = request.headers['x-ms-continuation-token'];
  if (from !== undefined) query.createdTimeFrom = from;
  if (to !== undefined) query.createdTimeTo = to;
  if (statuses !== undefined) query.runtimeStatus = statuses;
  if (prefix !== undefined && prefix !== '') query.instanceIdPrefix = prefix;
  if (top !== undefined) query.top = top;
  if (token !== undefined && token !== '') query.continuationToken = token;
  return query;
}

/** The body as JSON text, or undefined when empty. Malformed JSON → 400 before anything happens. */
export function jsonBody(request: HostRequest): string | undefined {
  const text = request.body.toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    JSON.parse(text);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new HttpInputError(400, 'invalid-json', `The request body is not valid JSON: ${detail}`);
  }
  return text;
}

/**
 * raiseEvent accepts only JSON (the extension answers 400 otherwise). A body without a Content-Type, or
 * a Content-Type other than application/json, is rejected; an empty body without one means "no data".
 */
export function requireJsonContentType(request: HostRequest): void {
  const contentType = request.headers['content-type'];
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  if (mediaType === undefined || mediaType === '') {
    if (request.body.length === 0) return;
  } else if (mediaType === 'application/json') {
    return;
  }
  throw new HttpInputError(
    400,
    'unsupported-media-type',
    'Only application/json request content is supported.',
  );
}
