import { exampleWithoutRings } from '../fixtures/example-config.js';
import { afterEach, describe, expect, it } from 'vitest';
import { FileConfigSource } from '../../shared/adapters/config-file.js';
import { loadConfig } from '../../shared/config/load.js';
import type { TimelineEntry } from '../../shared/domain/deployment.js';
import { ringInstanceId, ringPhaseInstanceId } from '../../shared/domain/rings.js';
import { describeDeployment } from '../../shared/app/status.js';
import { describeService } from '../../shared/app/queries.js';
import { validator } from '../e2e/openapi-check.js';
import { DEFAULT_RETRY } from '../../shared/contracts/contract.js';
import type { RecordInput } from '../../shared/contracts/activities.js';
import { AUTO_APPROVAL, image, LKG, PROD_APP, withLastKnownGood } from './chaos-fixtures.js';
import { Orchestrations, type ActivityHook } from './harness.js';

const NORTH_APP = 'api-gateway-prod-eun';
const CENTRAL_APP = 'api-gateway-prod-euc';
const PROD_BLOCK =
  '      application: api-gateway-prod\n      image: { kustomizeImage: hearloveen.azurecr.io/api-gateway }\n';

/** The example file with ApiGateway as a three-ring train; `extra` is appended to the eu-north ring. */
function trainConfig(extra = '', policy = ''): FileConfigSource {
  const example = exampleWithoutRings();
  expect(example).toContain(PROD_BLOCK);
  const rings = `      rings:
        - { name: eu-west, region: westeurope }
        - name: eu-north
          region: northeurope
          soak: 30m
          targets: [{ cluster: hearloveen-aks-eun, application: ${NORTH_APP} }]
${extra}        - name: eu-central
          region: germanywestcentral
          soak: 15m
          canary: rollout
          targets: [{ cluster: hearloveen-aks-euc, application: ${CENTRAL_APP} }]
${policy}`;
  return new FileConfigSource(loadConfig(example.replace(PROD_BLOCK, PROD_BLOCK + rings), 'rings.yaml'));
}

let o: Orchestrations | undefined;
afterEach(async () => {
  await o?.close();
  o = undefined;
});

async function run(config: FileConfigSource, onActivity?: ActivityHook) {
  o = await Orchestrations.start({ startTime: AUTO_APPROVAL, config, ...(onActivity && { onActivity }) });
  await withLastKnownGood(o);
  const ref = image();
  const digest = ref.split('@')[1] as string;
  const d = await o.submit(ref);
  await o.completeTests(d.id);
  const done = await o.finish(d.id);
  const events = await o.ports.store.listEvents(d.id);
  return { x: o, done, digest, events };
}

const at = (events: TimelineEntry[], title: string): number => {
  const entry = events.find((e) => e.title === title);
  expect(entry, title).toBeDefined();
  return Date.parse(entry?.at ?? '');
};
const deployed = (x: Orchestrations, app: string): string[] =>
  x.world.deploys.filter((d) => d.app === app).map((d) => d.digest);

describe('release trains (rings)', () => {
  it('releases across three rings in order, with a soak between them, and records one release', async () => {
    const { x, done, digest, events } = await run(trainConfig());
    expect(done.state).toBe('Succeeded');
    expect(deployed(x, PROD_APP)).toEqual([digest]);
    expect(deployed(x, NORTH_APP)).toEqual([digest]);
    expect(deployed(x, CENTRAL_APP)).toEqual([digest]);
    const order = x.world.deploys.map((d) => d.app).filter((a) => a.startsWith('api-gateway-prod'));
    expect(order).toEqual([PROD_APP, NORTH_APP, CENTRAL_APP]);
    expect(at(events, 'ring:eu-north:started') - at(events, 'ring:eu-west:released')).toBeGreaterThanOrEqual(
      30 * 60_000,
    );
    expect(
      at(events, 'ring:eu-central:started') - at(events, 'ring:eu-north:released'),
    ).toBeGreaterThanOrEqual(15 * 60_000);
    // Ring 0 and ring 1 are verified, only the last ring's clean window records the release.
    expect(events.map((e) => e.title)).toEqual(
      expect.arrayContaining(['ring:eu-west:verified', 'ring:eu-north:verified', 'release:last-known-good']),
    );
    const releases = await x.ports.store.listReleases('ApiGateway', 'production');
    expect(releases.filter((r) => r.deploymentId === done.id)).toHaveLength(1);
    // eu-north ran a shorter canary (the first step, 10%); eu-central a plain rollout (no canary image).
    expect(x.world.weights).toEqual([10, 25, 50, 0, 10, 0, 0]);
    expect(x.world.images.filter((i) => i.digest === digest)).toHaveLength(2);
    const view = await describeDeployment(x.ports, x.control, done.id);
    expect(view.rings).toMatchObject([
      { name: 'eu-west', region: 'westeurope', state: 'released', weight: 0, image: digest },
      { name: 'eu-north', region: 'northeurope', state: 'released', weight: 0, image: digest },
      { name: 'eu-central', region: 'germanywestcentral', state: 'released', weight: 0, image: digest },
    ]);
    // The ring view names each ring's targets and runs the rings one after the other.
    expect(view.rings?.map((r) => r.targets.map((t) => t.argoApp))).toEqual([
      [PROD_APP],
      [NORTH_APP],
      [CENTRAL_APP],
    ]);
    const times = (view.rings ?? []).flatMap((r) => [r.startedAt ?? '', r.endedAt ?? '']);
    expect(times.every((t) => t !== '')).toBe(true);
    expect([...times].sort()).toEqual(times);
    const body = JSON.stringify(view);
    expect(
      validator.checkResponse('GET', `/api/deployments/${done.id}`, 200, body, 'application/json'),
    ).toEqual([]);
  });

  it('a failure in ring 1 leaves ring 2 untouched and rolls ring 0 and ring 1 back', async () => {
    const { x, done, events } = await run(trainConfig(), async (name, input) => {
      const i = input as { app?: string; image?: { digest: string } };
      if (name !== 'deployImage' || i.app !== NORTH_APP) return;
      // The new image breaks eu-north's sync; the last known good one syncs again.
      if (i.image?.digest === LKG.digest) o?.world.syncOutcomes.delete(NORTH_APP);
      else o?.world.syncOutcomes.set(NORTH_APP, 'Failed');
    });
    expect(done.state).toBe('RolledBack');
    expect(done.reason).toMatch(/^ring eu-north: /);
    expect(deployed(x, CENTRAL_APP)).toEqual([]);
    expect(x.world.apps.get(PROD_APP)?.image?.digest).toBe(LKG.digest);
    expect(x.world.apps.get(NORTH_APP)?.image?.digest).toBe(LKG.digest);
    const titles = events.map((e) => e.title);
    expect(titles).toEqual(expect.arrayContaining(['rollback:production@eu-north', 'rollback:production']));
    expect(titles).not.toContain('ring:eu-central:started');
    const view = await describeDeployment(x.ports, x.control, done.id);
    expect(view.rings?.map((r) => [r.name, r.state, r.image])).toEqual([
      ['eu-west', 'rolled-back', LKG.digest],
      ['eu-north', 'rolled-back', LKG.digest],
      ['eu-central', 'untouched', null],
    ]);
    const releases = await x.ports.store.listReleases('ApiGateway', 'production');
    expect(releases.map((r) => r.deploymentId)).not.toContain(done.id);
  });

  it('with onRingFailure: hold, ring 0 keeps the new image when ring 1 fails', async () => {
    const { x, done, digest } = await run(
      trainConfig('', '      onRingFailure: hold\n'),
      async (name, input) => {
        const i = input as { app?: string; image?: { digest: string } };
        if (name !== 'deployImage' || i.app !== NORTH_APP) return;
        if (i.image?.digest === LKG.digest) o?.world.syncOutcomes.delete(NORTH_APP);
        else o?.world.syncOutcomes.set(NORTH_APP, 'Failed');
      },
    );
    expect(done.state).toBe('RolledBack');
    expect(done.reason).toMatch(/keep the new image \(onRingFailure: hold\)/);
    expect(x.world.apps.get(PROD_APP)?.image?.digest).toBe(digest);
    expect(x.world.apps.get(NORTH_APP)?.image?.digest).toBe(LKG.digest);
    const view = await describeDeployment(x.ports, x.control, done.id);
    expect(view.rings?.map((r) => [r.state, r.image])).toEqual([
      ['held', digest],
      ['rolled-back', LKG.digest],
      ['untouched', null],
    ]);
    // The service's ring view (no run in flight, the last release is the previous one): eu-west runs
    // the failed run's image, held; the rings after it run the last release.
    const service = await describeService(x.ports, 'ApiGateway');
    expect(service.production?.image.digest).toBe(LKG.digest);
    expect(service.rings?.map((r) => [r.name, r.digest, r.deploymentId, r.state])).toEqual([
      ['eu-west', digest, done.id, 'held'],
      ['eu-north', LKG.digest, 'apigateway-0123456789ab', 'released'],
      ['eu-central', LKG.digest, 'apigateway-0123456789ab', 'released'],
    ]);
  });

  it('a freeze on ring 1 holds the train at its border until the freeze lifts', async () => {
    const freeze = `          freezes:
            - { name: nordic-peak, reason: Nordic sales day, from: '2026-01-06T03:00:00Z', to: '2026-01-06T09:00:00Z' }
`;
    const { x, done, digest, events } = await run(trainConfig(freeze));
    expect(done.state).toBe('Succeeded');
    const frozen = events.find((e) => e.title === 'ring:eu-north:frozen');
    expect(frozen?.evidence).toMatchObject({ until: '2026-01-06T09:00:00.000Z' });
    expect(at(events, 'ring:eu-north:frozen')).toBeLessThan(Date.parse('2026-01-06T09:00:00Z'));
    expect(at(events, 'ring:eu-north:started')).toBeGreaterThanOrEqual(Date.parse('2026-01-06T09:00:00Z'));
    expect(deployed(x, NORTH_APP)).toEqual([digest]);
  });

  /** Starts a train and lets virtual time run until `instance` is running and `ready` holds for its status. */
  async function reach(
    instance: (id: string) => string,
    ready: (status: Record<string, unknown>) => boolean,
  ) {
    o = await Orchestrations.start({ startTime: AUTO_APPROVAL, config: trainConfig() });
    await withLastKnownGood(o);
    const ref = image();
    const d = await o.submit(ref);
    await o.completeTests(d.id);
    await o.waitFor(instance(d.id), (s) => {
      const status = s.customStatus ? (JSON.parse(s.customStatus) as Record<string, unknown>) : {};
      return s.runtimeStatus === 'Running' && ready(status);
    });
    return { x: o, id: d.id, digest: ref.split('@')[1] as string };
  }

  it('an abort in ring 1 canary reaches that ring: traffic back to 0, rings 0 and 1 restored, ring 2 untouched', async () => {
    const { x, id } = await reach(
      (d) => ringPhaseInstanceId(d, 'canary', 'eu-north', 0),
      (s) => s.waitingFor === 'next analysis' && s.weight === 10,
    );
    await x.interrupt(id, 'abort', 'latency in Stockholm');
    const done = await x.finish(id);
    expect(done.state).toBe('RolledBack');
    expect(done.reason).toBe('ring eu-north: abort by ops: latency in Stockholm');
    expect(x.world.weights.at(-1)).toBe(0);
    expect(x.world.apps.get(PROD_APP)?.image?.digest).toBe(LKG.digest);
    expect(deployed(x, NORTH_APP)).toEqual([]);
    expect(deployed(x, CENTRAL_APP)).toEqual([]);
  });

  it('skip-analysis is accepted in a later ring canary (the record says Verifying) and promotes that ring', async () => {
    const { x, id, digest } = await reach(
      (d) => ringPhaseInstanceId(d, 'canary', 'eu-north', 0),
      (s) => s.waitingFor === 'next analysis',
    );
    const accepted = await x.interrupt(id, 'skipAnalysis', 'hotfix');
    expect(accepted.state).toBe('Verifying');
    const done = await x.finish(id);
    expect(done.state).toBe('Succeeded');
    expect(deployed(x, NORTH_APP)).toEqual([digest]);
    expect(deployed(x, CENTRAL_APP)).toEqual([digest]);
  });

  it('a cancel during the soak stops the train before ring 1 starts', async () => {
    const { x, id } = await reach(
      (d) => ringInstanceId(d, 'eu-north'),
      (s) => s.stage === 'soak@eu-north',
    );
    const live = await describeDeployment(x.ports, x.control, id);
    expect(live.live.stage).toBe('soak@eu-north');
    expect(live.rings?.map((r) => r.state)).toEqual(['released', 'soaking', 'pending']);
    await x.interrupt(id, 'cancel', 'not today');
    const done = await x.finish(id);
    expect(done.state).toBe('Cancelled');
    expect(done.reason).toBe('ring eu-north: cancel by ops: not today');
    expect(deployed(x, NORTH_APP)).toEqual([]);
    expect(x.world.apps.get(PROD_APP)?.image?.digest).toBe(LKG.digest);
  });

  it('a ring whose phase throws (Kubernetes down in eu-north) is drained and rolled back like a failed one', async () => {
    const { x, done } = await run(trainConfig(), async (name, input) => {
      if (name === 'record' && (input as RecordInput).entry.title === 'ring:eu-north:started')
        o?.world.failNext('setImage', new Error('Kubernetes PATCH answered 503'), DEFAULT_RETRY.maxAttempts);
    });
    expect(done.state).toBe('RolledBack');
    expect(done.reason).toMatch(/^ring eu-north: /);
    expect(x.world.weights.at(-1)).toBe(0);
    expect(x.world.apps.get(PROD_APP)?.image?.digest).toBe(LKG.digest);
    // The canary threw before promotion: eu-north's application was never pointed at the image.
    expect(deployed(x, NORTH_APP)).toEqual([]);
    expect(deployed(x, CENTRAL_APP)).toEqual([]);
  });
});
