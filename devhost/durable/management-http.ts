/**
 * The Durable HTTP surfaces of the dev host: the SDK's RPC API under `/durabletask/` (what `DurableClient`
 * calls through `rpcBaseUrl`) and the public management webhook API under `/runtime/webhooks/durabletask/`
 * (what check-status links point to). Both serve the same operations (devhost-contract 4.2, 4.3); they
 * differ only in who may call them.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { errorResponse } from '../http/types.js';
import type { HostRequest, HostResponse, HostRoute } from '../http/types.js';
import { PUBLIC_BASE_PATH, RPC_BASE_PATH } from './client-data.js';
import { DurableError } from './management.js';
import type { DurableErrorCode, DurableManagement } from './management.js';
import {
  getInstanceStatus,
  instanceOperation,
  listInstances,
  purgeInstance,
  purgeInstances,
  raiseEvent,
  restartInstance,
  rewindInstance,
  startOrchestration,
} from './management-handlers.js';
import type { HandlerContext } from './management-handlers.js';
import { HttpInputError, queryParam } from './management-input.js';

export interface DurableRoutesOptions {
  /** `connection=` value in generated links. Default `Storage`. */
  connectionName?: string;
  /** When set, the public webhook API requires `code=<systemKey>` (or the master key); links carry it. */
  systemKey?: string;
  /** Also accepted by the public webhook API when a system key is configured. */
  masterKey?: string;
}

type Surface = 'rpc' | 'public';
type Handler = (ctx: HandlerContext) => Promise<HostResponse>;

const DURABLE_ERROR_STATUS: Record<DurableErrorCode, number> = {
  'orchestrator-not-found': 400,
  'instance-exists': 409,
  'invalid-instance-id': 400,
  'entities-not-supported': 501,
  'store-failure': 500,
};

const INSTANCE_OPERATIONS = ['terminate', 'suspend', 'resume'] as const;

function routeNotFound(request: HostRequest): HostResponse {
  return errorResponse(404, 'route-not-found', `No Durable API route for ${request.url.pathname}.`);
}

function methodNotAllowed(request: HostRequest, allowed: string[]): HostResponse {
  const response = errorResponse(405, 'method-not-allowed', `${request.method} is not allowed here.`);
  return { ...response, headers: { ...response.headers, allow: allowed.join(', ') } };
}

/** Picks the handler for `method` among `handlers`, or answers 405. */
function byMethod(
  ctx: HandlerContext,
  handlers: Record<string, Handler>,
): Promise<HostResponse> | HostResponse {
  const handler = handlers[ctx.request.method.toUpperCase()];
  return handler ? handler(ctx) : methodNotAllowed(ctx.request, Object.keys(handlers));
}

/** `instances/{id}/{operation}` (the operation name is case-insensitive, as in the extension). */
function routeInstanceOperation(ctx: HandlerContext, id: string, operation: string) {
  const op = operation.toLowerCase();
  const found = INSTANCE_OPERATIONS.find((name) => name === op);
  if (found) return byMethod(ctx, { POST: (c) => instanceOperation(c, id, found) });
  if (op === 'rewind') return byMethod(ctx, { POST: (c) => rewindInstance(c, id) });
  if (op === 'restart') return byMethod(ctx, { POST: (c) => restartInstance(c, id) });
  return routeNotFound(ctx.request);
}

function routeInstances(ctx: HandlerContext, rest: string[]): Promise<HostResponse> | HostResponse {
  const [id, operation, eventName] = rest;
  if (id === undefined) return byMethod(ctx, { GET: listInstances, DELETE: purgeInstances });
  if (operation === undefined) {
    return byMethod(ctx, { GET: (c) => getInstanceStatus(c, id), DELETE: (c) => purgeInstance(c, id) });
  }
  if (rest.length === 2) return routeInstanceOperation(ctx, id, operation);
  if (rest.length === 3 && operation.toLowerCase() === 'raiseevent' && eventName !== undefined) {
    return byMethod(ctx, { POST: (c) => raiseEvent(c, id, eventName) });
  }
  return routeNotFound(ctx.request);
}

function dispatch(ctx: HandlerContext, segments: string[]): Promise<HostResponse> | HostResponse {
  const [head, ...rest] = segments;
  switch (head?.toLowerCase()) {
    case 'orchestrators': {
      const [name, instanceId] = rest;
      if (name === undefined || rest.length > 2) return routeNotFound(ctx.request);
      return byMethod(ctx, { POST: (c) => startOrchestration(c, name, instanceId) });
    }
    case 'instances':
      return routeInstances(ctx, rest);
    case 'entities':
      return errorResponse(501, 'entities-not-supported', 'entities are not supported by the dev host');
    default:
      return routeNotFound(ctx.request);
  }
}

function isBelow(request: HostRequest, base: string): boolean {
  const path = request.url.pathname;
  return path === base || path.startsWith(`${base}/`);
}

/** Path below `base`, split on `/` and decoded (an encoded `/` in an id is then caught by validation). */
function segmentsBelow(request: HostRequest, base: string): string[] {
  const rest = request.url.pathname.slice(base.length).replace(/^\/+|\/+$/g, '');
  if (rest === '') return [];
  return rest.split('/').map((segment) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      throw new HttpInputError(400, 'invalid-path', 'The request path is not valid percent-encoding.');
    }
  });
}

export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const plain = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return plain === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(plain);
}

function sameSecret(given: string, expected: string): boolean {
  // Hashing first makes the comparison constant-time regardless of the lengths.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Why a request may not use `surface`, or undefined when it may. */
function rejectCaller(
  request: HostRequest,
  surface: Surface,
  options: DurableRoutesOptions,
): HostResponse | undefined {
  if (surface === 'rpc') {
    // The RPC API carries no key (the SDK sends none), so it is only for this machine.
    if (isLoopbackAddress(request.remoteAddress)) return undefined;
    return errorResponse(403, 'loopback-only', 'The Durable RPC API only accepts requests from loopback.');
  }
  if (!options.systemKey) return undefined;
  const given = queryParam(request.url, 'code') ?? request.headers['x-functions-key'];
  const keys = [options.systemKey, options.masterKey].filter((key): key is string => Boolean(key));
  if (given !== undefined && keys.some((key) => sameSecret(given, key))) return undefined;
  return errorResponse(401, 'unauthorized', 'A valid system key (code=...) is required for the Durable API.');
}

/** A different task hub cannot be served: the dev host runs exactly one. */
function rejectTaskHub(request: HostRequest, taskHubName: string): HostResponse | undefined {
  const hub = queryParam(request.url, 'taskHub');
  if (hub === undefined || hub === '' || hub.toLowerCase() === taskHubName.toLowerCase()) return undefined;
  return errorResponse(
    400,
    'unknown-task-hub',
    `The dev host only serves task hub '${taskHubName}', not '${hub}'.`,
  );
}

function errorToResponse(err: unknown): HostResponse {
  if (err instanceof HttpInputError) return errorResponse(err.status, err.code, err.message);
  if (err instanceof DurableError)
    return errorResponse(DURABLE_ERROR_STATUS[err.code], err.code, err.message);
  const message = err instanceof Error ? err.message : String(err);
  return errorResponse(500, 'internal-error', `The Durable API failed: ${message}`);
}

function surfaceRoute(
  surface: Surface,
  base: string,
  management: DurableManagement,
  options: DurableRoutesOptions,
): HostRoute {
  const links = {
    taskHubName: management.taskHubName,
    ...(options.connectionName === undefined ? {} : { connectionName: options.connectionName }),
    ...(options.systemKey === undefined ? {} : { systemKey: options.systemKey }),
  };
  return async (request) => {
    if (!isBelow(request, base)) return undefined;
    try {
      const rejected =
        rejectCaller(request, surface, options) ?? rejectTaskHub(request, management.taskHubName);
      if (rejected) return rejected;
      return await dispatch({ request, management, links }, segmentsBelow(request, base));
    } catch (err) {
      return errorToResponse(err);
    }
  };
}

/** Routes for both Durable surfaces; mount them on the dev host's HTTP server. */
export function createDurableRoutes(
  management: DurableManagement,
  options: DurableRoutesOptions = {},
): HostRoute[] {
  return [
    surfaceRoute('rpc', RPC_BASE_PATH.replace(/\/$/, ''), management, options),
    surfaceRoute('public', PUBLIC_BASE_PATH, management, options),
  ];
}
