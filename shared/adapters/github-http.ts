import { httpRequest, HttpError, type HttpResponseData } from './http.js';

/**
 * GitHub REST transport: the common headers, and GitHub's failure statuses turned into coded errors.
 * A 403 is either a permission problem or a rate limit, and only the headers tell them apart.
 */

export const GITHUB_API_VERSION = '2022-11-28';

export type GitHubErrorCode =
  | 'github-invalid-input'
  | 'github-unauthorized'
  | 'github-forbidden'
  | 'github-rate-limited'
  | 'github-not-found'
  | 'github-conflict'
  | 'github-unprocessable'
  | 'github-unavailable'
  | 'github-unexpected';

export class GitHubError extends Error {
  constructor(
    readonly code: GitHubErrorCode,
    message: string,
    readonly status?: number,
    /** Worth retrying later (rate limits, outages); the others need a person to fix something. */
    readonly retryable = false,
    /** When a rate limit resets (epoch ms), if GitHub said. */
    readonly resetAt?: number,
  ) {
    super(message);
    this.name = 'GitHubError';
  }
}

export interface GitHubTransport {
  apiUrl: string;
  userAgent: string;
  timeoutMs: number;
  attempts: number;
  sleep?: (ms: number) => Promise<void>;
  now: () => number;
}

/** Statuses handled here rather than by the helper (which would retry 429 blindly, without its headers). */
const ANSWERED = [400, 401, 403, 404, 409, 410, 422, 429];

function githubMessage(body: unknown): string {
  const m = typeof body === 'object' && body !== null ? (body as { message?: unknown }).message : undefined;
  return typeof m === 'string' ? m.slice(0, 300) : '';
}

function rateLimit(res: HttpResponseData<unknown>, message: string, now: number): number | null | undefined {
  const remaining = res.headers.get('x-ratelimit-remaining');
  const retryAfter = Number(res.headers.get('retry-after') ?? NaN);
  const limited = remaining === '0' || Number.isFinite(retryAfter) || /rate limit/i.test(message);
  if (!limited) return undefined;
  if (Number.isFinite(retryAfter)) return now + retryAfter * 1000;
  const reset = Number(res.headers.get('x-ratelimit-reset') ?? NaN);
  return Number.isFinite(reset) ? reset * 1000 : null;
}

export function mapFailure(t: GitHubTransport, what: string, res: HttpResponseData<unknown>): GitHubError {
  const message = githubMessage(res.body);
  const said = `${what} answered ${res.status}${message ? `: ${message}` : ''}`;
  if (res.status === 403 || res.status === 429) {
    const reset = rateLimit(res, message, t.now());
    if (reset !== undefined) {
      const until = reset === null ? '' : ` until ${new Date(reset).toISOString()}`;
      return new GitHubError(
        'github-rate-limited',
        `${said} (rate limited${until})`,
        res.status,
        true,
        reset ?? undefined,
      );
    }
  }
  switch (res.status) {
    case 401:
      return new GitHubError('github-unauthorized', `${said} (token invalid or expired)`, 401);
    case 403:
      return new GitHubError('github-forbidden', `${said} (the token lacks a permission)`, 403);
    case 404:
    case 410:
      return new GitHubError(
        'github-not-found',
        `${said} (missing, or not visible to this token)`,
        res.status,
      );
    case 409:
      return new GitHubError('github-conflict', said, 409);
    case 400:
    case 422:
      return new GitHubError('github-unprocessable', said, res.status);
    default:
      return new GitHubError('github-unexpected', said, res.status);
  }
}

/**
 * One GitHub request. `pathOrUrl` is an API path, or a full URL from a `link` header, which must stay on
 * the API origin so the token is never sent anywhere else.
 */
export async function githubRequest<T>(
  t: GitHubTransport,
  auth: string,
  method: string,
  pathOrUrl: string,
  body?: unknown,
): Promise<HttpResponseData<T>> {
  const base = new URL(t.apiUrl);
  const url = pathOrUrl.startsWith('/') ? `${t.apiUrl.replace(/\/$/, '')}${pathOrUrl}` : pathOrUrl;
  const target = new URL(url);
  if (target.origin !== base.origin) {
    throw new GitHubError('github-unexpected', `GitHub pointed to another origin (${target.origin})`);
  }
  const what = `GitHub ${method} ${target.pathname}`;
  let res: HttpResponseData<unknown>;
  try {
    res = await httpRequest(url, {
      method,
      headers: {
        accept: 'application/vnd.github+json',
        authorization: `Bearer ${auth}`,
        'x-github-api-version': GITHUB_API_VERSION,
        'user-agent': t.userAgent,
      },
      ...(body !== undefined ? { body } : {}),
      timeoutMs: t.timeoutMs,
      attempts: t.attempts,
      accept: ANSWERED,
      ...(t.sleep ? { sleep: t.sleep } : {}),
    });
  } catch (error) {
    // The helper's messages carry no headers or query strings, so they are safe to keep.
    if (error instanceof HttpError) {
      throw new GitHubError('github-unavailable', `${what}: ${error.message}`, error.status, true);
    }
    throw error;
  }
  if (res.status >= 400) throw mapFailure(t, what, res);
  return res as HttpResponseData<T>;
}

/** The `rel="next"` target of a `link` header. */
export function nextLink(link: string | null): string | undefined {
  for (const part of (link ?? '').split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (m) return m[1];
  }
  return undefined;
}
