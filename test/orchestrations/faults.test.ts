import { afterEach, describe, expect, it } from 'vitest';
import { ArgoCdError } from '../../shared/adapters/argocd-errors.js';
import { DEFAULT_RETRY } from '../../shared/contracts/contract.js';
import type { Phase } from '../../shared/contracts/events.js';
import { RESTORE_RETRY } from '../../orchestrations/lib/restore.js';
import type { FaultyMethod } from '../fakes/world.js';
import { AUTO_APPROVAL, image, LKG, PROD_APP, STAGING_APP, withLastKnownGood } from './chaos-fixtures.js';
import { atTransition, Orchestrations, type ActivityHook } from './harness.js';

let o: Orchestrations | undefined;
afterEach(async () => {
  await o?.close();
  o = undefined;
});

// Provider faults as the adapters throw them (shared/adapters/argocd-errors.ts, kube-client.ts).
const argoDown = () =>
  new ArgoCdError('unavailable', 'Argo CD sync answered 503: upstream connect error', 503);
const argoConflict = () => new ArgoCdError('operation-in-progress', 'Argo CD sync answered 409', 409);
const argoBusy = () =>
  new ArgoCdError(
    'operation-in-progress',
    'Argo CD sync answered 400: another operation is already in progress',
    400,
  );
const kube5xx = () => new Error('Kubernetes PATCH deployments/api-gateway-canary answered 503');
const kubeTimeout = () => new Error('Kubernetes GET deployments/api-gateway-canary timed out after 15000ms');
const githubDown = () => new Error('GitHub workflow dispatch answered 502');

type Fault = { name: string; method: FaultyMethod; error: () => Error } | { name: string; sync: string };

/** Each fault at a stage where it is met, persistent for the whole retry budget of the activity. */
const MATRIX: Array<{ stage: Phase; fault: Fault }> = [
  { stage: 'staging', fault: { name: 'Argo CD 5xx', method: 'deployImage', error: argoDown } },
  {
    stage: 'staging',
    fault: { name: 'Argo CD operation in progress', method: 'deployImage', error: argoBusy },
  },
  { stage: 'staging', fault: { name: 'sync failure', sync: STAGING_APP } },
  { stage: 'tests', fault: { name: 'GitHub down', method: 'dispatch', error: githubDown } },
  { stage: 'canary', fault: { name: 'Kubernetes 5xx', method: 'setImage', error: kube5xx } },
  { stage: 'canary', fault: { name: 'Kubernetes timeout', method: 'rollout', error: kubeTimeout } },
  { stage: 'canary', fault: { name: 'router 5xx', method: 'setWeight', error: kube5xx } },
  { stage: 'promotion', fault: { name: 'Argo CD 5xx', method: 'deployImage', error: argoDown } },
  { stage: 'promotion', fault: { name: 'Argo CD 409', method: 'deployImage', error: argoConflict } },
  { stage: 'promotion', fault: { name: 'Argo CD status 5xx', method: 'status', error: argoDown } },
  { stage: 'promotion', fault: { name: 'sync failure', sync: PROD_APP } },
  { stage: 'verification', fault: { name: 'Kubernetes 5xx', method: 'rollout', error: kube5xx } },
];

/** Arms the fault when the pipeline enters `stage`: it lasts exactly one activity's retry budget. */
function arm(x: () => Orchestrations, stage: Phase, fault: Fault): ActivityHook {
  return atTransition(stage, () => {
    const { world } = x();
    if ('sync' in fault) world.syncOutcomes.set(fault.sync, 'Failed');
    else world.failNext(fault.method, fault.error(), DEFAULT_RETRY.maxAttempts);
  });
}

/** A failed sync is a fact of the image being deployed: the restore of the last known good one syncs. */
const restoreSyncs: ActivityHook = async (name, input) => {
  if (name === 'deployImage' && (input as { image: { digest: string } }).image.digest === LKG.digest)
    o?.world.syncOutcomes.clear();
};

describe('provider faults at each stage end in a recorded, safe state', () => {
  it.each(MATRIX)('$fault.name during $stage', async ({ stage, fault }) => {
    const hook = arm(() => o as Orchestrations, stage, fault);
    o = await Orchestrations.start({
      startTime: AUTO_APPROVAL,
      onActivity: async (name, input) => {
        await hook(name, input);
        await restoreSyncs(name, input);
      },
    });
    await withLastKnownGood(o);
    const { id } = await o.submit(image());
    if (stage !== 'staging' && stage !== 'tests') await o.completeTests(id);
    const done = await o.finish(id);
    expect(['Failed', 'RolledBack']).toContain(done.state);
    expect(done.reason).toBeTruthy();
    const titles = (await o.ports.store.listEvents(id)).map((e) => e.title);
    expect(titles.at(-1)).toMatch(/->(Failed|RolledBack)$/);
    // GitOps says what runs: both applications specify the last known good image again.
    expect(o.world.apps.get(PROD_APP)?.image?.digest).toBe(LKG.digest);
    expect(o.world.apps.get(STAGING_APP)?.image?.digest).toBe(LKG.digest);
    expect(o.world.weight).toBe(0);
    const [current] = await o.ports.store.listReleases('ApiGateway', 'production');
    expect(current?.image.digest).toBe(LKG.digest);
  });
});

/** Runs `then` once, before the first restore of the production application to the last known good. */
function atProductionRestore(then: () => void): ActivityHook {
  let done = false;
  return async (name, input) => {
    const i = input as { app?: string; image?: { digest: string } };
    if (done || name !== 'deployImage' || i.app !== PROD_APP || i.image?.digest !== LKG.digest) return;
    done = true;
    then();
  };
}

describe('a rollback leaves GitOps consistent with what runs, or says it could not', () => {
  async function failedPromotion(restore: ActivityHook): Promise<string> {
    const failSync = atTransition('promotion', () => {
      o?.world.syncOutcomes.set(PROD_APP, 'Failed');
    });
    o = await Orchestrations.start({
      startTime: AUTO_APPROVAL,
      onActivity: async (name, input) => {
        await failSync(name, input);
        await restore(name, input);
      },
    });
    await withLastKnownGood(o);
    const { id } = await o.submit(image());
    await o.completeTests(id);
    return id;
  }

  it("waits out Argo CD's 'another operation is already in progress' and restores production", async () => {
    const id = await failedPromotion(
      atProductionRestore(() => {
        o?.world.syncOutcomes.clear();
        o?.world.failNext('deployImage', argoBusy(), 3);
      }),
    );
    const done = await (o as Orchestrations).finish(id);
    expect(done.state).toBe('RolledBack');
    expect(done.reason).toMatch(/^sync of api-gateway-prod failed/);
    const events = await (o as Orchestrations).ports.store.listEvents(id);
    expect(events.find((e) => e.title === 'sync-failed:api-gateway-prod')?.verdict).toBe('fail');
    expect(events.find((e) => e.title === 'rollback:production')).toMatchObject({
      verdict: 'pass',
      evidence: { app: PROD_APP, digest: LKG.digest },
    });
    const prod = (o as Orchestrations).world.apps.get(PROD_APP);
    expect([prod?.image?.digest, prod?.outcome]).toEqual([LKG.digest, 'Succeeded']);
  });

  it('a rollback that fails is recorded, notified as an incident, and the run is Failed with both reasons', async () => {
    const id = await failedPromotion(
      atProductionRestore(() => o?.world.failNext('deployImage', argoDown(), RESTORE_RETRY.maxAttempts)),
    );
    const x = o as Orchestrations;
    const done = await x.finish(id);
    expect(done.state).toBe('Failed');
    expect(done.reason).toMatch(
      /^sync of api-gateway-prod failed: .*; rollback of api-gateway-prod failed: (ArgoCdError: )?Argo CD sync answered 503/,
    );
    const failed = (await x.ports.store.listEvents(id)).find((e) => e.title === 'rollback:failed');
    expect(failed).toMatchObject({ verdict: 'fail', evidence: { app: PROD_APP, environment: 'production' } });
    expect(x.world.notifications.some((n) => n.kind === 'incident' && n.title === 'rollback:failed')).toBe(
      true,
    );
    // Staging is restored all the same: one failure does not stop the rest of the cleanup.
    expect(x.world.apps.get(STAGING_APP)?.image?.digest).toBe(LKG.digest);
  });

  it('an abort while the production sync runs points production back at the last known good image', async () => {
    const slowSync = atTransition('promotion', () => {
      if (o) o.world.syncPolls = 1_000;
    });
    o = await Orchestrations.start({ startTime: AUTO_APPROVAL, onActivity: slowSync });
    await withLastKnownGood(o);
    const { id } = await o.submit(image());
    await o.completeTests(id);
    await o.waitForPhase(id, 'promotion', 'sync of');
    o.world.syncPolls = 0;
    await o.interrupt(id, 'abort', 'bad idea');
    const done = await o.finish(id);
    expect(done.state).toBe('RolledBack');
    expect(o.world.apps.get(PROD_APP)?.image?.digest).toBe(LKG.digest);
    expect(await o.world.status(PROD_APP)).toMatchObject({ sync: 'Synced', health: 'Healthy' });
    expect(o.world.weight).toBe(0);
  });
});

describe('Prometheus down', () => {
  const prometheusDown = () => new Error('connect ECONNREFUSED 10.0.0.9:9090');

  it('during the canary: paused at weight 0 for an operator, production still on the last known good', async () => {
    const down = atTransition('canary', () => {
      if (o) o.world.metricsOutage = prometheusDown();
    });
    o = await Orchestrations.start({ startTime: AUTO_APPROVAL, onActivity: down });
    await withLastKnownGood(o);
    const { id } = await o.submit(image());
    await o.completeTests(id);
    await o.waitForPhase(id, 'canary', 'operator (paused:');
    expect(o.world.weight).toBe(0);
    expect(o.world.apps.get(PROD_APP)?.image?.digest).toBe(LKG.digest);
    expect((await o.ports.store.findDeployment(id))?.state).toBe('Canary');
    await o.interrupt(id, 'abort', 'no metrics');
    expect((await o.finish(id)).state).toBe('RolledBack');
    expect(o.world.apps.get(PROD_APP)?.image?.digest).toBe(LKG.digest);
  });

  it('during the whole verification window: not recorded as last known good, and said so', async () => {
    const down = atTransition('verification', () => {
      if (o) o.world.metricsOutage = prometheusDown();
    });
    o = await Orchestrations.start({ startTime: AUTO_APPROVAL, onActivity: down });
    await withLastKnownGood(o);
    const { id } = await o.submit(image());
    await o.completeTests(id);
    const done = await o.finish(id);
    expect(done.state).toBe('Succeeded');
    const events = await o.ports.store.listEvents(id);
    expect(events.map((e) => e.title)).not.toContain('release:last-known-good');
    expect(events.find((e) => e.title === 'release:unverified')?.verdict).toBe('warn');
    expect(o.world.notifications.find((n) => n.title === 'release:unverified')?.kind).toBe('incident');
    // The next rollback still goes back to the release that was verified.
    const [current] = await o.ports.store.listReleases('ApiGateway', 'production');
    expect(current?.image.digest).toBe(LKG.digest);
  });
});
