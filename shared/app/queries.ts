import type { DeploymentRecord, DeploymentState, ReleaseRecord } from '../domain/deployment.js';
import { TERMINAL_STATES } from '../domain/deployment.js';
import { DEPLOYMENT_STATES } from '../domain/state-machine.js';
import type { Ports } from '../ports/index.js';
import { serviceRings, type ServiceRing } from './service-rings.js';
import { RunStoreError, type Page } from '../ports/run-store.js';
import { AppError } from './errors.js';

/** Raw query-string values; every one is validated here so the HTTP layer stays thin. */
export interface DeploymentListParams {
  service?: string | null;
  status?: string | null;
  since?: string | null;
  pageSize?: string | null;
  continuationToken?: string | null;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const SERVICE = /^[A-Za-z][A-Za-z0-9-]{0,62}$/;

const badParameter = (parameter: string, message: string): AppError =>
  new AppError(400, 'invalid-parameter', message, { parameter });

export function knownService(ports: Ports, name: string, parameter?: string): string {
  if (!SERVICE.test(name)) {
    if (parameter) throw badParameter(parameter, `'${parameter}' is not a service name.`);
    throw new AppError(404, 'unknown-service', `Service '${name.slice(0, 63)}' is not configured.`);
  }
  // Services are configured with their display casing; accept any casing but answer with the configured one.
  const match = ports.config.services().find((s) => s.toLowerCase() === name.toLowerCase());
  if (match) return match;
  // As a filter it is a bad parameter (400); as the resource in the path it does not exist (404).
  if (parameter) throw badParameter(parameter, `'${parameter}': no configured service '${name}'.`);
  throw new AppError(404, 'unknown-service', `Service '${name}' is not configured.`);
}

function pageSizeFrom(raw: string | null | undefined): number {
  if (raw === undefined || raw === null) return 50;
  if (!/^\d{1,3}$/.test(raw) || Number(raw) < 1 || Number(raw) > 200)
    throw badParameter('pageSize', "'pageSize' must be an integer from 1 to 200.");
  return Number(raw);
}

/** One page of deployments, filtered; the continuation token is the store's, passed through opaquely. */
export async function listDeployments(
  ports: Ports,
  params: DeploymentListParams,
): Promise<Page<DeploymentRecord>> {
  const service = params.service ? knownService(ports, params.service, 'service') : undefined;
  const status = params.status ?? undefined;
  if (status !== undefined && !DEPLOYMENT_STATES.includes(status as DeploymentState))
    throw badParameter('status', `'status' must be one of ${DEPLOYMENT_STATES.join(', ')}.`);
  const since = params.since ?? undefined;
  if (since !== undefined && (!ISO.test(since) || Number.isNaN(Date.parse(since))))
    throw badParameter('since', "'since' must be an ISO 8601 time, e.g. 2026-01-05T10:00:00Z.");
  const token = params.continuationToken ?? undefined;
  if (token !== undefined && (token === '' || token.length > 4096))
    throw badParameter('continuationToken', "'continuationToken' is not valid for this query.");
  try {
    return await ports.store.listDeployments({
      service,
      state: status as DeploymentState | undefined,
      since: since === undefined ? undefined : new Date(since).toISOString(),
      pageSize: pageSizeFrom(params.pageSize),
      continuationToken: token,
    });
  } catch (error) {
    if (error instanceof RunStoreError && error.code === 'invalid-continuation-token')
      throw badParameter('continuationToken', "'continuationToken' is not valid for this query.");
    throw error;
  }
}

export interface ServiceSummary {
  name: string;
  production: ReleaseRecord | null;
  /** A deployment of the service is queued or in flight (its lane is busy). */
  active: boolean;
  activeDeploymentId: string | null;
  /** A release train (`production.rings`): which version runs in each ring now. */
  rings?: ServiceRing[];
}

/** The queue is the lane's source of truth: anything queued or running means the service is busy. */
export async function activeDeployment(ports: Ports, service: string): Promise<string | null> {
  const queue = await ports.store.listQueue(service, { pending: true });
  for (const item of queue.filter((q) => q.state === 'running' || q.state === 'queued')) {
    const d = await ports.store.getDeployment(service, item.deploymentId);
    if (!d || !TERMINAL_STATES.has(d.state)) return item.deploymentId;
  }
  return null;
}

export async function describeService(ports: Ports, service: string): Promise<ServiceSummary> {
  const [[production], activeId] = await Promise.all([
    ports.store.listReleases(service, 'production', 1),
    activeDeployment(ports, service),
  ]);
  const rings = await serviceRings(ports, service, production, activeId);
  return {
    name: service,
    production: production ?? null,
    active: activeId !== null,
    activeDeploymentId: activeId,
    ...(rings && { rings }),
  };
}

export async function listServices(ports: Ports): Promise<ServiceSummary[]> {
  return Promise.all(ports.config.services().map((s) => describeService(ports, s)));
}

/** Production releases of a service, newest first. */
export async function listReleases(
  ports: Ports,
  name: string,
  rawLimit: string | null | undefined,
): Promise<{ service: string; releases: ReleaseRecord[] }> {
  const service = knownService(ports, name);
  let limit = 20;
  if (rawLimit !== undefined && rawLimit !== null) {
    if (!/^\d{1,3}$/.test(rawLimit) || Number(rawLimit) < 1 || Number(rawLimit) > 200)
      throw badParameter('limit', "'limit' must be an integer from 1 to 200.");
    limit = Number(rawLimit);
  }
  return { service, releases: await ports.store.listReleases(service, 'production', limit) };
}
