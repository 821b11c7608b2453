import { exampleWithoutRings } from '../fixtures/example-config.js';
import { afterEach, describe, expect, it } from 'vitest';
import { FileConfigSource } from '../../shared/adapters/config-file.js';
import { loadConfig } from '../../shared/config/load.js';
import { ringInstanceId, ringPhaseInstanceId } from '../../shared/domain/rings.js';
import { AUTO_APPROVAL, image, LKG, PROD_APP, withLastKnownGood } from './chaos-fixtures.js';
import type { InstanceState } from '../../devhost/durable/types.js';
import { Orchestrations } from './harness.js';

/** Interrupts per ring, beyond rings.test.ts: a cancel in a later ring's verification, an abort in a soak. */

const NORTH_APP = 'api-gateway-prod-eun';
const CENTRAL_APP = 'api-gateway-prod-euc';
const PROD_BLOCK =
  '      application: api-gateway-prod\n      image: { kustomizeImage: hearloveen.azurecr.io/api-gateway }\n';

function trainConfig(): FileConfigSource {
  const example = exampleWithoutRings();
  const rings = `      rings:
        - { name: eu-west }
        - name: eu-north
          soak: 30m
          targets: [{ cluster: hearloveen-aks-eun, application: ${NORTH_APP} }]
        - name: eu-central
          soak: 15m
          canary: rollout
          targets: [{ cluster: hearloveen-aks-euc, application: ${CENTRAL_APP} }]
`;
  return new FileConfigSource(loadConfig(example.replace(PROD_BLOCK, PROD_BLOCK + rings), 'rings.yaml'));
}

let o: Orchestrations | undefined;
afterEach(async () => {
  await o?.close();
  o = undefined;
});

async function reach(instance: (id: string) => string, ready: (s: Record<string, unknown>) => boolean) {
  o = await Orchestrations.start({ startTime: AUTO_APPROVAL, config: trainConfig() });
  await withLastKnownGood(o);
  const d = await o.submit(image());
  await o.completeTests(d.id);
  await o.waitFor(instance(d.id), (s: InstanceState) => {
    const status = s.customStatus ? (JSON.parse(s.customStatus) as Record<string, unknown>) : {};
    return s.runtimeStatus === 'Running' && ready(status);
  });
  return { x: o, id: d.id };
}

const deployed = (x: Orchestrations, app: string) => x.world.deploys.filter((d) => d.app === app);

describe('interrupts in a later ring', () => {
  it('a cancel in the verification window of eu-north stops the train there: ring 2 untouched', async () => {
    const { x, id } = await reach(
      (d) => ringPhaseInstanceId(d, 'verification', 'eu-north', 0),
      (s) => s.waitingFor === 'verification window',
    );
    await x.interrupt(id, 'cancel', 'stop here');
    const done = await x.finish(id);
    expect(done.state).toBe('Cancelled');
    expect(done.reason).toBe('ring eu-north: cancel by ops: stop here');
    expect(deployed(x, CENTRAL_APP)).toEqual([]);
    expect(x.world.apps.get(NORTH_APP)?.image?.digest).toBe(LKG.digest);
    expect(x.world.apps.get(PROD_APP)?.image?.digest).toBe(LKG.digest);
  });

  it('an abort during the soak before eu-north rolls ring 0 back and touches no later ring', async () => {
    const { x, id } = await reach(
      (d) => ringInstanceId(d, 'eu-north'),
      (s) => s.stage === 'soak@eu-north',
    );
    await x.interrupt(id, 'abort', 'bad metrics in EU West');
    const done = await x.finish(id);
    expect(done.state).toBe('RolledBack');
    expect(done.reason).toBe('ring eu-north: abort by ops: bad metrics in EU West');
    expect(x.world.apps.get(PROD_APP)?.image?.digest).toBe(LKG.digest);
    expect(deployed(x, NORTH_APP)).toEqual([]);
    expect(deployed(x, CENTRAL_APP)).toEqual([]);
  });
});
