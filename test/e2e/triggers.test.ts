import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAzurite, type AzuriteHandle } from '../../devhost/durable/azurite.js';
import { TableRunStore } from '../../shared/adapters/table-store.js';
import type { DeploymentRecord } from '../../shared/domain/deployment.js';
import { digest, PipelineHarness } from './pipeline-harness.js';

/** Monday 10:00 UTC, as in pipeline.test.ts. */
const MONDAY_10 = Date.UTC(2026, 0, 5, 10, 0, 0);
const GITHUB_SECRET = 'test-github-webhook-secret-0123';
const ACR_SECRET = 'test-acr-webhook-secret-0123456';
const TOPIC =
  '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/hearloveen';
const INDEX = 'application/vnd.oci.image.index.v1+json';
const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const EG_URL = '/runtime/webhooks/EventGrid?functionName=acrEventGrid';

let azurite: AzuriteHandle;
let h: PipelineHarness;
let store: TableRunStore;

beforeAll(async () => {
  azurite = await startAzurite({ location: undefined });
});
afterAll(async () => {
  await azurite?.stop();
});
beforeEach(async () => {
  process.env.GANTRY_GITHUB_WEBHOOK_SECRET = GITHUB_SECRET;
  process.env.GANTRY_ACR_WEBHOOK_SECRET = ACR_SECRET;
  h = await PipelineHarness.start({ storage: azurite.connectionString, startTime: MONDAY_10 });
  store = await TableRunStore.create({
    connectionString: azurite.connectionString,
    tablePrefix: process.env.GANTRY_TABLE_PREFIX ?? '',
  });
});
afterEach(async () => {
  await h?.close();
  delete process.env.GANTRY_GITHUB_WEBHOOK_SECRET;
  delete process.env.GANTRY_ACR_WEBHOOK_SECRET;
});

const idOf = (d: string) => `apigateway-${d.slice('sha256:'.length, 'sha256:'.length + 12)}`;

function pushData(d: string, target: Record<string, unknown> = {}, action = 'push') {
  return {
    id: randomUUID(),
    action,
    target: { mediaType: INDEX, repository: 'api-gateway', digest: d, tag: '1.4.0', ...target },
    request: { host: 'hearloveen.azurecr.io', method: action === 'push' ? 'PUT' : 'DELETE' },
    actor: { name: 'ci-bot' },
  };
}
const eventGrid = (type: string, data: unknown, id: string = randomUUID()) => ({
  id,
  topic: TOPIC,
  subject: 'api-gateway:1.4.0',
  eventType: `Microsoft.ContainerRegistry.${type}`,
  eventTime: '2026-01-05T09:59:00Z',
  data,
  dataVersion: '1.0',
  metadataVersion: '1',
});
const cloudEvent = (type: string, data: unknown) => ({
  specversion: '1.0',
  id: randomUUID(),
  source: TOPIC,
  subject: 'api-gateway:1.4.0',
  type: `Microsoft.ContainerRegistry.${type}`,
  time: '2026-01-05T09:59:00Z',
  data,
});

function deliver(body: unknown, type = 'application/json'): Promise<Response> {
  return h.host.request(EG_URL, {
    method: 'POST',
    headers: { 'content-type': type, 'aeg-event-type': 'Notification' },
    body: JSON.stringify(body),
  });
}

async function deployments(): Promise<DeploymentRecord[]> {
  return (await store.listDeployments({ service: 'ApiGateway' })).items;
}

function github(event: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return h.host.request('/api/webhooks/github', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': `sha256=${createHmac('sha256', GITHUB_SECRET).update(body).digest('hex')}`,
      'user-agent': 'GitHub-Hookshot/044aadd',
      ...headers,
    },
    body,
  });
}
const fixture = (name: string): string => readFileSync(`test/fixtures/github/${name}.json`, 'utf8');

describe('ACR through Event Grid (dev host /runtime/webhooks/EventGrid)', () => {
  it('answers the subscription validation handshake', async () => {
    const validation = await h.host.request(EG_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'aeg-event-type': 'SubscriptionValidation' },
      body: JSON.stringify([
        {
          id: randomUUID(),
          topic: TOPIC,
          subject: '',
          eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent',
          eventTime: '2026-01-05T09:00:00Z',
          data: {
            validationCode: '512d38b6-c7b8-40c8-89fe-f46f9e9622b6',
            validationUrl: 'https://x/validate',
          },
          dataVersion: '1',
          metadataVersion: '1',
        },
      ]),
    });
    expect(validation.status).toBe(200);
    expect(await validation.json()).toEqual({ validationResponse: '512d38b6-c7b8-40c8-89fe-f46f9e9622b6' });
    expect(await deployments()).toEqual([]);
  });

  it('queues one deployment per tagged digest from a CloudEvents batch', async () => {
    const [a, b] = [digest(), digest()];
    const res = await deliver([
      cloudEvent('ImagePushed', pushData(a)),
      cloudEvent('ImagePushed', pushData(b)),
    ]);
    expect(res.status).toBe(202);
    const ids = (await deployments()).map((d) => d.id).sort();
    expect(ids).toEqual([idOf(a), idOf(b)].sort());
    expect((await h.view(idOf(a))).deployment).toMatchObject({ source: 'event-grid', pushedBy: 'ci-bot' });
  });

  it('turns a multi-arch push (index + platform manifests) into one deployment', async () => {
    const index = digest();
    const res = await deliver([
      eventGrid('ImagePushed', pushData(index)),
      eventGrid('ImagePushed', pushData(digest(), { mediaType: MANIFEST, tag: undefined })),
      eventGrid('ImagePushed', pushData(digest(), { mediaType: MANIFEST, tag: '' })),
    ]);
    expect(res.status).toBe(202);
    expect((await deployments()).map((d) => d.id)).toEqual([idOf(index)]);
    expect((await h.view(idOf(index))).deployment.image.tag).toBe('1.4.0');
  });

  it('ignores unknown repositories and other event types without failing the delivery', async () => {
    const res = await deliver([
      eventGrid('ImagePushed', pushData(digest(), { repository: 'not-configured' })),
      eventGrid('ChartPushed', pushData(digest())),
      { hello: 'not an event' },
    ]);
    expect(res.status).toBe(202);
    expect(await deployments()).toEqual([]);
  });

  it('makes 50 concurrent duplicate pushes one deployment', async () => {
    const d = digest();
    const event = eventGrid('ImagePushed', pushData(d));
    const results = await Promise.all(Array.from({ length: 50 }, () => deliver([event])));
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(202));
    expect((await deployments()).map((x) => x.id)).toEqual([idOf(d)]);
    expect((await store.listEvents(idOf(d))).filter((e) => e.title === '->Queued')).toHaveLength(1);
    expect((await store.listQueue('ApiGateway')).map((q) => q.digest)).toEqual([d]);
  });

  it("refuses an event over Event Grid's 1 MiB limit and a padded target, starting nothing", async () => {
    const [big, padded, ok] = [digest(), digest(), digest()];
    const mib2 = 'x'.repeat(2 * 1024 * 1024);
    // One 2 MiB event, padding inside `target`, in each schema.
    expect((await deliver([eventGrid('ImagePushed', pushData(big, { padding: mib2 }))])).status).toBe(202);
    const single = cloudEvent('ImagePushed', pushData(big, { padding: mib2 }));
    expect((await deliver(single, 'application/cloudevents+json; charset=utf-8')).status).toBe(202);
    // A batch: a target padded past its bound is refused; its neighbour, with ACR's other fields, deploys.
    const res = await deliver([
      eventGrid('ImagePushed', pushData(padded, { padding: 'x'.repeat(10_000) })),
      eventGrid('ImagePushed', pushData(ok, { size: 3023, length: 3023 })),
    ]);
    expect(res.status).toBe(202);
    expect((await deployments()).map((d) => d.id)).toEqual([idOf(ok)]);
    expect((await store.listQueue('ApiGateway')).map((q) => q.digest)).toEqual([ok]);
  });

  it('cancels a queued deployment whose image is deleted', async () => {
    const [running, queued] = [digest(), digest()];
    expect((await deliver([eventGrid('ImagePushed', pushData(running))])).status).toBe(202);
    await h.waitForPhase(idOf(running), 'tests', 'test workflows');
    expect((await deliver([eventGrid('ImagePushed', pushData(queued, { tag: '1.4.1' }))])).status).toBe(202);
    const deleted = pushData(queued, { tag: undefined, mediaType: INDEX }, 'delete');
    expect((await deliver([eventGrid('ImageDeleted', deleted)])).status).toBe(202);
    expect((await h.view(idOf(queued))).deployment).toMatchObject({
      state: 'Cancelled',
      reason: 'image deleted',
    });
    expect((await store.listQueue('ApiGateway')).find((q) => q.digest === queued)?.state).toBe('removed');
    // Deleting the running image's digest does not touch the run.
    expect((await deliver([eventGrid('ImageDeleted', pushData(running, {}, 'delete'))])).status).toBe(202);
    expect((await h.view(idOf(running))).deployment.state).toBe('Testing');
  });
});

describe('ACR native webhook', () => {
  const post = (body: string, headers: Record<string, string>) =>
    h.host.request('/api/webhooks/acr', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });

  it('queues a push sent with the shared secret and refuses everything else', async () => {
    const d = digest();
    const body = JSON.stringify(pushData(d));
    expect((await post(body, {})).status).toBe(401);
    expect((await post(body, { 'x-acr-key': 'wrong' })).status).toBe(401);
    const key = { 'x-acr-key': ACR_SECRET };
    expect((await post('{not json', key)).status).toBe(400);
    expect((await post(JSON.stringify({ target: 'x' }), key)).status).toBe(400);
    expect((await post(body, { ...key, 'content-type': 'text/plain' })).status).toBe(415);
    expect((await post(`{"pad":"${'x'.repeat(70_000)}"}`, key)).status).toBe(413);
    const padded = await post(JSON.stringify(pushData(digest(), { padding: 'x'.repeat(10_000) })), key);
    expect(padded.status).toBe(200);
    expect(await padded.json()).toMatchObject({
      outcome: 'ignored',
      note: expect.stringContaining('target'),
    });
    expect(await deployments()).toEqual([]);
    const ok = await post(body, key);
    expect(ok.status).toBe(202);
    expect((await post(body, key)).status).toBe(200);
    expect((await post(JSON.stringify({ action: 'ping' }), key)).status).toBe(200);
    expect((await deployments()).map((x) => ({ id: x.id, source: x.source }))).toEqual([
      { id: idOf(d), source: 'acr-webhook' },
    ]);
  });
});

describe('GitHub webhook', () => {
  it('checks the signature over the raw body before anything else', async () => {
    const ping = fixture('ping');
    expect((await github('ping', ping)).status).toBe(200);
    expect((await github('ping', ping, { 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` })).status).toBe(
      401,
    );
    const unsigned = await h.host.request('/api/webhooks/github', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'ping', 'x-github-delivery': 'd-1' },
      body: ping,
    });
    expect(unsigned.status).toBe(401);
    // Re-serialising the parsed JSON changes the bytes: the signature no longer matches.
    const resigned = JSON.stringify(JSON.parse(ping));
    const sig = createHmac('sha256', GITHUB_SECRET).update(ping).digest('hex');
    expect((await github('ping', resigned, { 'x-hub-signature-256': `sha256=${sig}` })).status).toBe(401);
    expect((await github('ping', '{bad json')).status).toBe(400);
    expect((await github('ping', ping, { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(
      415,
    );
    expect((await github('workflow_run', '{"action":"completed"}')).status).toBe(400);
    const big = JSON.stringify({ zen: 'x'.repeat(1024 * 1024) });
    expect((await github('ping', big)).status).toBe(413);
    // None of the refused deliveries was recorded: its id is still new.
    const refused = randomUUID();
    expect((await github('workflow_run', '{"action":1}', { 'x-github-delivery': refused })).status).toBe(400);
    expect(await store.recordDelivery('github', refused)).toBe(true);
  });

  it('completes the test stage from workflow_run webhooks; a replayed delivery is acknowledged once', async () => {
    const d = digest();
    expect((await deliver([eventGrid('ImagePushed', pushData(d))])).status).toBe(202);
    const id = idOf(d);
    await h.waitForPhase(id, 'tests', 'test workflows');
    const base = JSON.parse(fixture('workflow_run.completed')) as { workflow_run: Record<string, unknown> };
    const runOf = (file: string) =>
      JSON.stringify({
        ...base,
        workflow_run: { ...base.workflow_run, name: `Gantry ${id}`, path: `.github/workflows/${file}` },
      });
    const first = randomUUID();
    const integration = await github('workflow_run', runOf('integration.yml'), {
      'x-github-delivery': first,
    });
    expect(await integration.json()).toMatchObject({ outcome: 'reported' });
    const replay = await github('workflow_run', runOf('integration.yml'), { 'x-github-delivery': first });
    expect(replay.status).toBe(200);
    expect(await replay.json()).toMatchObject({ outcome: 'duplicate' });
    for (const file of ['e2e.yml', 'performance.yml', 'security.yml'])
      expect((await github('workflow_run', runOf(file))).status).toBe(200);
    await h.waitForPhase(id, 'approval', 'approval');
    const view = await h.view(id);
    expect(view.timeline.filter((e) => e.title.startsWith('test:')).map((e) => e.title)).toEqual([
      'test:integration',
      'test:e2e',
      'test:performance',
      'test:security',
    ]);
    const late = await github('workflow_run', runOf('integration.yml'));
    expect(await late.json()).toMatchObject({ outcome: 'ignored' });
    const unknown = await github('workflow_run', runOf('nightly.yml').replace(id, 'other-0123456789ab'));
    expect(await unknown.json()).toMatchObject({
      outcome: 'ignored',
      note: expect.stringContaining('no deployment'),
    });
  });

  it('acknowledges container packages of repositories no service deploys', async () => {
    const res = await github('registry_package', fixture('registry_package.published'));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ outcome: 'ignored' });
    expect(await deployments()).toEqual([]);
  });
});
