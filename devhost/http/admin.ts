import type {
  FunctionInvoker,
  HostKeys,
  HostLogger,
  InvokeOptions,
  RegisteredFunction,
} from '../functions/types.js';
import { timerTriggerValue } from '../triggers/timer.js';
import { authorize } from './auth.js';
import { eventGridTriggerMetadata, isEventGridTrigger } from './eventgrid.js';
import { errorText, isHttpTrigger } from './http-trigger.js';
import { errorResponse, jsonResponse, type HostRequest, type HostResponse, type HostRoute } from './types.js';

export interface AdminRouteOptions {
  invoker: FunctionInvoker;
  routePrefix: string;
  keys?: HostKeys;
  logger?: HostLogger;
}

export interface FunctionDescription {
  name: string;
  /** Trigger binding type, e.g. `httpTrigger`, `timerTrigger`. */
  trigger: string;
  /** HTTP triggers: route template including the prefix, e.g. `api/items/{id}`. */
  route?: string;
  /** HTTP triggers: allowed methods; absent = any. */
  methods?: string[];
  authLevel?: string;
  /** Timer triggers. */
  schedule?: string;
  /** HTTP triggers: a URL to call (only when described for a request's origin). */
  url?: string;
}

/** Registered functions in name order, for `GET /admin/functions` and the start-up banner. */
export function describeFunctions(
  functions: RegisteredFunction[],
  routePrefix: string,
  origin?: string,
): FunctionDescription[] {
  return [...functions]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((fn) => {
      const d: FunctionDescription = { name: fn.name, trigger: fn.trigger.type };
      if (isHttpTrigger(fn)) {
        const route =
          typeof fn.trigger.route === 'string' && fn.trigger.route !== '' ? fn.trigger.route : fn.name;
        d.route = [routePrefix, route.replace(/^\/+/, '')].filter((s) => s !== '').join('/');
        if (Array.isArray(fn.trigger.methods)) d.methods = fn.trigger.methods.map(String);
        d.authLevel = typeof fn.trigger.authLevel === 'string' ? fn.trigger.authLevel : 'function';
        if (origin) d.url = `${origin}/${d.route}`;
      }
      if (typeof fn.trigger.schedule === 'string') d.schedule = fn.trigger.schedule;
      return d;
    });
}

/** Converts admin-invoke `input` to the trigger value the real binding converter would produce. */
export function adminTriggerInput(
  fn: RegisteredFunction,
  input: unknown,
): { value: unknown } & InvokeOptions {
  const type = fn.trigger.type.toLowerCase();
  if (type === 'timertrigger') return { value: timerTriggerValue(null, false) };
  const value = typeof input === 'string' ? parseJsonOr(input) : input;
  if (isEventGridTrigger(fn)) return { value, triggerMetadata: eventGridTriggerMetadata(value) };
  return { value };
}

/**
 * `GET /admin/functions` lists functions; `POST /admin/functions/{name}` with `{"input": "..."}` starts
 * a non-HTTP function in the background and answers 202 at once (failures go to the log), like the
 * host's admin API. Durable triggers are refused: they only run under the Durable engine.
 */
export function createAdminRoute(options: AdminRouteOptions): HostRoute {
  return (request) => {
    const match = /^\/admin\/functions(?:\/([^/]+))?\/?$/i.exec(request.url.pathname);
    if (!match) return undefined;
    const denied = authorize(options.keys, { level: 'admin' }, request);
    if (denied) return denied;
    const name = match[1] === undefined ? undefined : decodeURIComponent(match[1]);
    if (name === undefined) {
      if (request.method !== 'GET') return methodNotAllowed('GET');
      return jsonResponse(200, {
        functions: describeFunctions(options.invoker.list(), options.routePrefix, request.origin),
      });
    }
    if (request.method !== 'POST') return methodNotAllowed('POST');
    return invokeInBackground(options, name, request);
  };
}

function invokeInBackground(options: AdminRouteOptions, name: string, request: HostRequest): HostResponse {
  const fn = options.invoker.get(name);
  if (!fn) return errorResponse(404, 'function-not-found', `cannot find function: '${name}'`);
  if (isHttpTrigger(fn)) {
    return errorResponse(
      400,
      'bad-request',
      `Function '${fn.name}' is HTTP-triggered: call its route instead.`,
    );
  }
  if (/^(orchestration|entity)trigger$/i.test(fn.trigger.type)) {
    return errorResponse(
      400,
      'bad-request',
      `Function '${fn.name}' runs under the Durable engine; start it there.`,
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(request.body.toString('utf8'));
  } catch {
    return errorResponse(400, 'bad-request', 'The body must be JSON like {"input": "..."}.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return errorResponse(400, 'bad-request', 'The body must be a JSON object like {"input": "..."}.');
  }
  const { value, ...invokeOptions } = adminTriggerInput(fn, (body as { input?: unknown }).input);
  options.invoker
    .invoke(fn.name, value, { ...invokeOptions, origin: request.origin })
    .catch((err: unknown) => {
      options.logger?.('error', `Function ${fn.name} (admin invoke) failed:`, errorText(err));
    });
  return { status: 202 };
}

function methodNotAllowed(allow: string): HostResponse {
  return jsonResponse(405, { error: { code: 'method-not-allowed', message: `Use ${allow}.` } }, { allow });
}

function parseJsonOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
