/**
 * `GET /api/metrics/dora`: validates the period, reads only the runs that can count in it, and hands
 * them to the pure `computeDora` (shared/domain/dora.ts).
 *
 * What is read: deployments pushed from `DORA_LOOKBACK_DAYS` before `since` up to `until` (the store
 * filters on the push time), and timelines only of those that can have reached production inside the
 * period: not in a pre-production or superseded state, and updated at or after `since` (every moment a
 * metric is about, entering the canary or serving 100%, is followed by a record update).
 */
import type { DeploymentRecord, DeploymentState, TimelineEntry } from '../domain/deployment.js';
import { computeDora, type DoraMetrics } from '../domain/dora.js';
import { parseInstant } from '../domain/instant.js';
import type { Ports } from '../ports/index.js';
import type { RunStore } from '../ports/run-store.js';
import { AppError } from './errors.js';
import { knownService } from './queries.js';

/** Raw query-string values. */
export interface DoraParams {
  service?: string | null;
  since?: string | null;
  until?: string | null;
}

export type DoraReport = { service: string | null } & DoraMetrics;

const DAY_MS = 86_400_000;
/** The period when `since` is not given. */
export const DORA_DEFAULT_DAYS = 30;
/** Longer periods would read months of timelines in one request; page through them instead. */
export const DORA_MAX_DAYS = 90;
/** A run pushed longer than this before `since` is not looked at (gates to canary take hours, not weeks). */
export const DORA_LOOKBACK_DAYS = 30;
/** Timelines read at once: enough to hide round trips, few enough not to crowd the storage account. */
const TIMELINE_READS = 8;

const NEVER_IN_PRODUCTION: ReadonlySet<DeploymentState> = new Set([
  'Queued',
  'Gating',
  'Staging',
  'Testing',
  'AwaitingApproval',
  'Superseded',
]);

const badParameter = (parameter: string, message: string, details: Record<string, unknown> = {}) =>
  new AppError(400, 'invalid-parameter', message, { parameter, ...details });

const iso = (ms: number): string => new Date(ms).toISOString();

function instant(params: DoraParams, name: 'since' | 'until'): number | undefined {
  const raw = params[name];
  if (raw === undefined || raw === null) return undefined;
  const ms = parseInstant(raw);
  if (ms === undefined)
    throw badParameter(name, `'${name}' must be an ISO 8601 time with a zone, e.g. 2026-01-05T00:00:00Z.`);
  return ms;
}

/** `[since, until)` in epoch ms: `until` defaults to now, `since` to `DORA_DEFAULT_DAYS` before it. */
export function doraPeriod(params: DoraParams, now: number): { since: number; until: number } {
  const until = instant(params, 'until') ?? now;
  const since = instant(params, 'since') ?? until - DORA_DEFAULT_DAYS * DAY_MS;
  if (since >= until) throw badParameter('since', `'since' must be before 'until' (${iso(until)}).`);
  if (until - since > DORA_MAX_DAYS * DAY_MS)
    throw badParameter('since', `The period from 'since' to 'until' is longer than ${DORA_MAX_DAYS} days.`, {
      maxDays: DORA_MAX_DAYS,
    });
  return { since, until };
}

async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const mayCount = (d: DeploymentRecord, since: number, until: number): boolean =>
  !NEVER_IN_PRODUCTION.has(d.state) && Date.parse(d.createdAt) < until && Date.parse(d.updatedAt) >= since;

/** The records that can count in `[since, until)` and their timelines. */
export async function loadRuns(
  store: RunStore,
  service: string | undefined,
  since: number,
  until: number,
): Promise<{ records: DeploymentRecord[]; events: TimelineEntry[] }> {
  const records: DeploymentRecord[] = [];
  const from = iso(since - DORA_LOOKBACK_DAYS * DAY_MS);
  let token: string | undefined;
  do {
    const page = await store.listDeployments({
      service,
      since: from,
      pageSize: 200,
      continuationToken: token,
    });
    records.push(...page.items.filter((d) => mayCount(d, since, until)));
    token = page.continuationToken;
  } while (token !== undefined);
  const timelines = await mapLimited(records, TIMELINE_READS, (d) => store.listEvents(d.id));
  return { records, events: timelines.flat() };
}

/** DORA metrics of one service (or all) over the period the parameters name. */
export async function doraMetrics(ports: Ports, params: DoraParams): Promise<DoraReport> {
  const service =
    params.service === undefined || params.service === null
      ? undefined
      : knownService(ports, params.service, 'service');
  const { since, until } = doraPeriod(params, ports.clock.now());
  const { records, events } = await loadRuns(ports.store, service, since, until);
  return {
    service: service ?? null,
    ...computeDora(records, events, { since: iso(since), until: iso(until) }),
  };
}
