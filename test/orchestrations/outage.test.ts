import { exampleWithoutRings } from '../fixtures/example-config.js';
import { afterEach, describe, expect, it } from 'vitest';
import { FileConfigSource } from '../../shared/adapters/config-file.js';
import { resumeAnalysis } from '../../shared/app/deployments.js';
import { loadConfig } from '../../shared/config/load.js';
import { phaseInstanceId } from '../../shared/contracts/events.js';
import { Orchestrations, type ActivityHook } from './harness.js';
import { image } from './chaos-fixtures.js';

let o: Orchestrations | undefined;
afterEach(async () => {
  await o?.close();
  o = undefined;
});

const prometheusDown = new Error('connect ECONNREFUSED 10.0.0.9:9090');

function config(policy: 'pause-at-zero' | 'hold'): FileConfigSource {
  const text = exampleWithoutRings().replace(
    /onProviderOutage: pause-at-zero/,
    `onProviderOutage: ${policy}`,
  );
  return new FileConfigSource(loadConfig(text, `${policy}.yaml`));
}

/** Prometheus goes down once the first step's weight is set. */
const downAtFirstStep = (x: () => Orchestrations | undefined): ActivityHook => {
  let done = false;
  return async (name) => {
    if (done || name !== 'analyse') return;
    done = true;
    const world = x()?.world;
    if (world) world.metricsOutage = prometheusDown;
  };
};

async function pausedCanary(policy: 'pause-at-zero' | 'hold', hook?: ActivityHook): Promise<string> {
  const down = downAtFirstStep(() => o);
  o = await Orchestrations.start({
    config: config(policy),
    onActivity: async (name, input) => {
      await down(name, input);
      await hook?.(name, input);
    },
  });
  const { id } = await o.submit(image());
  await o.completeTests(id);
  await o.approve(id);
  await o.waitForPhase(id, 'canary', 'operator (paused:');
  return id;
}

describe('Prometheus outage during the canary (onProviderOutage)', () => {
  it('pause-at-zero (the default) sends traffic back to the primary, keeps the canary, notifies', async () => {
    const id = await pausedCanary('pause-at-zero');
    const x = o as Orchestrations;
    expect(x.world.weights).toEqual([10, 0]);
    // Kept for inspection: the canary was scaled up once and never down.
    expect(x.world.scales).toEqual([{ deployment: 'api-gateway-canary', replicas: 1 }]);
    const status = await x.control.status(phaseInstanceId(id, 'canary'));
    expect(status?.customStatus).toMatchObject({ paused: true, weight: 0 });
    expect((await x.ports.store.findDeployment(id))?.weight).toBe(0);
    const incident = x.world.notifications.find((n) => n.title === 'analysis:paused');
    expect(incident).toMatchObject({ kind: 'incident' });
    expect(incident?.detail).toMatchObject({ evidence: { onProviderOutage: 'pause-at-zero', weight: 0 } });
    x.world.metricsOutage = undefined;
    await resumeAnalysis(x.ports, x.control, id, 'ops', 'Prometheus is back');
    const done = await x.finish(id);
    expect(done.state).toBe('Succeeded');
    // Resume restores the paused step's weight before analysing again.
    expect(x.world.weights).toEqual([10, 0, 10, 25, 50, 0]);
  });

  it('hold keeps the step weight on the canary while paused', async () => {
    const id = await pausedCanary('hold');
    const x = o as Orchestrations;
    expect(x.world.weights).toEqual([10]);
    const status = await x.control.status(phaseInstanceId(id, 'canary'));
    expect(status?.customStatus).toMatchObject({ paused: true, weight: 10 });
    await x.interrupt(id, 'abort', 'no metrics, no release');
    const done = await x.finish(id);
    expect(done.state).toBe('RolledBack');
    expect(x.world.weights).toEqual([10, 0]);
  });

  it('a resume sent while the canary is still pausing is refused (409), one sent once paused is honoured', async () => {
    let early: unknown;
    const resumeWhilePausing: ActivityHook = async (name, input) => {
      if (early !== undefined || name !== 'setWeight' || (input as { weight: number }).weight !== 0) return;
      const x = o as Orchestrations;
      const [running] = (await x.ports.store.listDeployments({ service: 'ApiGateway' })).items;
      early = await resumeAnalysis(x.ports, x.control, running?.id ?? '', 'ops', 'too early').then(
        () => 'accepted',
        (e: { status?: number; code?: string }) => [e.status, e.code],
      );
    };
    const id = await pausedCanary('pause-at-zero', resumeWhilePausing);
    // Not paused yet when it arrived: answered 409, so the operator knows to send it again.
    expect(early).toEqual([409, 'not-paused']);
    const x = o as Orchestrations;
    x.world.metricsOutage = undefined;
    await resumeAnalysis(x.ports, x.control, id, 'ops', 'now');
    expect((await x.finish(id)).state).toBe('Succeeded');
  });
});
