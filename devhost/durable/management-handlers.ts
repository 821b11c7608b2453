/**
 * The operations behind the Durable HTTP routes (devhost-contract 4.2 and 4.3). Each handler validates
 * its input completely before it calls the engine and maps the engine's answer to the status codes the
 * Durable extension uses.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { errorResponse, jsonResponse } from '../http/types.js';
import type { HostRequest, HostResponse } from '../http/types.js';
import { buildCheckStatusPayload } from './client-data.js';
import type { LinkOptions } from './client-data.js';
import type { DurableManagement, InstanceOpResult } from './management.js';
import {
  HttpInputError,
  booleanParam,
  instanceQuery,
  jsonBody,
  queryParam,
  requireJsonContentType,
  secondsParam,
  validateEventName,
  validateInstanceId,
  validateOrchestratorName,
} from './management-input.js';
import { TERMINAL_STATUSES } from './types.js';
import type { InstanceState } from './types.js';
import { parseJsonLenient, toStatusJson } from './status-json.js';

export interface HandlerContext {
  request: HostRequest;
  management: DurableManagement;
  links: Omit<LinkOptions, 'origin'>;
}

/** Statuses answered with 202 + Location + Retry-After by the status endpoint. */
const IN_PROGRESS = new Set(['Running', 'Pending', 'ContinuedAsNew', 'Suspended']);
/** Keeps `pollingInterval=0` from spinning. */
const MIN_POLL_MS = 10;

const accepted = (): HostResponse => ({ status: 202 });

function notFound(instanceId: string): HostResponse {
  return errorResponse(404, 'instance-not-found', `No instance with ID '${instanceId}' found.`);
}

function opResponse(result: InstanceOpResult, instanceId: string): HostResponse {
  if (result === 'accepted') return accepted();
  if (result === 'not-found') return notFound(instanceId);
  return errorResponse(410, 'instance-gone', `Instance '${instanceId}' has already finished.`);
}

interface StatusFlags {
  showHistory: boolean;
  showHistoryOutput: boolean;
  showInput: boolean;
  failAs500: boolean;
}

/** Status query flags, parsed before any engine call so a bad value changes nothing. */
function statusFlags(request: HostRequest): StatusFlags {
  return {
    showHistory: booleanParam(request.url, 'showHistory', false),
    showHistoryOutput: booleanParam(request.url, 'showHistoryOutput', false),
    showInput: booleanParam(request.url, 'showInput', true),
    failAs500: booleanParam(request.url, 'returnInternalServerErrorOnFailure', false),
  };
}

/** The `createCheckStatusResponse` equivalent: links use the request's origin and the system key. */
function checkStatusResponse(ctx: HandlerContext, instanceId: string): HostResponse {
  const payload = buildCheckStatusPayload({ ...ctx.links, origin: ctx.request.origin }, instanceId);
  return jsonResponse(202, payload, { location: payload.statusQueryGetUri, 'retry-after': '10' });
}

async function waitForTerminal(
  ctx: HandlerContext,
  instanceId: string,
  timeoutMs: number,
  intervalMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await ctx.management.getInstance(instanceId);
    const remaining = deadline - Date.now();
    if ((state && TERMINAL_STATUSES.has(state.runtimeStatus)) || remaining <= 0) return state;
    await delay(Math.min(Math.max(intervalMs, MIN_POLL_MS), remaining));
  }
}

interface WaitOptions {
  timeoutMs: number;
  intervalMs: number;
  flags: StatusFlags;
}

/** Parses `timeout`/`pollingInterval` (and the status flags) up front: bad values must not start anything. */
function waitOptions(request: HostRequest): WaitOptions | undefined {
  const timeout = secondsParam(request.url, 'timeout');
  const interval = secondsParam(request.url, 'pollingInterval');
  const flags = statusFlags(request);
  if (timeout === undefined || interval === undefined) return undefined;
  if (interval > timeout) {
    throw new HttpInputError(400, 'invalid-query', 'pollingInterval must not be greater than timeout.');
  }
  return { timeoutMs: timeout * 1000, intervalMs: interval * 1000, flags };
}

/** Wait-or-202 (`timeout` & `pollingInterval` given) or the plain check-status response. */
async function waitOrCheckStatus(
  ctx: HandlerContext,
  instanceId: string,
  wait: WaitOptions | undefined,
): Promise<HostResponse> {
  if (!wait) return checkStatusResponse(ctx, instanceId);
  const state = await waitForTerminal(ctx, instanceId, wait.timeoutMs, wait.intervalMs);
  if (state?.runtimeStatus === 'Completed') return jsonResponse(200, parseJsonLenient(state.output));
  if (state && TERMINAL_STATUSES.has(state.runtimeStatus)) return statusResponse(ctx, state, wait.flags);
  return checkStatusResponse(ctx, instanceId);
}

/** `POST orchestrators/{name}[/{instanceId}][?version=&timeout=&pollingInterval=]`. */
export async function startOrchestration(
  ctx: HandlerContext,
  name: string,
  instanceIdSegment: string | undefined,
): Promise<HostResponse> {
  const functionName = validateOrchestratorName(name);
  const instanceId = instanceIdSegment === undefined ? undefined : validateInstanceId(instanceIdSegment);
  const input = jsonBody(ctx.request);
  const version = queryParam(ctx.request.url, 'version');
  const wait = waitOptions(ctx.request);
  if (!ctx.management.hasOrchestrator(functionName)) {
    return errorResponse(400, 'orchestrator-not-found', `No orchestrator function named '${functionName}'.`);
  }
  const started = await ctx.management.start({
    name: functionName,
    ...(instanceId === undefined ? {} : { instanceId }),
    ...(input === undefined ? {} : { input }),
    ...(version === undefined || version === '' ? {} : { version }),
  });
  return waitOrCheckStatus(ctx, started.instanceId, wait);
}

async function statusResponse(
  ctx: HandlerContext,
  state: InstanceState,
  flags: StatusFlags,
): Promise<HostResponse> {
  const { showHistory, showHistoryOutput, showInput, failAs500 } = flags;
  // Pending instances have no history yet; the extension never reports one for them.
  const withHistory = showHistory && state.runtimeStatus !== 'Pending';
  const history = withHistory ? await ctx.management.getHistory(state.instanceId) : undefined;
  const body = toStatusJson(state, history, { showInput, showHistoryOutput });
  if (IN_PROGRESS.has(state.runtimeStatus)) {
    const { pathname, search } = ctx.request.url;
    return jsonResponse(202, body, {
      location: `${ctx.request.origin}${pathname}${search}`,
      'retry-after': '5',
    });
  }
  return jsonResponse(state.runtimeStatus === 'Failed' && failAs500 ? 500 : 200, body);
}

/** `GET instances/{id}[?showHistory=&showHistoryOutput=&showInput=&returnInternalServerErrorOnFailure=]`. */
export async function getInstanceStatus(ctx: HandlerContext, segment: string): Promise<HostResponse> {
  const instanceId = validateInstanceId(segment);
  const flags = statusFlags(ctx.request);
  const state = await ctx.management.getInstance(instanceId);
  return state ? statusResponse(ctx, state, flags) : notFound(instanceId);
}

/** `GET instances/` with filters; the continuation header is sent only while more pages remain. */
export async function listInstances(ctx: HandlerContext): Promise<HostResponse> {
  const query = instanceQuery(ctx.request);
  const showInput = booleanParam(ctx.request.url, 'showInput', true);
  const page = await ctx.management.list(query);
  const items = page.items.map((state) => toStatusJson(state, undefined, { showInput }));
  // An empty or missing token ends the SDK's paging loop (pitfall 12).
  const headers = page.continuationToken ? { 'x-ms-continuation-token': page.continuationToken } : undefined;
  return jsonResponse(200, items, headers);
}

/** `DELETE instances/{id}`: 404 unknown, 412 still running, else 200 `{instancesDeleted:1}`. */
export async function purgeInstance(ctx: HandlerContext, segment: string): Promise<HostResponse> {
  const instanceId = validateInstanceId(segment);
  const state = await ctx.management.getInstance(instanceId);
  if (!state) return notFound(instanceId);
  if (!TERMINAL_STATUSES.has(state.runtimeStatus)) {
    return errorResponse(
      412,
      'instance-not-terminal',
      `Only instances in a terminal state can be purged; '${instanceId}' is ${state.runtimeStatus}.`,
    );
  }
  const deleted = await ctx.management.purge(instanceId);
  return deleted ? jsonResponse(200, { instancesDeleted: 1 }) : notFound(instanceId);
}

/** `DELETE instances/?createdTimeFrom=..[&createdTimeTo=..&runtimeStatus=..]`. */
export async function purgeInstances(ctx: HandlerContext): Promise<HostResponse> {
  const query = instanceQuery(ctx.request);
  if (query.createdTimeFrom === undefined) {
    return errorResponse(
      400,
      'missing-created-time-from',
      "Please provide value for 'createdTimeFrom' parameter.",
    );
  }
  const deleted = await ctx.management.purgeBy(query);
  if (deleted === 0) return errorResponse(404, 'no-instances-purged', 'No instances matched the filter.');
  return jsonResponse(200, { instancesDeleted: deleted });
}

/** `POST instances/{id}/raiseEvent/{eventName}` with a JSON body (or none). */
export async function raiseEvent(
  ctx: HandlerContext,
  segment: string,
  eventSegment: string,
): Promise<HostResponse> {
  const instanceId = validateInstanceId(segment);
  const eventName = validateEventName(eventSegment);
  requireJsonContentType(ctx.request);
  const input = jsonBody(ctx.request);
  return opResponse(await ctx.management.raiseEvent(instanceId, eventName, input), instanceId);
}

/** `POST instances/{id}/terminate|suspend|resume?reason=`. */
export async function instanceOperation(
  ctx: HandlerContext,
  segment: string,
  operation: 'terminate' | 'suspend' | 'resume',
): Promise<HostResponse> {
  const instanceId = validateInstanceId(segment);
  const reason = queryParam(ctx.request.url, 'reason') ?? '';
  return opResponse(await ctx.management[operation](instanceId, reason), instanceId);
}

/** `POST instances/{id}/rewind?reason=`: 412 unless Failed, 501 when the engine cannot rewind. */
export async function rewindInstance(ctx: HandlerContext, segment: string): Promise<HostResponse> {
  const instanceId = validateInstanceId(segment);
  const result = await ctx.management.rewind(instanceId, queryParam(ctx.request.url, 'reason') ?? '');
  if (result === 'not-failed') {
    return errorResponse(
      412,
      'instance-not-failed',
      'Only orchestrations in the "Failed" state can be rewound.',
    );
  }
  if (result === 'not-supported') {
    return errorResponse(501, 'rewind-not-supported', 'Rewind is not supported by the dev host.');
  }
  return opResponse(result, instanceId);
}

/** `POST instances/{id}/restart[?restartWithNewInstanceId=true|false&timeout=&pollingInterval=]`. */
export async function restartInstance(ctx: HandlerContext, segment: string): Promise<HostResponse> {
  const instanceId = validateInstanceId(segment);
  const newInstanceId = booleanParam(ctx.request.url, 'restartWithNewInstanceId', true);
  const wait = waitOptions(ctx.request);
  const restarted = await ctx.management.restart(instanceId, newInstanceId);
  if (restarted === 'not-found') return notFound(instanceId);
  return waitOrCheckStatus(ctx, restarted.instanceId, wait);
}
