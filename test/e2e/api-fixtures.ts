import { beforeEach } from 'vitest';
import { TableRunStore } from '../../shared/adapters/table-store.js';
import type { DeploymentRecord, DeploymentState, ReleaseRecord } from '../../shared/domain/deployment.js';
import { deploymentIdFor } from '../../shared/domain/image-ref.js';
import { digest, principalHeaders, reader, type PipelineHarness } from './pipeline-harness.js';
import { e2e, usePipelineHost } from './pipeline-setup.js';

/** Shared by the API end-to-end tests: the app in the dev host, and the same tables opened directly to seed. */
const BASE = Date.UTC(2026, 0, 5, 8, 0, 0);
export const iso = (minutes: number) => new Date(BASE + minutes * 60_000).toISOString();
const SERVICES = ['ApiGateway', 'AudioService', 'UserService'];
const STATES: DeploymentState[] = ['Succeeded', 'Failed', 'Cancelled'];

export const api = {} as { h: PipelineHarness; store: TableRunStore };

/** The pipeline hosts' hooks (`usePipelineHost`), at 12:00 UTC, plus the host's tables opened to seed. */
export function useApiHost(): void {
  usePipelineHost(Date.UTC(2026, 0, 5, 12));
  beforeEach(async () => {
    api.h = e2e.h;
    // Seeding through the store is much faster than running 120 pipelines, and pages are what is tested.
    api.store = await TableRunStore.create({
      connectionString: e2e.storage,
      tablePrefix: process.env.GANTRY_TABLE_PREFIX ?? '',
    });
  });
}

function record(service: string, i: number, state: DeploymentState = 'Succeeded'): DeploymentRecord {
  const d = digest();
  const image = {
    registry: 'hearloveen.azurecr.io',
    repository: service.toLowerCase(),
    tag: `1.0.${i}`,
    digest: d,
  };
  return {
    id: deploymentIdFor(service, d),
    service,
    image,
    state,
    source: 'github',
    createdAt: iso(i),
    updatedAt: iso(i),
    weight: 0,
  };
}

/** 120 finished deployments: 40 per service, states cycling, one minute apart. */
export async function seedDeployments(): Promise<DeploymentRecord[]> {
  const records = Array.from({ length: 120 }, (_, i) =>
    record(SERVICES[i % 3] as string, i, STATES[Math.floor(i / 3) % 3]),
  );
  for (const r of records) await api.store.createDeployment(r);
  return records;
}

/** Three production releases of ApiGateway (r1 oldest), each with its deployment record. */
export async function seedReleases(service = 'ApiGateway', count = 3): Promise<ReleaseRecord[]> {
  const releases: ReleaseRecord[] = [];
  for (let i = 0; i < count; i++) {
    const d = record(service, 200 + i);
    await api.store.createDeployment(d);
    const release: ReleaseRecord = {
      service,
      environment: 'production',
      deploymentId: d.id,
      image: d.image,
      releasedAt: iso(210 + i),
    };
    await api.store.recordRelease(release);
    releases.push(release);
  }
  return releases;
}

export async function getJson<T>(path: string): Promise<{ status: number; body: T }> {
  const res = await api.h.host.request(path, { headers: principalHeaders(reader) });
  return { status: res.status, body: (await res.json()) as T };
}

export type Page = { items: DeploymentRecord[]; continuationToken: string | null };
export type ErrorBody = { error: { code: string; message: string; details: Record<string, unknown> } };
