import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type AzuriteHandle } from '../../devhost/durable/azurite.js';
import { SANDBOX_REGISTRY } from '../../sandbox/index.js';
import { imagePushedEvent } from '../../sandbox/registry-push.js';
import { EXAMPLE_CONFIG, startSandboxRig, type SandboxRig } from './sandbox-rig.js';

/**
 * Where a deployment's commit comes from when nothing but a registry push starts it: the image's own
 * labels as the sandbox registry holds them (read by the production ACR adapter over HTTP), a `sha-` tag
 * resolved through the sandbox GitHub, or nothing, in which case the ci-status gate follows
 * `whenCommitUnknown`. A foreign `source` label is refused.
 */

let azurite: AzuriteHandle;
let rig: SandboxRig;

beforeAll(async () => {
  azurite = await startAzurite({ location: undefined });
});

afterAll(async () => {
  await azurite?.stop();
});

const timeline = async (id: string) => (await rig.view(id)).timeline;

describe('provenance with the example configuration (whenCommitUnknown: fail)', () => {
  beforeAll(async () => {
    rig = await startSandboxRig({ configPath: EXAMPLE_CONFIG, storage: azurite.connectionString });
  });
  afterAll(async () => {
    await rig.close();
  });

  it('fails at ci-status with the documented reason when the image carries no revision', async () => {
    expect(await rig.fault('3.0.0', { noRevision: true })).toBe(200);
    const pushed = await rig.registryPush('api-gateway:3.0.0');
    expect(pushed.revision).toBeUndefined();
    const done = await rig.finish(pushed.deploymentId as string);
    expect(done.state).toBe('Failed');
    expect(done.reason).toBe(
      'gate ci-status failed: the image has no known commit, so CI cannot be checked: label the image with ' +
        'org.opencontainers.image.revision=<commit SHA> (docker/metadata-action writes it), or tag it ' +
        'sha-<commit>, or set gates.ciStatus.whenCommitUnknown: skip',
    );
    expect(done.commitSha).toBeUndefined();
    expect((await timeline(done.id)).find((e) => e.title === 'provenance')).toMatchObject({
      verdict: 'warn',
      comment:
        'no commit known: the image has no org.opencontainers.image.revision label; ' +
        'tag 3.0.0 does not match ^sha-([0-9a-f]{7,40})$',
    });
  });

  it('refuses an image whose source label names another repository', async () => {
    const pushed = await rig.registryPush('api-gateway:3.0.1', {
      source: 'https://github.com/other-team/payments',
    });
    const done = await rig.finish(pushed.deploymentId as string);
    expect(done.state).toBe('Failed');
    expect(done.reason).toBe(
      "gate ci-status failed: the image's org.opencontainers.image.source is " +
        'https://github.com/other-team/payments, not hearloveen/platform: an image built from another ' +
        'repository is not deployed as this service',
    );
  });

  it('fails at ci-status when the commit the image names has failing checks', async () => {
    expect(await rig.fault('3.0.2', { ciFailure: true })).toBe(200);
    const pushed = await rig.registryPush('api-gateway:3.0.2');
    const done = await rig.finish(pushed.deploymentId as string);
    expect(done).toMatchObject({ state: 'Failed', commitSha: pushed.revision });
    expect(done.reason).toBe('gate ci-status failed: check(s) failed: unit-tests');
  });

  it('reads a multi-arch index: the index annotations first', async () => {
    const pushed = await rig.registryPush('api-gateway:3.0.3', { platforms: ['linux/amd64', 'linux/arm64'] });
    expect(pushed.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    const done = await rig.finish(pushed.deploymentId as string);
    expect(done).toMatchObject({ state: 'Succeeded', commitSha: pushed.revision });
    expect((await timeline(done.id)).find((e) => e.title === 'provenance')?.comment).toBe(
      `commit ${pushed.revision?.slice(0, 12)} from org.opencontainers.image.revision (index annotations)`,
    );
  });

  it('takes the commit from a sha- tag, resolving the short SHA through GitHub', async () => {
    // A build of a known commit, pushed without labels under docker/metadata-action's type=sha tag.
    const known = await rig.registryPush('api-gateway:3.0.4', { deliver: false });
    const short = (known.revision as string).slice(0, 7);
    expect(await rig.fault(`sha-${short}`, { noRevision: true })).toBe(200);
    const pushed = await rig.registryPush(`api-gateway:sha-${short}`);
    const done = await rig.finish(pushed.deploymentId as string);
    expect(done).toMatchObject({
      state: 'Succeeded',
      commitSha: known.revision,
      provenance: { commitFrom: 'tag' },
    });
    expect(done.committedAt).toBeDefined();
  });

  it.each(['eventgrid', 'cloudevents'] as const)(
    'deploys an image the registry holds from an Event Grid delivery in the %s schema',
    async (schema) => {
      const tag = schema === 'eventgrid' ? '3.1.0' : '3.1.1';
      const pushed = await rig.registryPush(`api-gateway:${tag}`, { deliver: false });
      const event = imagePushedEvent(
        SANDBOX_REGISTRY,
        'api-gateway',
        { digest: pushed.digest, mediaType: pushed.mediaType, size: 500, tag },
        new Date(rig.host.clock.now()).toISOString(),
      );
      const body =
        schema === 'eventgrid'
          ? [event]
          : [
              {
                specversion: '1.0',
                id: randomUUID(),
                type: event.eventType,
                source: event.topic,
                subject: event.subject,
                time: event.eventTime,
                datacontenttype: 'application/json',
                data: event.data,
              },
            ];
      const res = await rig.host.request('/runtime/webhooks/eventgrid?functionName=acrEventGrid', {
        method: 'POST',
        headers: {
          'content-type':
            schema === 'eventgrid' ? 'application/json' : 'application/cloudevents-batch+json; charset=utf-8',
          'aeg-event-type': 'Notification',
        },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(202);
      const done = await rig.finish(pushed.deploymentId as string);
      expect(done).toMatchObject({
        state: 'Succeeded',
        source: 'event-grid',
        pushedBy: SANDBOX_REGISTRY.actor,
        commitSha: pushed.revision,
        provenance: { commitFrom: 'image' },
      });
    },
  );
});

describe('provenance with whenCommitUnknown: skip', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'gantry-skip-'));
    const yaml = readFileSync(EXAMPLE_CONFIG, 'utf8').replace(
      '      checks: [lint, unit-tests, build]\n',
      '      checks: [lint, unit-tests, build]\n      whenCommitUnknown: skip\n',
    );
    expect(yaml).toContain('whenCommitUnknown: skip');
    const configPath = path.join(dir, 'gantry.yaml');
    writeFileSync(configPath, yaml);
    rig = await startSandboxRig({ configPath, storage: azurite.connectionString });
  });
  afterAll(async () => {
    await rig.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes an image with no revision, the ci-status gate skipped with a warning', async () => {
    expect(await rig.fault('4.0.0', { noRevision: true })).toBe(200);
    const pushed = await rig.registryPush('api-gateway:4.0.0');
    const done = await rig.finish(pushed.deploymentId as string);
    expect(done.state).toBe('Succeeded');
    expect((await timeline(done.id)).find((e) => e.title === 'gate:ci-status')).toMatchObject({
      verdict: 'warn',
      comment: 'skipped: the image has no known commit (whenCommitUnknown: skip)',
    });
  });

  it('still refuses a foreign source label', async () => {
    const pushed = await rig.registryPush('api-gateway:4.0.1', { source: 'git@github.com:other-team/x.git' });
    const done = await rig.finish(pushed.deploymentId as string);
    expect(done.state).toBe('Failed');
    expect(done.reason).toMatch(/^gate ci-status failed: the image's org\.opencontainers\.image\.source is /);
  });
});
