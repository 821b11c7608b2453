/**
 * The one HTTP helper every adapter uses: timeouts, bounded retries with backoff for failures worth
 * retrying (429, 5xx, resets, timeouts; `Retry-After` honoured), and errors that never carry secrets.
 */

export type HttpErrorCode = 'timeout' | 'network' | 'http-status' | 'invalid-json';

export class HttpError extends Error {
  constructor(
    readonly code: HttpErrorCode,
    message: string,
    readonly status?: number,
    /** Parsed JSON error body when the server sent one (already free of request secrets). */
    readonly body?: unknown,
    readonly retryable = false,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export interface HttpRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  /** JSON-serialised unless a string (sent as is). */
  body?: unknown;
  timeoutMs?: number;
  /** Attempts in total for retryable failures (default 3). */
  attempts?: number;
  /** Backoff before retry n (1-based) when the server gives no Retry-After; default 250 ms × 2^(n-1). */
  backoffMs?: (attempt: number) => number;
  /** Statuses that are an answer, not an error (e.g. 404 when "absent" is an expected outcome). */
  accept?: number[];
  /** Waits between retries; injectable so tests need not sleep. */
  sleep?: (ms: number) => Promise<void>;
}

export interface HttpResponseData<T> {
  status: number;
  headers: Headers;
  body: T;
}

const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);
const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Query strings may hold tokens or SAS signatures: errors show the origin and path only. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '<invalid url>';
  }
}

/** Seconds or an HTTP date, capped so a hostile server cannot stall us for long. */
export function retryAfterMs(header: string | null, capMs = 30_000): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), capMs) : undefined;
}

async function once<T>(url: string, options: HttpRequestOptions): Promise<HttpResponseData<T>> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  let response: Response;
  try {
    response = await fetch(url, {
      method: options.method ?? 'GET',
      headers,
      body,
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    throw new HttpError(
      timedOut ? 'timeout' : 'network',
      `${options.method ?? 'GET'} ${safeUrl(url)} ${timedOut ? 'timed out' : 'failed to connect'}`,
      undefined,
      undefined,
      true,
    );
  }
  const text = await response.text();
  let parsed: unknown = text;
  if (text && (response.headers.get('content-type') ?? '').includes('json')) {
    try {
      parsed = JSON.parse(text);
    } catch {
      if (response.ok)
        throw new HttpError(
          'invalid-json',
          `${safeUrl(url)} answered ${response.status} with malformed JSON`,
          response.status,
        );
    }
  }
  if (!response.ok && !(options.accept ?? []).includes(response.status)) {
    const retryable = RETRYABLE_STATUS.has(response.status);
    const error = new HttpError(
      'http-status',
      `${options.method ?? 'GET'} ${safeUrl(url)} answered ${response.status}`,
      response.status,
      parsed,
      retryable,
    );
    (error as HttpError & { retryAfter?: number }).retryAfter = retryAfterMs(
      response.headers.get('retry-after'),
    );
    throw error;
  }
  return { status: response.status, headers: response.headers, body: parsed as T };
}

/** Sends a request, retrying retryable failures; throws HttpError otherwise. */
export async function httpRequest<T = unknown>(
  url: string,
  options: HttpRequestOptions = {},
): Promise<HttpResponseData<T>> {
  const attempts = Math.max(1, options.attempts ?? 3);
  const sleep = options.sleep ?? realSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await once<T>(url, options);
    } catch (error) {
      if (!(error instanceof HttpError) || !error.retryable || attempt >= attempts) throw error;
      const hinted = (error as HttpError & { retryAfter?: number }).retryAfter;
      await sleep(hinted ?? (options.backoffMs ?? ((n) => 250 * 2 ** (n - 1)))(attempt));
    }
  }
}
