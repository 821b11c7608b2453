import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryActionFromEvent } from '../../shared/app/registry-events.js';
import { FileConfigSource } from '../../shared/adapters/config-file.js';
import type { PipelinePlan } from '../../shared/contracts/plan.js';
import { defaultRevision, MEDIA } from '../../sandbox/registry-store.js';
import { startRegistry } from './registry-harness.js';

const config = FileConfigSource.load('config/gantry.example.yaml');
const plans = config.services().map((s) => config.plan(s) as PipelinePlan);
let sandbox: Awaited<ReturnType<typeof startRegistry>>;

beforeAll(async () => {
  sandbox = await startRegistry({ plans });
});
afterAll(() => sandbox.close());

const get = (path: string, init?: RequestInit) => fetch(`${sandbox.registry.url}${path}`, init);
const push = (ref: string, body?: unknown) =>
  fetch(`${sandbox.control.url}/sandbox/registry/${ref}`, {
    method: 'PUT',
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
const sha256 = (data: ArrayBuffer) =>
  `sha256:${createHash('sha256').update(Buffer.from(data)).digest('hex')}`;

describe('the sandbox registry: OCI distribution API', () => {
  it('answers /v2/ anonymously, serves manifests by tag and digest with their digest, and blobs', async () => {
    const pushed = (await (await push('api-gateway:1.0.0', { deliver: false })).json()) as { digest: string };
    const v2 = await get('/v2/');
    expect(v2.status).toBe(200);
    expect(v2.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
    const byTag = await get('/v2/api-gateway/manifests/1.0.0');
    expect(byTag.headers.get('content-type')).toBe(MEDIA.manifest);
    const body = await byTag.arrayBuffer();
    expect(byTag.headers.get('docker-content-digest')).toBe(pushed.digest);
    expect(sha256(body)).toBe(pushed.digest);
    const head = await get(`/v2/api-gateway/manifests/${encodeURIComponent(pushed.digest)}`, {
      method: 'HEAD',
    });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(body.byteLength));
    const manifest = JSON.parse(Buffer.from(body).toString('utf8')) as { config: { digest: string } };
    const blob = await get(`/v2/api-gateway/blobs/${manifest.config.digest}`);
    const config = JSON.parse(Buffer.from(await blob.arrayBuffer()).toString('utf8')) as {
      config: { Labels: Record<string, string> };
    };
    expect(config.config.Labels).toEqual({
      'org.opencontainers.image.revision': defaultRevision('api-gateway', '1.0.0'),
      'org.opencontainers.image.source': 'https://github.com/hearloveen/platform',
      'org.opencontainers.image.version': '1.0.0',
    });
  });

  it('lists tags (the seeded ones too: the sandbox does not seed here) and answers referrers as an index', async () => {
    await push('audio-service:2.0.0', { deliver: false });
    expect(await (await get('/v2/audio-service/tags/list')).json()).toEqual({
      name: 'audio-service',
      tags: ['2.0.0'],
    });
    const referrers = await get(`/v2/audio-service/referrers/sha256:${'a'.repeat(64)}`);
    expect(referrers.headers.get('content-type')).toBe(MEDIA.index);
    expect(await referrers.json()).toEqual({ schemaVersion: 2, mediaType: MEDIA.index, manifests: [] });
  });

  it.each([
    ['/v2/nothing/manifests/1.0', 404, 'MANIFEST_UNKNOWN'],
    [`/v2/api-gateway/blobs/sha256:${'0'.repeat(64)}`, 404, 'BLOB_UNKNOWN'],
    ['/v2/nothing/tags/list', 404, 'NAME_UNKNOWN'],
    ['/v2/Bad_Name/manifests/x', 404, 'NAME_UNKNOWN'],
  ])('%s: %i %s in the distribution error shape', async (path, status, code) => {
    const res = await get(path);
    expect(res.status).toBe(status);
    expect(((await res.json()) as { errors: Array<{ code: string }> }).errors[0]?.code).toBe(code);
  });

  it('is read-only over /v2/', async () => {
    expect((await get('/v2/api-gateway/manifests/1.0.0', { method: 'PUT', body: '{}' })).status).toBe(405);
  });
});

describe('PUT /sandbox/registry/<repository>:<tag>', () => {
  it('pushes a multi-arch image and delivers ACR ImagePushed events: each platform manifest, then the tagged index', async () => {
    sandbox.deliveries.length = 0;
    const res = await push('api-gateway:1.5.0', {
      revision: 'acb5820ced9479c074f688cc328bf03f341a511d',
      platforms: ['linux/amd64', 'linux/arm64'],
    });
    expect(res.status).toBe(201);
    const answer = (await res.json()) as Record<string, unknown>;
    expect(answer).toMatchObject({
      mediaType: MEDIA.index,
      service: 'ApiGateway',
      delivered: true,
      events: 3,
      revision: 'acb5820ced9479c074f688cc328bf03f341a511d',
    });
    expect(answer.deploymentId).toBe(`apigateway-${(answer.digest as string).slice(7, 19)}`);
    expect(sandbox.deliveries.map((d) => d.length)).toEqual([1, 1, 1]);
    const events = sandbox.deliveries.map((d) => d[0]);
    const actions = events.map((e) => registryActionFromEvent(e));
    expect(actions.map((a) => a.kind)).toEqual(['ignored', 'ignored', 'pushed']);
    expect(actions[2]).toEqual({
      kind: 'pushed',
      registry: 'hearloveen.azurecr.io',
      repository: 'api-gateway',
      tag: '1.5.0',
      digest: answer.digest,
      pushedBy: 'sandbox-build',
    });
    expect(events[0]).toMatchObject({
      eventType: 'Microsoft.ContainerRegistry.ImagePushed',
      topic: expect.stringMatching(/\/providers\/Microsoft\.ContainerRegistry\/registries\/hearloveen$/),
      data: { action: 'push', target: { mediaType: MEDIA.manifest, repository: 'api-gateway' } },
    });
  });

  it('stores no revision for a noRevision fault, and delivers nothing with deliver:false', async () => {
    sandbox.deliveries.length = 0;
    sandbox.world.faults.set('9.9.9', { noRevision: true });
    const answer = (await (await push('api-gateway:9.9.9', { deliver: false })).json()) as Record<
      string,
      unknown
    >;
    expect(answer).toMatchObject({ delivered: false });
    expect(answer.revision).toBeUndefined();
    expect(sandbox.deliveries).toEqual([]);
  });

  it('knows pushed revisions as commits and fails their checks under ciFailure', () => {
    const rev = defaultRevision('api-gateway', '1.0.0');
    expect(sandbox.world.commits.has(rev)).toBe(true);
    expect(sandbox.world.ciFails(rev)).toBe(false);
    sandbox.world.faults.set('1.0.0', { ciFailure: true });
    expect(sandbox.world.ciFails(rev)).toBe(true);
    expect(sandbox.world.ciFails(rev.slice(0, 7))).toBe(true);
    sandbox.world.faults.delete('1.0.0');
    sandbox.world.faults.set(rev, { ciFailure: true });
    expect(sandbox.world.ciFails(rev)).toBe(true);
  });

  it.each([
    ['api-gateway', undefined, 'invalid-image'],
    ['Api:1', undefined, 'invalid-image'],
    ['api-gateway:1.0', 'not json', 'invalid-push'],
    ['api-gateway:1.0', { revision: 'main' }, 'invalid-push'],
    ['api-gateway:1.0', { platforms: ['windows amd64'] }, 'invalid-push'],
    ['api-gateway:1.0', { deliver: 'yes' }, 'invalid-push'],
    ['api-gateway:1.0', { tag: 'x' }, 'invalid-push'],
  ])('refuses %s %j with 400 %s and stores nothing', async (ref, body, code) => {
    const res = await fetch(`${sandbox.control.url}/sandbox/registry/${ref}`, {
      method: 'PUT',
      ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
  });

  it('reports a delivery Gantry refused as 502', async () => {
    const failing = await startRegistry({ plans, deliverStatus: 500 });
    try {
      const res = await fetch(`${failing.control.url}/sandbox/registry/api-gateway:1.0.0`, { method: 'PUT' });
      expect(res.status).toBe(502);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('delivery-failed');
    } finally {
      await failing.close();
    }
  });
});
