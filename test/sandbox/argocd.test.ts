import { describe, expect, it } from 'vitest';
import { addApplication } from '../../sandbox/argocd.js';
import {
  call as send,
  DIGEST,
  deployedImage,
  tagPatch,
  TOKEN,
  useArgoCdSandbox,
  V1,
  type Body,
} from './argocd-harness.js';

const h = useArgoCdSandbox();
const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  send(h, method, path, body, headers);
const image = () => deployedImage(h);

describe('sandbox Argo CD: auth and errors', () => {
  it('answers 401 in grpc-gateway shape without a valid bearer token, and accepts the cookie', async () => {
    const missing = await call('GET', '/api/v1/applications/web', undefined, { authorization: '' });
    expect(missing).toEqual({
      status: 401,
      body: { error: 'no session information', code: 16, message: 'no session information' },
    });
    const wrong = await call('GET', '/api/v1/applications/web', undefined, { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.message).toMatch(/^invalid session/);
    const cookie = await call('GET', '/api/v1/applications/web', undefined, {
      authorization: '',
      cookie: `argocd.token=${TOKEN}`,
    });
    expect(cookie.status).toBe(200);
  });

  it('hides missing apps behind 403 unless a project is given (then 404)', async () => {
    expect(await call('GET', '/api/v1/applications/nope')).toEqual({
      status: 403,
      body: { error: 'permission denied', code: 7, message: 'permission denied' },
    });
    const notFound = await call('GET', '/api/v1/applications/nope?project=shop');
    expect(notFound).toEqual({
      status: 404,
      body: {
        error: 'applications.argoproj.io "nope" not found',
        code: 5,
        message: 'applications.argoproj.io "nope" not found',
      },
    });
    expect((await call('GET', '/api/v1/applications/web?project=other')).status).toBe(404);
    expect((await call('GET', '/api/v1/applications/web?project=shop')).status).toBe(200);
    expect((await call('POST', '/api/v1/applications/nope/sync', { project: 'shop' })).status).toBe(404);
  });

  it('answers unknown routes, methods and bodies with grpc errors', async () => {
    expect((await call('GET', '/api/v1/nothing')).status).toBe(404);
    expect((await call('PUT', '/api/v1/applications/web/sync', {})).body.code).toBe(12);
    // Create is served (test/sandbox/kube-apply.test.ts); an Application without a name is a 400.
    expect((await call('POST', '/api/v1/applications', {})).status).toBe(400);
    expect((await call('DELETE', '/api/v1/applications', {})).status).toBe(501);
    const bad = await call('POST', '/api/v1/applications/web/sync', '{not json');
    expect(bad).toMatchObject({ status: 400, body: { code: 3 } });
    expect((await call('POST', '/api/v1/applications/web/sync', '[1]')).status).toBe(400);
    expect((await call('GET', '/api/v1/applications/%E0%A4%A')).status).toBe(400);
  });
});

describe('sandbox Argo CD: reading applications', () => {
  it('serves an Application as Argo CD does, synced and healthy after seeding', async () => {
    const { status, body } = await call('GET', '/api/v1/applications/web?refresh=normal');
    expect(status).toBe(200);
    expect(body.metadata).toMatchObject({ name: 'web', namespace: 'argocd' });
    expect(body.spec.source.helm.parameters).toEqual([{ name: 'image.tag', value: 'v1', forceString: true }]);
    expect(body.spec.destination).toMatchObject({ namespace: 'prod' });
    expect(body.operation).toBeUndefined();
    expect(body.status).toMatchObject({
      sync: { status: 'Synced' },
      health: { status: 'Healthy' },
      sourceType: 'Helm',
      summary: { images: [V1] },
    });
    expect(body.status.sync.revision).toMatch(/^[0-9a-f]{40}$/);
    expect(body.status.history).toHaveLength(1);
    expect(body.status.history[0].id).toBe(0);
    expect(body.status.operationState).toBeUndefined();
  });

  it('lists applications filtered by project and label selector', async () => {
    const all = await call('GET', '/api/v1/applications');
    expect(all.body.items.map((a: Body) => a.metadata.name)).toEqual(['web', 'auto']);
    const shop = await call('GET', '/api/v1/applications?projects=shop');
    expect(shop.body.items.map((a: Body) => a.metadata.name)).toEqual(['web']);
    const prod = await call('GET', '/api/v1/applications?selector=env%3Dprod');
    expect(prod.body.items).toHaveLength(1);
    expect((await call('GET', '/api/v1/applications?selector=env')).body.items).toHaveLength(1);
  });

  it('creates the Deployment with the seed and keeps seeding idempotent', () => {
    expect(image()).toBe(V1);
    const again = addApplication(h.world, {
      name: 'web',
      namespace: 'prod',
      deployment: 'web',
      helmParameter: 'x',
      image: 'other.io/x:1',
    });
    expect(again.spec.project).toBe('shop');
    expect(() =>
      addApplication(h.world, { name: 'bad', namespace: 'a', deployment: 'b', image: V1 }),
    ).toThrow('exactly one');
  });
});

describe('sandbox Argo CD: PATCH', () => {
  it('applies a double-encoded merge patch, replacing arrays wholesale', async () => {
    const { status, body } = await call('PATCH', '/api/v1/applications/web', {
      name: 'web',
      patchType: 'merge',
      patch: tagPatch('v2'),
    });
    expect(status).toBe(200);
    expect(body.spec.source.helm.parameters).toEqual([{ name: 'image.tag', value: 'v2' }]);
    expect(body.status.sync.status).toBe('OutOfSync');
    expect(body.operation).toBeUndefined(); // no auto-sync on this app
  });

  it('applies RFC 6902 patches for "json" and an empty patch type', async () => {
    const ops = [{ op: 'replace', path: '/spec/source/helm/parameters/0/value', value: 'v3' }];
    const { body } = await call('PATCH', '/api/v1/applications/web', { patch: JSON.stringify(ops) });
    expect(body.spec.source.helm.parameters[0].value).toBe('v3');
    const labels = [{ op: 'add', path: '/metadata/labels/team', value: 'a' }];
    const labelled = await call('PATCH', '/api/v1/applications/web', {
      patchType: 'json',
      patch: JSON.stringify(labels),
    });
    expect(labelled.body.metadata.labels).toEqual({ env: 'prod', team: 'a' });
  });

  it.each([
    [{ patchType: 'strategic', patch: '{}' }, "Patch type 'strategic' is not supported"],
    [{ patchType: 'merge', patch: { spec: {} } }, 'double-encoded'],
    [{ patchType: 'merge', patch: '{oops' }, 'error unmarshaling patch'],
    [{ patchType: 'json', patch: '[{"op":"remove","path":"/nope"}]' }, 'does not exist'],
    [{ patchType: 'merge', patch: '{"spec":{"source":null}}' }, 'spec.source.repoURL is required'],
    [
      { patchType: 'merge', patch: '{"spec":{"destination":null}}' },
      'spec.destination.namespace is required',
    ],
    [{ patchType: 'merge', patch: '{"spec":null}' }, 'spec is required'],
    [
      { patchType: 'merge', patch: '{"spec":{"source":{"helm":{"parameters":[{"name":"a"}]}}}}' },
      'string name and value',
    ],
    [{ patchType: 'merge', patch: '{"spec":{"source":{"kustomize":{"images":[1]}}}}' }, 'must be strings'],
  ])('refuses %j with 400', async (request, message) => {
    const { status, body } = await call('PATCH', '/api/v1/applications/web', request);
    expect(status).toBe(400);
    expect(body.code).toBe(3);
    expect(body.message).toContain(message);
    expect(body.error).toBe(body.message);
  });

  it('starts a sync by itself when the app has auto-sync', async () => {
    const patch = JSON.stringify({
      spec: { source: { kustomize: { images: [`reg.example.io/auto=reg.example.io/auto@${DIGEST}`] } } },
    });
    const { body } = await call('PATCH', '/api/v1/applications/auto', { patchType: 'merge', patch });
    expect(body.operation.initiatedBy).toEqual({ username: 'gantry', automated: true });
    h.clock.advance(5_000);
    expect(deployedImage(h, 'auto', 'stg')).toBe(`reg.example.io/auto@${DIGEST}`);
  });
});
