import { exampleWithoutRings } from '../fixtures/example-config.js';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { FileConfigSource } from '../../shared/adapters/config-file.js';
import { loadConfig } from '../../shared/config/load.js';
import { Orchestrations } from './harness.js';

const digest = (): string => `sha256:${randomBytes(32).toString('hex')}`;
const image = (d = digest()): string => `hearloveen.azurecr.io/api-gateway:2.0.0@${d}`;

/** The example configuration with parts of the defaults' canary/verification blocks replaced. */
function config(
  canary: Record<string, unknown>,
  verification: Record<string, unknown> = {},
): FileConfigSource {
  const doc = parseDocument(exampleWithoutRings());
  for (const [key, value] of Object.entries(canary)) {
    if (value === undefined) doc.deleteIn(['defaults', 'canary', key]);
    else doc.setIn(['defaults', 'canary', key], value);
  }
  for (const [key, value] of Object.entries(verification))
    doc.setIn(['defaults', 'verification', key], value);
  return new FileConfigSource(loadConfig(doc.toString(), 'test.yaml'));
}

let o: Orchestrations | undefined;
afterEach(async () => {
  await o?.close();
  o = undefined;
});

async function run(x: Orchestrations) {
  const d = await x.submit(image());
  await x.completeTests(d.id);
  await x.approve(d.id);
  const done = await x.finish(d.id);
  return { done, events: await x.ports.store.listEvents(d.id) };
}

describe('canary analysis (source, in-process engine)', () => {
  it('a firing alert that matches the canary aborts at the next fast check', async () => {
    o = await Orchestrations.start();
    const alert = { namespace: 'hearloveen-prod', deployment: 'api-gateway-canary', severity: 'critical' };
    o.world.firing = [
      { alertname: 'KubePodCrashLooping', ...alert },
      // The primary's own alert does not match the canary's matchers.
      { alertname: 'PrimaryLatencyHigh', ...alert, deployment: 'api-gateway' },
    ];
    const { done, events } = await run(o);
    expect(done.state).toBe('RolledBack');
    expect(done.reason).toBe('fail-fast: alerts: firing alert(s): KubePodCrashLooping at 10%');
    expect(o.world.weights).toEqual([10, 0]);
    const fast = events.find((e) => e.title === 'fast-check');
    expect(fast?.evidence?.checks).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'alerts', verdict: 'fail', value: 1 })]),
    );
  });

  it('fails a canary with errors against a baseline with none (the Kayenta zero-baseline case)', async () => {
    o = await Orchestrations.start({
      config: config({
        threshold: 1,
        failFast: undefined,
        fastCheckInterval: undefined,
        alerts: undefined,
        metrics: [
          {
            name: 'error-ratio',
            query: 'sum(rate(errors{workload="{{ variables.side }}"}[{{ interval }}]))',
            thresholdRange: { max: 5 },
          },
        ],
        baseline: { metrics: [{ metric: 'error-ratio', direction: 'increase-is-bad' }] },
      }),
    });
    // Below the absolute threshold, but the primary has no errors at all.
    o.world.metric = (q) =>
      q.template === 'request-rate'
        ? 50
        : q.metricVariables?.side === 'primary'
          ? 0
          : 1 + (Date.parse(q.at) % 3);
    const { done, events } = await run(o);
    expect(done.state).toBe('RolledBack');
    expect(done.reason).toMatch(
      /^1 failed checks reached the threshold of 1 \(last: baseline:error-ratio: baseline is all zero/,
    );
    const check = events.find((e) => e.title === 'check:baseline:error-ratio');
    expect(check?.evidence).toMatchObject({ kind: 'baseline', samples: { baseline: [0, 0, 0, 0, 0, 0, 0] } });
    expect(events.find((e) => e.title === 'check:error-ratio')?.verdict).toBe('pass');
  });

  it('blue/green: iterations judge the canary at weight 0, then promote', async () => {
    o = await Orchestrations.start({
      config: config({ steps: undefined, iterations: 3, minRequests: 0 }),
    });
    const { done, events } = await run(o);
    expect(done.state).toBe('Succeeded');
    expect(o.world.weights).toEqual([0, 0]);
    expect(events.filter((e) => e.title === 'analysis:advance')).toHaveLength(3);
  });

  it('stepWeightPromotion drains the canary in steps after the primary is promoted', async () => {
    o = await Orchestrations.start({ config: config({ stepWeightPromotion: 20 }) });
    const { done } = await run(o);
    expect(done.state).toBe('Succeeded');
    expect(o.world.weights).toEqual([10, 25, 50, 30, 10, 0]);
  });

  it('records Flagger fields it does not act on', async () => {
    o = await Orchestrations.start({
      config: config({ webhooks: [{ name: 'load-test', url: 'http://flagger-loadtester/' }] }),
    });
    const { events } = await run(o);
    expect(events.find((e) => e.title === 'analysis:ignored-fields')?.comment).toBe(
      'Flagger fields accepted but not acted on: webhooks',
    );
  });
});

describe('verification', () => {
  it('rolls production back at once when the primary crash-loops', async () => {
    o = await Orchestrations.start();
    const first = await run(o);
    expect(first.done.state).toBe('Succeeded');
    const good = o.world.apps.get('api-gateway-prod')?.image?.digest;
    // The next image crash-loops only once it is the primary (the canary got a different pod set).
    const rollout = o.world.rollout.bind(o.world);
    o.world.rollout = async (t, deployment) => {
      const state = await rollout(t, deployment);
      const prod = o?.world.apps.get('api-gateway-prod')?.image?.digest;
      return deployment === 'api-gateway' && prod !== good
        ? { ...state, readyReplicas: 0, crashLooping: ['api-gateway-7d9f-abcde'] }
        : state;
    };
    const second = await run(o);
    expect(second.done.state).toBe('RolledBack');
    expect(second.done.reason).toBe(
      'crash-loops out of bounds for 0s: pods crash-looping: api-gateway-7d9f-abcde',
    );
    expect(o.world.deploys.filter((d) => d.app === 'api-gateway-prod').at(-1)).toEqual({
      app: 'api-gateway-prod',
      digest: good,
    });
    expect(o.world.apps.get('api-gateway-staging')?.image?.digest).toBe(good);
  });

  it('records a pod watch that found no pods as inconclusive, never as pass', async () => {
    o = await Orchestrations.start();
    const rollout = o.world.rollout.bind(o.world);
    o.world.rollout = async (t, deployment) => {
      const state = await rollout(t, deployment);
      return deployment === 'api-gateway' ? { ...state, replicas: 0, readyReplicas: 0 } : state;
    };
    const { done, events } = await run(o);
    expect(done.state).toBe('Succeeded');
    const pods = events.filter((e) => e.title === 'verify:pods');
    expect(pods.length).toBeGreaterThan(0);
    expect(new Set(pods.map((e) => e.verdict))).toEqual(new Set(['inconclusive']));
  });

  it('tolerates a readiness dip shorter than its duration, rolls back on a sustained one', async () => {
    o = await Orchestrations.start({
      config: config({}, { crashLoops: false, health: { maxRatio: 0.25, for: '1m' } }),
    });
    let polls = 0;
    const rollout = o.world.rollout.bind(o.world);
    o.world.rollout = async (t, deployment) => {
      const state = await rollout(t, deployment);
      if (deployment !== 'api-gateway') return state;
      polls++;
      // First release: one bad poll (30 s < 1 m). Second release: never recovers.
      const bad = polls === 2 || polls > 10;
      return { ...state, replicas: 4, readyReplicas: bad ? 2 : 4 };
    };
    expect((await run(o)).done.state).toBe('Succeeded');
    const second = await run(o);
    expect(second.done.state).toBe('RolledBack');
    expect(second.done.reason).toMatch(
      /^health out of bounds for 60s: 2\/4 pods not ready \(max ratio 0.25\)$/,
    );
  });
});
