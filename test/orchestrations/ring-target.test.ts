import { exampleWithoutRings } from '../fixtures/example-config.js';
import { afterEach, describe, expect, it } from 'vitest';
import { FileConfigSource } from '../../shared/adapters/config-file.js';
import { loadConfig } from '../../shared/config/load.js';
import { describeDeployment } from '../../shared/app/status.js';
import { AUTO_APPROVAL, image, LKG, PROD_APP, withLastKnownGood } from './chaos-fixtures.js';
import { Orchestrations, type ActivityHook } from './harness.js';

/** Rings of several targets: the targets of one ring run each phase side by side (orchestrations/ring.ts). */

const NORTH_A = 'api-gateway-prod-eun-a';
const NORTH_B = 'api-gateway-prod-eun-b';
const CENTRAL = 'api-gateway-prod-euc';
const CENTRAL_B = 'api-gateway-prod-euc-b';
const PROD_BLOCK =
  '      application: api-gateway-prod\n      image: { kustomizeImage: hearloveen.azurecr.io/api-gateway }\n';

/** ApiGateway as a train whose eu-north ring has two clusters; `centralB`: eu-central gets a second too. */
function trainConfig(centralB = false): FileConfigSource {
  const example = exampleWithoutRings();
  expect(example).toContain(PROD_BLOCK);
  const central = centralB
    ? `[{ cluster: hearloveen-aks-euc, application: ${CENTRAL} }, { cluster: hearloveen-aks-euc2, application: ${CENTRAL_B} }]`
    : `[{ cluster: hearloveen-aks-euc, application: ${CENTRAL} }]`;
  const rings = `      rings:
        - { name: eu-west, region: westeurope }
        - name: eu-north
          region: northeurope
          soak: 30m
          targets:
            - { cluster: hearloveen-aks-eun, application: ${NORTH_A} }
            - { cluster: hearloveen-aks-eun2, application: ${NORTH_B} }
        - name: eu-central
          region: germanywestcentral
          soak: 15m
          canary: rollout
          targets: ${central}
`;
  return new FileConfigSource(loadConfig(example.replace(PROD_BLOCK, PROD_BLOCK + rings), 'rings.yaml'));
}

let o: Orchestrations | undefined;
afterEach(async () => {
  await o?.close();
  o = undefined;
});

/** What the targets did, in the order the activities ran (the dev host dispatches them as scheduled). */
type Step = string;

async function run(config: FileConfigSource, hook?: ActivityHook) {
  const steps: Step[] = [];
  o = await Orchestrations.start({
    startTime: AUTO_APPROVAL,
    config,
    onActivity: async (name, input) => {
      const i = input as { app?: string; target?: { cluster?: string }; weight?: number };
      if (name === 'setWeight') steps.push(`weight ${i.target?.cluster} ${i.weight}`);
      if (name === 'deployImage') steps.push(`deploy ${i.app}`);
      await hook?.(name, input);
    },
  });
  await withLastKnownGood(o);
  const ref = image();
  const d = await o.submit(ref);
  await o.completeTests(d.id);
  const done = await o.finish(d.id);
  const events = await o.ports.store.listEvents(d.id);
  return { x: o, done, digest: ref.split('@')[1] as string, events, steps };
}

const deployed = (x: Orchestrations, app: string): string[] =>
  x.world.deploys.filter((d) => d.app === app).map((d) => d.digest);

/** The new image breaks `app`'s sync; the last known good one syncs again. */
const breakSync =
  (app: string): ActivityHook =>
  async (name, input) => {
    const i = input as { app?: string; image?: { digest: string } };
    if (name !== 'deployImage' || i.app !== app) return;
    if (i.image?.digest === LKG.digest) o?.world.syncOutcomes.delete(app);
    else o?.world.syncOutcomes.set(app, 'Failed');
  };

describe('a ring of several targets', () => {
  it('runs its targets side by side: both canaries start before either target is promoted', async () => {
    const { x, done, digest, events, steps } = await run(trainConfig());
    expect(done.state).toBe('Succeeded');
    const first = (s: Step) => steps.indexOf(s);
    // Both clusters reach their canary step before either target's application is pointed at the image.
    expect(first('weight hearloveen-aks-eun 10')).toBeGreaterThanOrEqual(0);
    expect(first('weight hearloveen-aks-eun2 10')).toBeGreaterThanOrEqual(0);
    expect(first('weight hearloveen-aks-eun 10')).toBeLessThan(first(`deploy ${NORTH_B}`));
    expect(first('weight hearloveen-aks-eun2 10')).toBeLessThan(first(`deploy ${NORTH_A}`));
    expect(deployed(x, NORTH_A)).toEqual([digest]);
    expect(deployed(x, NORTH_B)).toEqual([digest]);
    // Each target's canary step is on the timeline at the same instant, under its own seq.
    const steps10 = events.filter(
      (e) =>
        e.title === 'weight:10' &&
        e.at >= (events.find((s) => s.title === 'ring:eu-north:started')?.at ?? ''),
    );
    expect(steps10).toHaveLength(2);
    expect(steps10[0]?.at).toBe(steps10[1]?.at);
    expect(new Set(events.map((e) => e.seq)).size).toBe(events.length);
    const view = await describeDeployment(x.ports, x.control, done.id);
    expect(view.rings?.[1]).toMatchObject({ name: 'eu-north', state: 'released', image: digest });
  });

  it('one target failing fails the ring: its sibling is rolled back with ring 0, the next ring untouched', async () => {
    const { x, done, events } = await run(trainConfig(), breakSync(NORTH_B));
    expect(done.state).toBe('RolledBack');
    expect(done.reason).toMatch(new RegExp(`^ring eu-north: ${NORTH_B}: `));
    // eu-north-a was promoted alongside and passed: it goes back all the same, like ring 0.
    expect(x.world.apps.get(NORTH_A)?.image?.digest).toBe(LKG.digest);
    expect(x.world.apps.get(NORTH_B)?.image?.digest).toBe(LKG.digest);
    expect(x.world.apps.get(PROD_APP)?.image?.digest).toBe(LKG.digest);
    expect(deployed(x, CENTRAL)).toEqual([]);
    const rollbacks = events.filter((e) => e.title === 'rollback:production@eu-north');
    expect(rollbacks.map((e) => e.evidence?.app).sort()).toEqual([NORTH_A, NORTH_B]);
    expect(events.map((e) => e.title)).not.toContain('ring:eu-central:started');
  });

  it('a target whose canary cannot start fails the ring before any application is touched', async () => {
    const { x, done, steps } = await run(trainConfig(), async (name, input) => {
      const i = input as { target?: { cluster?: string } };
      if (name === 'setImage' && i.target?.cluster === 'hearloveen-aks-eun2')
        throw new Error('Kubernetes PATCH answered 503');
    });
    expect(done.state).toBe('RolledBack');
    expect(done.reason).toMatch(new RegExp(`^ring eu-north: ${NORTH_B}: .*503`));
    // Neither application of the ring was pointed at the image; both clusters' canary traffic is 0.
    expect(deployed(x, NORTH_A)).toEqual([]);
    expect(deployed(x, NORTH_B)).toEqual([]);
    expect(steps.at(-1)).not.toMatch(/^weight hearloveen-aks-eun2? [1-9]/);
    expect(steps).toEqual(
      expect.arrayContaining(['weight hearloveen-aks-eun 0', 'weight hearloveen-aks-eun2 0']),
    );
    expect(x.world.apps.get(PROD_APP)?.image?.digest).toBe(LKG.digest);
    expect(deployed(x, CENTRAL)).toEqual([]);
  });

  it('a last ring of several targets records the release once, after both windows', async () => {
    const { x, done, digest, events } = await run(trainConfig(true));
    expect(done.state).toBe('Succeeded');
    expect(deployed(x, CENTRAL)).toEqual([digest]);
    expect(deployed(x, CENTRAL_B)).toEqual([digest]);
    const titles = events.map((e) => e.title);
    expect(titles.filter((t) => t === 'release:last-known-good')).toHaveLength(1);
    expect(titles.filter((t) => t === 'ring:eu-central:verified')).toHaveLength(2);
    const release = events.find((e) => e.title === 'release:last-known-good');
    const verified = events.filter((e) => e.title === 'ring:eu-central:verified');
    expect(verified.every((v) => v.at <= (release?.at ?? ''))).toBe(true);
    const releases = await x.ports.store.listReleases('ApiGateway', 'production');
    expect(releases.filter((r) => r.deploymentId === done.id)).toHaveLength(1);
  });

  it('a configuration with more targets in a ring than run side by side is refused, naming the limit', () => {
    const example = exampleWithoutRings();
    const five = [1, 2, 3, 4, 5].map((n) => `{ application: api-gateway-prod-${n} }`).join(', ');
    const rings = `      rings:\n        - { name: eu-west }\n        - { name: eu-north, targets: [${five}] }\n`;
    expect(() => loadConfig(example.replace(PROD_BLOCK, PROD_BLOCK + rings), 'rings.yaml')).toThrow(
      /rings\[1\]\.targets: at most 4 targets per ring/s,
    );
  });
});
