import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type AzuriteHandle } from '../../devhost/durable/azurite.js';
import { FileConfigSource } from '../../shared/adapters/config-file.js';
import type { CanarySpec } from '../../shared/contracts/plan.js';
import type { DeploymentRecord, TimelineEntry } from '../../shared/domain/deployment.js';
import { rollbackTiming, writeFlaggerOnlyConfig, type RollbackTiming } from './failfast-variants.js';
import { EXAMPLE_CONFIG, randomDigest, startSandboxRig } from './sandbox-rig.js';

/**
 * Issue 6 acceptance: 100% HTTP 500 on the canary at 10% weight, in the sandbox on the virtual clock.
 * The same faulty release runs twice, each time in a fresh sandbox and dev host starting at the same
 * virtual instant (the app reads its settings once per load, so the two configurations get a host each,
 * one after the other): once with the example configuration (hard bounds every 15 s), once with the
 * canary block cut down to Flagger's semantics. Time is measured from `weight:10` to `weight:0`.
 */

interface Outcome {
  deployment: DeploymentRecord;
  timeline: TimelineEntry[];
  timing: RollbackTiming;
  prodBefore: string | undefined;
  prodAfter: string | undefined;
  canaryWeight: string | undefined;
}

let azurite: AzuriteHandle;
let dir: string;

beforeAll(async () => {
  azurite = await startAzurite({ location: undefined });
  dir = mkdtempSync(path.join(tmpdir(), 'gantry-failfast-'));
});

afterAll(async () => {
  await azurite?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function faultyRelease(configPath: string): Promise<Outcome> {
  const rig = await startSandboxRig({ configPath, storage: azurite.connectionString });
  try {
    const d = randomDigest();
    expect(await rig.fault(d, { errorRate: 1 })).toBe(200);
    const prodBefore = rig.prodImage();
    const id = await rig.push(d);
    const deployment = await rig.finish(id);
    const { timeline } = await rig.view(id);
    return {
      deployment,
      timeline,
      timing: rollbackTiming(timeline),
      prodBefore,
      prodAfter: rig.prodImage(),
      canaryWeight: rig.canaryWeight(),
    };
  } finally {
    await rig.close();
  }
}

const canaryOf = (configPath: string): CanarySpec => {
  const plan = FileConfigSource.load(configPath).plan('ApiGateway');
  if (!plan) throw new Error(`no ApiGateway plan in ${configPath}`);
  return plan.canary;
};

const titled = (o: Outcome, title: string) => o.timeline.filter((e) => e.title === title);

let failFast: Outcome;
let flagger: Outcome;

describe('with the example spec (fail-fast bounds checked every 15 s)', () => {
  beforeAll(async () => {
    failFast = await faultyRelease(EXAMPLE_CONFIG);
  });

  it('takes traffic off the canary within one interval of the fault', () => {
    const spec = canaryOf(EXAMPLE_CONFIG);
    expect(spec).toMatchObject({ interval: 60_000, threshold: 5, fastCheckInterval: 15_000 });
    expect(failFast.deployment).toMatchObject({
      state: 'RolledBack',
      reason: 'fail-fast: request-success-rate: hard bound breached: 0 < min 95 at 10%',
    });
    expect(failFast.timing.ms).toBeLessThanOrEqual(spec.interval);
    // Exactly two fast rounds: the sandbox scrapes every 15 s, so the round 15 s after the weight change
    // has at most one canary sample (no rate, 0 requests < minRequests: inconclusive, never judged); by
    // the round at 30 s there are two, the window holds well over 100 requests and all of them are 500s.
    expect(failFast.timing.ms).toBe(2 * 15_000);
    const fast = titled(failFast, 'fast-check');
    expect(fast.map((e) => e.verdict)).toEqual(['inconclusive', 'fail']);
    expect(fast[0]?.comment).toMatch(/too few requests in the window \(0 < minRequests 100\)/);
    // No interval check was needed: the rollback came before the first one.
    expect(titled(failFast, 'check:request-success-rate')).toEqual([]);
  });

  it('leaves production on the old image with no traffic on the canary', () => {
    expect(failFast.prodAfter).toBe(failFast.prodBefore);
    expect(failFast.canaryWeight).toBe('0');
  });
});

describe("with Flagger's semantics only (no fail-fast, no fast cadence, no alerts, minRequests 0)", () => {
  let configPath: string;
  beforeAll(async () => {
    configPath = writeFlaggerOnlyConfig(dir);
    flagger = await faultyRelease(configPath);
  });

  it('loads a spec that differs from the example only in the fail-fast machinery', () => {
    const example = canaryOf(EXAMPLE_CONFIG);
    const derived = canaryOf(configPath);
    expect(derived.fastCheckInterval).toBeUndefined();
    expect(derived.alerts).toBeUndefined();
    expect(derived.minRequests).toBe(0);
    expect(derived.metrics.filter((m) => m.failFast)).toEqual([]);
    const { fastCheckInterval: _f, alerts: _a, minRequests: _m, metrics, ...rest } = example;
    expect(derived).toMatchObject({ ...rest, interval: 60_000, threshold: 5 });
    expect(derived.metrics).toEqual(metrics.map(({ failFast: _ff, ...m }) => m));
  });

  it('rolls back after exactly interval × threshold', () => {
    const spec = canaryOf(configPath);
    expect(flagger.deployment).toMatchObject({
      state: 'RolledBack',
      reason: '5 failed checks reached the threshold of 5 (last: request-success-rate: 0 < min 99) at 10%',
    });
    // Gantry rolls back in the round whose failure reaches the threshold, and the first round (one
    // interval after the weight change) already has four scrapes in its 1-minute window: no slack.
    expect(flagger.timing.ms).toBe(spec.interval * spec.threshold);
    expect(flagger.timing.ms).toBe(5 * 60_000);
    const failed = titled(flagger, 'check:request-success-rate');
    expect(failed.map((e) => e.verdict)).toEqual(['fail', 'fail', 'fail', 'fail', 'fail']);
    expect(failed.map((e) => Date.parse(e.at) - flagger.timing.faultAt)).toEqual(
      [1, 2, 3, 4, 5].map((k) => k * 60_000),
    );
    expect(titled(flagger, 'fast-check')).toEqual([]);
    expect(flagger.prodAfter).toBe(flagger.prodBefore);
    expect(flagger.canaryWeight).toBe('0');
  });

  it('is ten times slower than fail-fast on the same fault from the same start', () => {
    // Same virtual start and same pipeline up to the canary: the fault reaches it at the same instant.
    expect(flagger.timing.faultAt).toBe(failFast.timing.faultAt);
    expect(flagger.timing.ms / failFast.timing.ms).toBe(10);
  });
});
