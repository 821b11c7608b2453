/**
 * Rules both task-hub stores share, so that the memory store (benchmarks, unit tests) and the table store
 * (Azurite, real Azure) answer status and recovery queries identically.
 */
import { TERMINAL_STATUSES, type InstanceQuery, type InstanceState } from './types.js';

const ACTIVE_STATUSES: ReadonlySet<string> = new Set(['Running', 'Pending', 'Suspended']);

/**
 * What recovery must look at after a restart: live instances, plus finished sub-orchestrations whose
 * parent has not been told yet (otherwise the parent would wait forever).
 */
export function isUnfinished(instance: InstanceState): boolean {
  if (ACTIVE_STATUSES.has(instance.runtimeStatus)) return true;
  return (
    TERMINAL_STATUSES.has(instance.runtimeStatus) &&
    instance.parent !== undefined &&
    instance.parentNotified !== true
  );
}

/** Time bounds are inclusive, as in the Durable extension's Azure Storage provider. */
export function matchesQuery(instance: InstanceState, query: InstanceQuery): boolean {
  if (query.instanceIdPrefix && !instance.instanceId.startsWith(query.instanceIdPrefix)) return false;
  if (query.runtimeStatus?.length && !query.runtimeStatus.includes(instance.runtimeStatus)) return false;
  const created = Date.parse(instance.createdTime);
  if (query.createdTimeFrom !== undefined && created < parseTime(query.createdTimeFrom, 'createdTimeFrom')) {
    return false;
  }
  if (query.createdTimeTo !== undefined && created > parseTime(query.createdTimeTo, 'createdTimeTo')) {
    return false;
  }
  return true;
}

/** Epoch ms of an ISO time; a bad filter value is an error rather than a filter that matches nothing. */
export function parseTime(value: string, name: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new Error(`Invalid ${name}: "${value}" is not a date-time`);
  return ms;
}

/** `top` missing, zero or negative means "everything in one page". */
export function pageSize(query: InstanceQuery): number {
  return query.top !== undefined && query.top > 0 ? Math.floor(query.top) : Number.POSITIVE_INFINITY;
}

/**
 * Shallow copy: callers may replace fields of what they get back without touching the stored record.
 * `bookkeeping` and `failureDetails` stay shared; the engine never edits them in place (it
 * structuredClones the bookkeeping before an episode) and copying them on every commit would cost the
 * benchmarks for nothing.
 */
export function copyInstance(instance: InstanceState): InstanceState {
  const copy: InstanceState = { ...instance };
  if (instance.parent) copy.parent = { ...instance.parent };
  return copy;
}
