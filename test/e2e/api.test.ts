import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../shared/app/openapi.js';
import type { DeploymentRecord, ReleaseRecord } from '../../shared/domain/deployment.js';
import {
  api,
  getJson,
  iso,
  seedDeployments,
  seedReleases,
  useApiHost,
  type ErrorBody,
  type Page,
} from './api-fixtures.js';
import { openApiStats } from './openapi-check.js';
import { digest } from './pipeline-harness.js';

useApiHost();

async function pageAll(query: string, pageSize: number): Promise<DeploymentRecord[]> {
  const all: DeploymentRecord[] = [];
  let token: string | null = null;
  do {
    const t: string = token ? `&continuationToken=${encodeURIComponent(token)}` : '';
    const { status, body } = await getJson<Page>(`/api/deployments?pageSize=${pageSize}${query}${t}`);
    expect(status).toBe(200);
    expect(body.items.length).toBeLessThanOrEqual(pageSize);
    all.push(...body.items);
    token = body.continuationToken;
  } while (token);
  return all;
}

describe('GET /api/deployments', () => {
  it('pages through 120 deployments without duplicates or gaps', async () => {
    const seeded = await seedDeployments();
    const all = await pageAll('', 7);
    expect(all).toHaveLength(120);
    expect(new Set(all.map((d) => d.id))).toEqual(new Set(seeded.map((d) => d.id)));
    const first = await getJson<Page>('/api/deployments');
    expect(first.body.items).toHaveLength(50);
    expect(first.body.continuationToken).toEqual(expect.any(String));
    const big = await getJson<Page>('/api/deployments?pageSize=200');
    expect(big.body.items).toHaveLength(120);
    expect(big.body.continuationToken).toBeNull();
  });

  it('filters by service (any casing), status, since, and all three together', async () => {
    const seeded = await seedDeployments();
    const audio = await pageAll('&service=audioservice', 15);
    expect(audio.map((d) => d.id).sort()).toEqual(
      seeded
        .filter((d) => d.service === 'AudioService')
        .map((d) => d.id)
        .sort(),
    );
    const failed = await pageAll('&status=Failed', 25);
    expect(failed).toHaveLength(seeded.filter((d) => d.state === 'Failed').length);
    expect(failed.every((d) => d.state === 'Failed')).toBe(true);
    const since = iso(100);
    const recent = await pageAll(`&since=${encodeURIComponent(since)}`, 9);
    expect(recent.map((d) => d.id).sort()).toEqual(
      seeded
        .filter((d) => d.createdAt >= since)
        .map((d) => d.id)
        .sort(),
    );
    const combined = await pageAll(
      `&service=UserService&status=Cancelled&since=${encodeURIComponent(iso(60))}`,
      4,
    );
    const expected = seeded.filter(
      (d) => d.service === 'UserService' && d.state === 'Cancelled' && d.createdAt >= iso(60),
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(combined.map((d) => d.id).sort()).toEqual(expected.map((d) => d.id).sort());
  });

  it.each([
    ['pageSize=0', 'pageSize'],
    ['pageSize=201', 'pageSize'],
    ['pageSize=ten', 'pageSize'],
    ['pageSize=1.5', 'pageSize'],
    ['status=Running', 'status'],
    ['status=succeeded', 'status'],
    ['since=yesterday', 'since'],
    ['since=2026-13-45T00:00:00Z', 'since'],
    ['service=NoSuchService', 'service'],
    ['service=bad%2Fname', 'service'],
    ['continuationToken=not-a-token', 'continuationToken'],
    ['continuationToken=', 'continuationToken'],
  ])('rejects %s with 400 naming the parameter', async (query, parameter) => {
    const { status, body } = await getJson<ErrorBody>(`/api/deployments?${query}`);
    expect(status).toBe(400);
    expect(body.error.code).toBe('invalid-parameter');
    expect(body.error.details.parameter).toBe(parameter);
  });

  it('rejects a token used with different filters', async () => {
    await seedDeployments();
    const first = await getJson<Page>('/api/deployments?pageSize=5&service=ApiGateway');
    const token = encodeURIComponent(first.body.continuationToken ?? '');
    const { status, body } = await getJson<ErrorBody>(
      `/api/deployments?pageSize=5&service=UserService&continuationToken=${token}`,
    );
    expect(status).toBe(400);
    expect(body.error.details.parameter).toBe('continuationToken');
  });
});

type Services = {
  services: Array<{
    name: string;
    production: ReleaseRecord | null;
    active: boolean;
    activeDeploymentId: string | null;
  }>;
};

describe('services and releases', () => {
  it('lists every configured service with its production release and whether a run is active', async () => {
    const releases = await seedReleases();
    const running = await api.h.submit(
      'AudioService',
      `hearloveen.azurecr.io/audio-service:2.0.0@${digest()}`,
    );
    const { status, body } = await getJson<Services>('/api/services');
    expect(status).toBe(200);
    expect(body.services.map((s) => s.name)).toEqual([
      'ApiGateway',
      'AudioService',
      'AnalysisService',
      'UserService',
      'NotificationService',
      'IoTService',
    ]);
    const gateway = body.services.find((s) => s.name === 'ApiGateway');
    expect(gateway?.production?.deploymentId).toBe(releases[2]?.deploymentId);
    expect(gateway?.active).toBe(false);
    const audio = body.services.find((s) => s.name === 'AudioService');
    expect(audio).toMatchObject({ production: null, active: true, activeDeploymentId: running.id });
  });

  it('lists production releases newest first, with a limit', async () => {
    const releases = await seedReleases();
    const all = await getJson<{ service: string; releases: ReleaseRecord[] }>(
      '/api/services/apigateway/releases',
    );
    expect(all.status).toBe(200);
    expect(all.body.service).toBe('ApiGateway');
    expect(all.body.releases.map((r) => r.deploymentId)).toEqual(
      releases.map((r) => r.deploymentId).reverse(),
    );
    const two = await getJson<{ releases: ReleaseRecord[] }>('/api/services/ApiGateway/releases?limit=2');
    expect(two.body.releases).toHaveLength(2);
    for (const bad of ['0', '201', 'x']) {
      const res = await getJson<ErrorBody>(`/api/services/ApiGateway/releases?limit=${bad}`);
      expect([res.status, res.body.error.details.parameter]).toEqual([400, 'limit']);
    }
    const unknown = await getJson<ErrorBody>('/api/services/Nope/releases');
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'unknown-service']);
  });
});

describe('GET /api/openapi.json', () => {
  it('serves the OpenAPI 3.1 document', async () => {
    const { status, body } = await getJson<Record<string, unknown>>('/api/openapi.json');
    expect(status).toBe(200);
    expect(body).toEqual(JSON.parse(JSON.stringify(openApiDocument)));
    expect(body.openapi).toBe('3.1.0');
  });

  it('documents every HTTP and Event Grid function the app registers', async () => {
    const res = await api.h.host.request('/admin/functions');
    const { functions } = (await res.json()) as {
      functions: Array<{ name: string; trigger: string; route?: string; methods?: string[] }>;
    };
    const paths = openApiDocument.paths as Record<string, Record<string, { parameters?: unknown[] }>>;
    const missing: string[] = [];
    for (const fn of functions) {
      if (fn.trigger === 'httpTrigger') {
        for (const method of fn.methods ?? []) {
          if (!paths[`/${fn.route}`]?.[method.toLowerCase()]) missing.push(`${method} /${fn.route}`);
        }
      } else if (fn.trigger === 'eventGridTrigger') {
        if (!JSON.stringify(paths['/runtime/webhooks/EventGrid'] ?? {}).includes(`"${fn.name}"`))
          missing.push(fn.name);
      }
    }
    expect(missing).toEqual([]);
    expect(functions.map((f) => f.trigger)).toContain('eventGridTrigger');
    expect(functions.filter((f) => f.trigger === 'httpTrigger').length).toBeGreaterThanOrEqual(9);
  });

  it('checked every response of this suite against the document', () => {
    expect(openApiStats.checked).toBeGreaterThan(50);
  });
});
