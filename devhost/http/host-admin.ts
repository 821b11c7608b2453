import { VirtualClock } from '../durable/clock.js';
import type { DurableEngine } from '../durable/durable-engine.js';
import type { Clock } from '../durable/types.js';
import { authorize } from './auth.js';
import { errorResponse, jsonResponse, type HostRequest, type HostResponse, type HostRoute } from './types.js';

export interface HostAdminOptions {
  clock: Clock;
  engine: DurableEngine;
  masterKey?: string;
}

interface ClockCommand {
  advanceMs?: number;
  advanceTo?: string;
  autoAdvance?: boolean;
}

function describeClock(clock: Clock): Record<string, unknown> {
  const base = { mode: clock.mode, now: new Date(clock.now()).toISOString() };
  if (!(clock instanceof VirtualClock)) return base;
  const next = clock.nextDue();
  return {
    ...base,
    autoAdvance: clock.autoAdvance,
    nextDue: next === undefined ? null : new Date(next).toISOString(),
  };
}

function parseCommand(body: Buffer): ClockCommand | string {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8') || '{}');
  } catch {
    return 'body is not valid JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'body must be a JSON object';
  const c = value as Record<string, unknown>;
  const unknownKeys = Object.keys(c).filter((k) => !['advanceMs', 'advanceTo', 'autoAdvance'].includes(k));
  if (unknownKeys.length > 0) return `unknown field(s): ${unknownKeys.join(', ')}`;
  if (c.advanceMs !== undefined && (typeof c.advanceMs !== 'number' || !(c.advanceMs >= 0)))
    return 'advanceMs must be a number >= 0';
  if (
    c.advanceTo !== undefined &&
    (typeof c.advanceTo !== 'string' || Number.isNaN(Date.parse(c.advanceTo)))
  ) {
    return 'advanceTo must be an ISO date';
  }
  if (c.autoAdvance !== undefined && typeof c.autoAdvance !== 'boolean')
    return 'autoAdvance must be a boolean';
  return c as ClockCommand;
}

function applyClock(clock: Clock, request: HostRequest): HostResponse {
  if (request.method === 'GET') return jsonResponse(200, describeClock(clock));
  if (request.method !== 'POST')
    return {
      ...errorResponse(405, 'method-not-allowed', 'Use GET or POST.'),
      headers: { allow: 'GET, POST' },
    };
  if (!(clock instanceof VirtualClock)) {
    return errorResponse(
      409,
      'clock-not-virtual',
      `The ${clock.mode} clock cannot be moved; start the host with --clock virtual.`,
    );
  }
  const command = parseCommand(request.body);
  if (typeof command === 'string') return errorResponse(400, 'invalid-clock-command', command);
  if (command.advanceTo !== undefined) {
    const to = Date.parse(command.advanceTo);
    if (to < clock.now()) return errorResponse(400, 'invalid-clock-command', 'advanceTo is in the past');
    clock.advanceTo(to);
  }
  if (command.advanceMs !== undefined) clock.advance(command.advanceMs);
  if (command.autoAdvance !== undefined) clock.autoAdvance = command.autoAdvance;
  return jsonResponse(200, describeClock(clock));
}

/**
 * `/admin/host/clock` (read or move the virtual clock: lets tests and demos drive a host in another
 * process) and `/admin/host/idle` (whether the Durable engine has nothing in flight).
 */
export function createHostAdminRoute(options: HostAdminOptions): HostRoute {
  const keys = options.masterKey === undefined ? undefined : { master: options.masterKey };
  return async (request) => {
    const path = request.url.pathname.replace(/\/+$/, '').toLowerCase();
    if (path !== '/admin/host/clock' && path !== '/admin/host/idle') return undefined;
    const denied = authorize(keys, { level: 'admin' }, request);
    if (denied) return denied;
    if (path === '/admin/host/clock') return applyClock(options.clock, request);
    if (request.method !== 'GET')
      return { ...errorResponse(405, 'method-not-allowed', 'Use GET.'), headers: { allow: 'GET' } };
    return jsonResponse(200, { idle: options.engine.isIdle() });
  };
}
