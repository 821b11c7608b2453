import { randomUUID } from 'node:crypto';
import type { Cookie, HttpResponseInit } from '@azure/functions';
import type { FunctionsModule } from '../functions/invoker.js';
import type {
  FunctionInvoker,
  HostKeys,
  HostLogger,
  InvokeResult,
  RegisteredFunction,
} from '../functions/types.js';
import { authorize, requirementFor } from './auth.js';
import { compareRoutes, compileRoute, type CompiledRoute } from './routes.js';
import { errorResponse, jsonResponse, type HostRequest, type HostResponse, type HostRoute } from './types.js';

export interface HttpTriggerRouteOptions {
  invoker: FunctionInvoker;
  /** The app's own `@azure/functions` (for HttpRequest / HttpResponse and their instanceof checks). */
  sdk: FunctionsModule;
  /** `extensions.http.routePrefix`, e.g. `api`; `''` serves triggers at the root. */
  routePrefix: string;
  keys?: HostKeys;
  logger?: HostLogger;
}

export interface HttpFunctionRoute {
  fn: RegisteredFunction;
  route: CompiledRoute;
  /** Upper-case methods; undefined = any method (a binding without `methods`, as in the host). */
  methods: Set<string> | undefined;
}

export function isHttpTrigger(fn: RegisteredFunction): boolean {
  return fn.trigger.type.toLowerCase() === 'httptrigger';
}

/** The HTTP-triggered functions with compiled routes, most specific first. Throws on a bad template. */
export function httpFunctionRoutes(functions: RegisteredFunction[]): HttpFunctionRoute[] {
  return functions
    .filter(isHttpTrigger)
    .map((fn) => {
      const template =
        typeof fn.trigger.route === 'string' && fn.trigger.route !== '' ? fn.trigger.route : fn.name;
      let route: CompiledRoute;
      try {
        route = compileRoute(template);
      } catch (err) {
        throw new Error(`Function "${fn.name}": ${(err as Error).message}`, { cause: err });
      }
      const methods = Array.isArray(fn.trigger.methods)
        ? new Set(fn.trigger.methods.map((m) => String(m).toUpperCase()))
        : undefined;
      return { fn, route, methods };
    })
    .sort((a, b) => compareRoutes(a.route, b.route));
}

/** Path below the route prefix (still percent-encoded), or undefined when outside it. */
export function stripRoutePrefix(pathname: string, routePrefix: string): string | undefined {
  if (routePrefix === '') return pathname;
  const prefix = `/${routePrefix}`.toLowerCase();
  const lower = pathname.toLowerCase();
  if (lower === prefix) return '/';
  return lower.startsWith(`${prefix}/`) ? pathname.slice(prefix.length) : undefined;
}

/** Serves HTTP triggers under the route prefix; answers 405 when only the method does not match. */
export function createHttpTriggerRoute(options: HttpTriggerRouteOptions): HostRoute {
  const routes = httpFunctionRoutes(options.invoker.list());
  return async (request) => {
    const path = stripRoutePrefix(request.url.pathname, options.routePrefix);
    if (path === undefined) return undefined;
    const allowed = new Set<string>();
    for (const candidate of routes) {
      const params = candidate.route.match(path);
      if (!params) continue;
      if (!candidate.methods || candidate.methods.has(request.method)) {
        return serve(options, candidate.fn, request, params);
      }
      candidate.methods.forEach((m) => allowed.add(m));
    }
    if (allowed.size === 0) return undefined;
    const allow = [...allowed].sort().join(', ');
    return jsonResponse(
      405,
      {
        error: {
          code: 'method-not-allowed',
          message: `Method ${request.method} is not allowed; use ${allow}.`,
        },
      },
      { allow },
    );
  };
}

async function serve(
  options: HttpTriggerRouteOptions,
  fn: RegisteredFunction,
  request: HostRequest,
  params: Record<string, string>,
): Promise<HostResponse> {
  const denied = authorize(options.keys, requirementFor(fn.trigger.authLevel, fn.name), request);
  if (denied) return denied;
  const invocationId = randomUUID();
  try {
    const httpRequest = new options.sdk.HttpRequest({
      method: request.method,
      url: `${request.origin}${request.url.pathname}${request.url.search}`,
      headers: request.headers,
      body: { bytes: request.body },
      params,
    });
    const outcome = await options.invoker.invoke(fn.name, httpRequest, {
      invocationId,
      origin: request.origin,
    });
    return await toHostResponse(options.sdk, httpOutput(fn, outcome));
  } catch (err) {
    // Like the host: the client gets a bare 500, the log gets the real error.
    options.logger?.('error', `Function ${fn.name} failed (Id=${invocationId}):`, errorText(err));
    return errorResponse(500, 'function-failed', `Function ${fn.name} failed`, { invocationId });
  }
}

/** The value of the function's `http` output binding: `$return`, or a named extra output. */
export function httpOutput(fn: RegisteredFunction, outcome: InvokeResult): unknown {
  for (const [key, binding] of Object.entries(fn.metadata.bindings)) {
    if (binding.direction !== 'out' || binding.type.toLowerCase() !== 'http') continue;
    return key === '$return' ? outcome.result : outcome.extraOutputs[key];
  }
  return outcome.result;
}

export async function toHostResponse(sdk: FunctionsModule, value: unknown): Promise<HostResponse> {
  if (value === undefined || value === null) return { status: 200 };
  if (typeof value !== 'object') {
    throw new TypeError(
      'The HTTP response must be an object with optional properties "body", "status", "headers", and "cookies".',
    );
  }
  const response =
    value instanceof sdk.HttpResponse ? value : new sdk.HttpResponse(value as HttpResponseInit);
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((v, k) => {
    if (k !== 'set-cookie') headers[k] = v;
  });
  const cookies = [...response.headers.getSetCookie(), ...response.cookies.map(serializeCookie)];
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  return { status: response.status, headers, body: Buffer.from(await response.arrayBuffer()) };
}

/** One `Set-Cookie` value; the name and value are escaped like ASP.NET Core's ResponseCookies. */
export function serializeCookie(cookie: Cookie): string {
  const parts = [`${encodeURIComponent(cookie.name)}=${encodeURIComponent(cookie.value)}`];
  if (cookie.domain) parts.push(`Domain=${cookie.domain}`);
  if (cookie.path) parts.push(`Path=${cookie.path}`);
  if (cookie.expires !== undefined) parts.push(`Expires=${new Date(cookie.expires).toUTCString()}`);
  if (cookie.maxAge !== undefined) parts.push(`Max-Age=${Math.trunc(cookie.maxAge)}`);
  if (cookie.secure) parts.push('Secure');
  if (cookie.httpOnly) parts.push('HttpOnly');
  if (cookie.sameSite) parts.push(`SameSite=${cookie.sameSite}`);
  return parts.join('; ');
}

export function errorText(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
