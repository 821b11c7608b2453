import { exampleWithoutRings } from '../fixtures/example-config.js';
import { afterEach, describe, expect, it } from 'vitest';
import { FileConfigSource } from '../../shared/adapters/config-file.js';
import { resumeAnalysis } from '../../shared/app/deployments.js';
import { loadConfig } from '../../shared/config/load.js';
import { phaseInstanceId } from '../../shared/contracts/events.js';
import { image } from './chaos-fixtures.js';
import { Orchestrations, type ActivityHook } from './harness.js';

let o: Orchestrations | undefined;
afterEach(async () => {
  await o?.close();
  o = undefined;
});

function config(onDrift: 'correct' | 'pause'): FileConfigSource {
  const text = exampleWithoutRings().replace(
    'onLimitExhausted: pause\n',
    `onLimitExhausted: pause\n    onDrift: ${onDrift}\n`,
  );
  return new FileConfigSource(loadConfig(text, `drift-${onDrift}.yaml`));
}

/** During the first step's analysis something outside Gantry changes the cluster (once). */
function behindGantrysBack(change: (x: Orchestrations) => void): ActivityHook {
  let done = false;
  return async (name) => {
    if (done || name !== 'analyse' || !o) return;
    done = true;
    change(o);
  };
}

async function run(onDrift: 'correct' | 'pause', change: (x: Orchestrations) => void): Promise<string> {
  o = await Orchestrations.start({ config: config(onDrift), onActivity: behindGantrysBack(change) });
  const { id } = await o.submit(image());
  await o.completeTests(id);
  await o.approve(id);
  return id;
}

const drift = async (x: Orchestrations, id: string) =>
  (await x.ports.store.listEvents(id)).filter((e) => e.title.startsWith('drift:'));

describe('before each step the router and the canary are read back', () => {
  it('a weight reset behind Gantry is recorded and corrected by the next step (onDrift: correct)', async () => {
    const id = await run('correct', (x) => {
      x.world.weight = 0; // e.g. a GitOps self-heal rewrote the canary Ingress
    });
    const x = o as Orchestrations;
    const done = await x.finish(id);
    expect(done.state).toBe('Succeeded');
    const [finding] = await drift(x, id);
    expect(finding).toMatchObject({
      title: 'drift:weight',
      verdict: 'warn',
      comment: 'the router sends 0% to the canary; Gantry set 10% (corrected by the next step)',
      evidence: { expected: 10, actual: 0, onDrift: 'correct' },
    });
    expect(x.world.weights).toEqual([10, 25, 50, 0]);
  });

  it('onDrift: pause takes the traffic to 0 and waits for an operator; resume restores the weight', async () => {
    const id = await run('pause', (x) => {
      x.world.weight = 40;
    });
    const x = o as Orchestrations;
    await x.waitForPhase(id, 'canary', 'operator (paused:');
    expect((await x.control.status(phaseInstanceId(id, 'canary')))?.customStatus).toMatchObject({
      paused: true,
      weight: 0,
    });
    expect(x.world.notifications.find((n) => n.title === 'analysis:paused')?.kind).toBe('incident');
    await resumeAnalysis(x.ports, x.control, id, 'ops', 'checked the ingress');
    expect((await x.finish(id)).state).toBe('Succeeded');
    expect(x.world.weights).toEqual([10, 0, 10, 25, 50, 0]);
    expect((await drift(x, id)).map((e) => e.title)).toEqual(['drift:weight']);
  });

  it('a canary that stopped being ready pauses whatever the policy, and abort rolls it back', async () => {
    const id = await run('correct', (x) => {
      const canary = x.world.images.at(-1);
      if (canary) x.world.crashLoopingDigests.add(canary.digest);
    });
    const x = o as Orchestrations;
    await x.waitForPhase(id, 'canary', 'operator (paused:');
    expect(x.world.weight).toBe(0);
    await x.interrupt(id, 'abort', 'canary broken');
    const done = await x.finish(id);
    expect(done.state).toBe('RolledBack');
    const [finding] = await drift(x, id);
    expect(finding?.title).toBe('drift:readiness');
    expect(x.world.scales.at(-1)).toEqual({ deployment: 'api-gateway-canary', replicas: 0 });
  });
});
