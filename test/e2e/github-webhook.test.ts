import { exampleWithoutRings } from '../fixtures/example-config.js';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAzurite, type AzuriteHandle } from '../../devhost/durable/azurite.js';
import { TableRunStore } from '../../shared/adapters/table-store.js';
import { PORTS_OVERRIDE } from '../../shared/composition.js';
import type { DeploymentRecord } from '../../shared/domain/deployment.js';
import type { Ports } from '../../shared/ports/index.js';
import { ada, PipelineHarness } from './pipeline-harness.js';

/**
 * The GitHub webhook end to end: signed deliveries in GitHub's real payload shape, to the compiled app in
 * the dev host, with ApiGateway built to ghcr.io (the example configuration, its image moved there).
 */
const MONDAY_10 = Date.UTC(2026, 0, 5, 10, 0, 0);
const SECRET = 'test-github-webhook-secret-0123';
const REAL = readFileSync('test/fixtures/github/registry_package.published.ghcr.json', 'utf8');
const DIGEST = 'sha256:9f2c1d0e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e';
const COMMIT = '4f1e0d9c8b7a69584736251403f2e1d0c9b8a796';
const ID = 'apigateway-9f2c1d0e8b7a';
const WORKFLOWS = ['integration', 'e2e', 'performance', 'security'];

const example = exampleWithoutRings();
const ghcrConfig = join(mkdtempSync(join(tmpdir(), 'gantry-ghcr-')), 'gantry.yaml');
writeFileSync(
  ghcrConfig,
  example.replace(
    'image: { registry: hearloveen.azurecr.io, repository: api-gateway }',
    'image: { registry: ghcr.io, repository: hearloveen/api-gateway }',
  ),
);

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
  process.env.GANTRY_GITHUB_WEBHOOK_SECRET = SECRET;
  h = await PipelineHarness.start({
    storage: azurite.connectionString,
    startTime: MONDAY_10,
    configPath: ghcrConfig,
  });
  store = await TableRunStore.create({
    connectionString: azurite.connectionString,
    tablePrefix: process.env.GANTRY_TABLE_PREFIX ?? '',
  });
});
afterEach(async () => {
  await h?.close();
  delete process.env.GANTRY_GITHUB_WEBHOOK_SECRET;
});

/** As GitHub sends it: `X-Hub-Signature-256` over the exact bytes, a delivery id, the event name. */
function deliver(event: string, body: string, delivery: string = randomUUID()): Promise<Response> {
  return h.host.request('/api/webhooks/github', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': delivery,
      'x-github-hook-id': '292430182',
      'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
      'user-agent': 'GitHub-Hookshot/044aadd',
    },
    body,
  });
}

type Ack = { outcome: string; note: string };
const ack = async (res: Response) => ({ status: res.status, ...((await res.json()) as Ack) });

/** The real payload as GitHub sends it for an untagged platform manifest of the same push. */
function platformManifest(): string {
  type Meta = { tag: { name: string; digest: string } };
  const body = JSON.parse(REAL) as {
    registry_package: { package_version: { container_metadata: Meta } };
  };
  body.registry_package.package_version.container_metadata.tag = {
    name: '',
    digest: `sha256:${'1'.repeat(64)}`,
  };
  return JSON.stringify(body);
}

async function completeTests(id: string): Promise<void> {
  await h.waitForPhase(id, 'tests', 'test workflows');
  for (const workflow of WORKFLOWS)
    await h.host.raiseEvent(`deploy:${id}:tests`, 'testResult', { workflow, conclusion: 'success' });
}

describe('GitHub registry_package webhook (real payload shape)', () => {
  it('deploys the published container with the commit the event carries, to Succeeded', async () => {
    h.world.commitTimes.set(`hearloveen/platform@${COMMIT}`, '2026-01-05T09:50:00.000Z');
    const first = await ack(await deliver('registry_package', REAL));
    expect(first).toMatchObject({ status: 202, outcome: 'submitted', note: `queued ${ID}` });
    const [record] = (await store.listDeployments({ service: 'ApiGateway' })).items;
    expect(record).toMatchObject<Partial<DeploymentRecord>>({
      id: ID,
      source: 'github',
      image: { registry: 'ghcr.io', repository: 'hearloveen/api-gateway', tag: '1.5.0', digest: DIGEST },
      commitSha: COMMIT,
      committedAt: '2026-01-05T09:50:00.000Z',
      pushedBy: 'github-actions[bot]',
    });
    // A multi-arch push also publishes each platform manifest, untagged: not a release.
    expect(await ack(await deliver('registry_package', platformManifest()))).toMatchObject({
      status: 200,
      outcome: 'ignored',
    });
    // The legacy `package` event for the same version is the same deployment.
    const legacy = REAL.replace('"registry_package":', '"package":');
    expect(await ack(await deliver('package', legacy))).toMatchObject({ status: 200, outcome: 'submitted' });

    await completeTests(ID);
    expect(h.world.gateCommits.get(`ci-status@${DIGEST}`)).toBe(COMMIT);
    await h.waitForPhase(ID, 'approval', 'approval');
    expect((await h.post(`/api/deployments/${ID}/approve`, { comment: 'ok' }, ada)).status).toBe(202);
    const done = await h.finish(ID);
    expect(done.deployment.state).toBe('Succeeded');
    expect((await store.listDeployments({})).items.map((d) => d.id)).toEqual([ID]);
  });

  it('acts on the redelivery of a delivery whose first attempt failed after it arrived', async () => {
    // The first attempt fails inside Gantry, after the delivery was read and before anything was queued.
    const override = (globalThis as Record<symbol, Partial<Ports>>)[PORTS_OVERRIDE] as Partial<Ports>;
    let failures = 1;
    override.store = new Proxy(store, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver) as unknown;
        if (name === 'createDeployment' && failures > 0) {
          return async () => {
            failures--;
            throw new Error('Table Storage unavailable (injected)');
          };
        }
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const delivery = randomUUID();
    const failed = await deliver('registry_package', REAL, delivery);
    expect(failed.status).toBe(500);
    expect(await store.listDeployments({})).toMatchObject({ items: [] });
    expect(await store.deliveryRecorded('github', delivery)).toBe(false);

    // GitHub's "Redeliver": same id, same bytes. It acts, then later replays are duplicates.
    expect(await ack(await deliver('registry_package', REAL, delivery))).toMatchObject({
      status: 202,
      outcome: 'submitted',
    });
    expect((await store.listDeployments({})).items.map((d) => [d.id, d.commitSha])).toEqual([[ID, COMMIT]]);
    expect(await ack(await deliver('registry_package', REAL, delivery))).toMatchObject({
      status: 200,
      outcome: 'duplicate',
    });
    await h.waitForPhase(ID, 'tests', 'test workflows');
  });
});

describe('GitHub workflow_run webhook', () => {
  it('answers a payload older than the path field with 200 and ignores it', async () => {
    expect((await deliver('registry_package', REAL)).status).toBe(202);
    await h.waitForPhase(ID, 'tests', 'test workflows');
    const run = JSON.parse(readFileSync('test/fixtures/github/workflow_run.completed.json', 'utf8')) as {
      workflow_run: Record<string, unknown>;
      workflow?: Record<string, unknown>;
    };
    run.workflow_run.name = `Gantry ${ID}`;
    delete run.workflow_run.path;
    delete run.workflow;
    const delivery = randomUUID();
    const old = await ack(await deliver('workflow_run', JSON.stringify(run), delivery));
    expect(old).toMatchObject({ status: 200, outcome: 'ignored', note: expect.stringContaining('path') });
    // Nothing reached the run: it still waits for all four workflows.
    expect((await h.view(ID)).timeline.filter((e) => e.title.startsWith('test:'))).toEqual([]);
    await h.waitForPhase(ID, 'tests', `test workflows: ${WORKFLOWS.join(', ')}`);
    expect(await store.deliveryRecorded('github', delivery)).toBe(true);
  });
});

describe('GitHub pull_request webhook', () => {
  const closed = (body: string, headRef = `gantry/api-gateway-prod-${'0'.repeat(12)}`) =>
    JSON.stringify({
      action: 'closed',
      number: 12,
      pull_request: {
        number: 12,
        state: 'closed',
        merged: true,
        merge_commit_sha: 'a'.repeat(40),
        body,
        head: { ref: headRef, sha: 'b'.repeat(40) },
        base: { ref: 'main', sha: 'c'.repeat(40) },
      },
      repository: { full_name: 'someone/elsewhere' },
      sender: { login: 'someone' },
    });

  it('ignores pull requests Gantry did not open or does not wait for, and refuses bad ones', async () => {
    const foreign = await ack(await deliver('pull_request', closed('Bump dependencies')));
    expect(foreign).toMatchObject({ status: 200, outcome: 'ignored' });
    // Names a deployment, but no target of its service writes through a pull request to that repository.
    const named = await ack(await deliver('pull_request', closed(`Gantry promotes x (deployment ${ID}).`)));
    expect(named).toMatchObject({ status: 200, outcome: 'ignored' });
    const malformed = await deliver('pull_request', JSON.stringify({ action: 'closed' }));
    expect(malformed.status).toBe(400);
    await malformed.body?.cancel();
  });
});
