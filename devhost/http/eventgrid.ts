import type { FunctionInvoker, HostKeys, HostLogger, RegisteredFunction } from '../functions/types.js';
import { authorize } from './auth.js';
import { errorText } from './http-trigger.js';
import { errorResponse, jsonResponse, type HostRequest, type HostResponse, type HostRoute } from './types.js';

export interface EventGridRouteOptions {
  invoker: FunctionInvoker;
  keys?: HostKeys;
  logger?: HostLogger;
}

/** Origins Event Grid sends in `WebHook-Request-Origin` (the extension's allow-list). */
const EVENT_GRID_ORIGINS = new Set([
  'eventgrid.azure.net',
  'eventgrid.azure.us',
  'eventgrid.azure.cn',
  'eventgrid.azure.eaglex.ic.gov',
  'eventgrid.azure.microsoft.scloud',
]);
const WEBHOOK_PATH = /^\/runtime\/webhooks\/eventgrid(?:\/.*)?$/i;
const WEBHOOK_METHODS = new Set(['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS']);

export function isEventGridTrigger(fn: RegisteredFunction): boolean {
  return fn.trigger.type.toLowerCase() === 'eventgridtrigger';
}

/** Camel-cased binding data the extension exposes for an event (the worker camel-cases metadata). */
export function eventGridTriggerMetadata(event: unknown): Record<string, unknown> {
  const data =
    typeof event === 'object' && event !== null ? (event as Record<string, unknown>).data : undefined;
  return { data };
}

/**
 * `/runtime/webhooks/EventGrid?functionName=NAME`, as the Event Grid extension answers it locally
 * (contract section 5): OPTIONS handshake, SubscriptionValidation, Notification (one invocation per
 * event, in parallel; 202 or 500 with the first failure) and Unsubscribe.
 */
export function createEventGridRoute(options: EventGridRouteOptions): HostRoute {
  return async (request) => {
    if (!WEBHOOK_PATH.test(request.url.pathname) || !WEBHOOK_METHODS.has(request.method)) return undefined;
    const denied = authorize(
      options.keys,
      { level: 'system', systemKeyName: 'eventgrid_extension' },
      request,
    );
    if (denied) return denied;
    const name = request.url.searchParams.get('functionName') ?? '';
    const fn = name === '' ? undefined : options.invoker.get(name);
    if (!fn || !isEventGridTrigger(fn)) {
      return errorResponse(404, 'function-not-found', `cannot find function: '${name}'`);
    }
    if (request.method === 'OPTIONS') return handshake(request);
    const eventType = request.headers['aeg-event-type'] ?? '';
    switch (eventType.toLowerCase()) {
      case 'subscriptionvalidation':
        return validate(request);
      case 'notification':
        return notify(options, fn, request);
      case 'unsubscribe':
        return { status: 202 };
      default:
        return errorResponse(
          400,
          'bad-request',
          `Unsupported or missing aeg-event-type header: '${eventType}'`,
        );
    }
  };
}

function handshake(request: HostRequest): HostResponse {
  const origin = request.headers['webhook-request-origin']?.trim().toLowerCase() ?? '';
  const allowed = EVENT_GRID_ORIGINS.has(origin) ? origin : 'eventgrid.azure.net';
  return { status: 200, headers: { 'webhook-allowed-origin': allowed } };
}

function parseBody(
  request: HostRequest,
): { ok: true; value: unknown } | { ok: false; response: HostResponse } {
  try {
    return { ok: true, value: JSON.parse(request.body.toString('utf8')) };
  } catch (err) {
    return {
      ok: false,
      response: errorResponse(
        400,
        'bad-request',
        `The request body is not valid JSON: ${(err as Error).message}`,
      ),
    };
  }
}

function validate(request: HostRequest): HostResponse {
  const parsed = parseBody(request);
  if (!parsed.ok) return parsed.response;
  const event: unknown = Array.isArray(parsed.value) ? parsed.value[0] : parsed.value;
  let data =
    typeof event === 'object' && event !== null ? (event as Record<string, unknown>).data : undefined;
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data); // CloudEvents may carry data as a JSON-encoded string
    } catch {
      data = undefined;
    }
  }
  const code =
    typeof data === 'object' && data !== null ? (data as Record<string, unknown>).validationCode : undefined;
  if (code === undefined)
    return errorResponse(400, 'bad-request', 'The validation event carries no validationCode.');
  return jsonResponse(200, { validationResponse: code });
}

async function notify(
  options: EventGridRouteOptions,
  fn: RegisteredFunction,
  request: HostRequest,
): Promise<HostResponse> {
  const parsed = parseBody(request);
  if (!parsed.ok) return parsed.response;
  const events: unknown[] = Array.isArray(parsed.value) ? parsed.value : [parsed.value];
  const outcomes = await Promise.allSettled(
    events.map((event) =>
      options.invoker.invoke(fn.name, event, {
        origin: request.origin,
        triggerMetadata: eventGridTriggerMetadata(event),
      }),
    ),
  );
  const failures = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
  for (const failure of failures) {
    options.logger?.(
      'error',
      `Function ${fn.name} failed on an Event Grid event:`,
      errorText(failure.reason),
    );
  }
  const [first] = failures;
  if (!first) return { status: 202 };
  const message = first.reason instanceof Error ? first.reason.message : String(first.reason);
  return errorResponse(500, 'function-failed', message);
}
