import { appServicePrincipalHeaders } from '../shared/app/principal.js';
import { ApiError, CliError, EXIT, usageError } from './errors.js';
import { displayUrl, type Settings } from './settings.js';

export const USER_AGENT = 'gantry-cli';

export type Query = Record<string, string | number | undefined>;

/**
 * One path segment from user input, percent-encoded. Empty, `.` and `..` are refused: URL parsing
 * resolves dot segments (even encoded ones), so they would reach a different route.
 */
export function pathSegment(value: string, what: string): string {
  if (value === '' || /^(\.|%2e){1,2}$/i.test(value)) throw usageError(`'${value}' is not a ${what}.`);
  return encodeURIComponent(value);
}

/** Headers the API authenticates with; built here so no other file handles a secret. */
export function authHeaders(settings: Settings): Record<string, string> {
  const headers: Record<string, string> = {};
  // Easy Auth (App Service authentication) validates the bearer token and injects the principal headers.
  if (settings.token) headers.authorization = `Bearer ${settings.token}`;
  // Only meaningful where nothing in front strips them: the dev host, or a trusted proxy in tests.
  if (settings.principal) Object.assign(headers, appServicePrincipalHeaders(settings.principal));
  if (settings.functionKey) headers['x-functions-key'] = settings.functionKey;
  // Honoured only by a host whose development principal is in force (never in Azure).
  if (settings.as) headers['x-gantry-dev-principal'] = settings.as;
  return headers;
}

const NETWORK_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  UND_ERR_SOCKET: 'connection closed by the server',
};

function networkCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown; errors?: Array<{ code?: unknown }> } }).cause;
  const code = cause?.code ?? cause?.errors?.[0]?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Why fetch failed, in words: undici hides the reason in `cause`. */
function networkReason(error: unknown): string {
  const code = networkCode(error);
  if (code) return NETWORK_WORDS[code] ?? code;
  const cause = (error as { cause?: { message?: unknown } }).cause;
  return typeof cause?.message === 'string' ? cause.message : ((error as Error).message ?? 'network error');
}

/** A reply that is not Gantry's JSON error shape (a proxy, Easy Auth's sign-in page): show its start. */
function foreignError(status: number, text: string, url: string): ApiError {
  const snippet = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 160);
  const hint =
    status === 401 || (status >= 300 && status < 400)
      ? ' It wants a signed-in caller: run gantry login (or pass a token with --token or GANTRY_TOKEN; docs/cli.md).'
      : '';
  return new ApiError(
    status,
    'http-error',
    `${url} answered without a Gantry error body${snippet ? `: ${snippet}` : ''}.${hint}`,
  );
}

export interface ApiResponse<T> {
  status: number;
  body: T;
}

/** The only place the CLI talks HTTP: JSON in, JSON out, every failure a `CliError`. */
export class ApiClient {
  constructor(
    readonly settings: Settings,
    private readonly fetchImpl: typeof fetch = fetch,
    private readonly timeoutMs = 30_000,
  ) {}

  /** The same client sending `token` (just obtained by `gantry login`). */
  withToken(token: string): ApiClient {
    const settings = {
      ...this.settings,
      token,
      sources: { ...this.settings.sources, token: 'login' as const },
    };
    return new ApiClient(settings, this.fetchImpl, this.timeoutMs);
  }

  url(path: string, query: Query = {}): URL {
    const url = new URL(this.settings.url.href);
    url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    return url;
  }

  get<T>(path: string, query?: Query): Promise<ApiResponse<T>> {
    return this.send<T>('GET', this.url(path, query));
  }

  post<T>(path: string, body: unknown): Promise<ApiResponse<T>> {
    return this.send<T>('POST', this.url(path), body);
  }

  put<T>(path: string, body: unknown): Promise<ApiResponse<T>> {
    return this.send<T>('PUT', this.url(path), body);
  }

  private async send<T>(method: string, url: URL, body?: unknown): Promise<ApiResponse<T>> {
    const shown = displayUrl(url);
    let res: Response;
    try {
      res = await this.fetchImpl(url, {
        method,
        headers: {
          accept: 'application/json',
          'user-agent': USER_AGENT,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...authHeaders(this.settings),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'manual',
      });
    } catch (error) {
      throw this.unreachable(error, shown);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (res.status >= 200 && res.status < 300 && json !== undefined)
      return { status: res.status, body: json as T };
    const error = (json as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)
      ?.error;
    if (error && typeof error.code === 'string' && typeof error.message === 'string')
      throw new ApiError(
        res.status,
        error.code,
        error.message,
        (error.details ?? {}) as Record<string, unknown>,
      );
    throw foreignError(res.status, text, shown);
  }

  private unreachable(error: unknown, shown: string): CliError {
    const base = displayUrl(this.settings.url);
    if ((error as Error).name === 'TimeoutError')
      return new CliError(
        'timeout',
        `No answer from ${shown} within ${this.timeoutMs / 1000}s.`,
        EXIT.unreachable,
      );
    return new CliError(
      'unreachable',
      `Cannot reach Gantry at ${base} (${networkReason(error)}). Is it running? Set the URL with --url or GANTRY_URL.`,
      EXIT.unreachable,
      { url: base, cause: networkCode(error) },
    );
  }
}
