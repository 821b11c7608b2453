/**
 * Runs the workloads on the dev host: the bench app (bench/apps/durable-bench) is loaded as a real
 * function app by `startDevHost`, and orchestrations are started, fed events and awaited through the
 * engine's own API (in-process, no HTTP), so what is measured is the engine, its store and the SDK replay.
 */
import path from 'node:path';
import { startDevHost, type DevHost, type StoreKind } from '../../devhost/host.js';
import { TERMINAL_STATUSES, type InstanceState } from '../../devhost/durable/types.js';
import { ORCHESTRATOR, installProbes, type Probes } from './probes.js';
import {
  collectGarbage,
  expectedOutput,
  startStopwatch,
  type EngineRunner,
  type Sample,
  type Workload,
} from './measure.js';

/** dist/bench/devhost -> repository root -> the app's sources (plain JS, not compiled). */
export const BENCH_APP_DIR = path.resolve(__dirname, '..', '..', '..', 'bench', 'apps', 'durable-bench');

export interface DevHostSpec {
  label: string;
  store: StoreKind;
  batching: boolean;
  /** Table Storage connection string (required for `table`). */
  connectionString?: string;
}

export async function startDevHostRunner(spec: DevHostSpec): Promise<EngineRunner> {
  const host = await startDevHost({
    appDir: BENCH_APP_DIR,
    port: 0,
    store: spec.store,
    storageConnectionString: spec.connectionString,
    azuriteLocation: null,
    clock: { mode: 'real' },
    logger: () => {},
    batching: spec.batching,
    // A copy: the host writes WEBSITE_HOSTNAME into it, and an AzureWebJobsStorage of the caller's
    // environment must not redirect the benchmark to a real account.
    env: { ...process.env, AzureWebJobsStorage: undefined },
  });
  const probes = installProbes(host);
  let counter = 0;
  return {
    label: spec.label,
    run: (workload) => runOnce(host, probes, workload, `${workload.kind}-${spec.store}-${counter++}`),
    close: () => host.close(),
  };
}

async function runOnce(
  host: DevHost,
  probes: Probes,
  workload: Workload,
  instanceId: string,
): Promise<Sample> {
  const { engine } = host;
  const input = JSON.stringify(workload.size);
  await collectGarbage();
  const finished = waitFor(host, instanceId, (s) => TERMINAL_STATUSES.has(s.runtimeStatus));
  let watch;
  if (workload.kind === 'events') {
    // Timed from the first event: the instance is started and waiting before the clock runs.
    const waiting = waitFor(host, instanceId, (s) => s.runtimeStatus === 'Running');
    await engine.start({ name: workload.kind, input, instanceId });
    await waiting;
    probes.reset();
    watch = startStopwatch();
    for (let i = 0; i < workload.size; i++) {
      const accepted = await engine.raiseEvent(instanceId, 'e', JSON.stringify(i));
      if (accepted !== 'accepted')
        throw new Error(`event ${i} for ${instanceId} was not accepted: ${accepted}`);
    }
  } else {
    probes.reset();
    watch = startStopwatch();
    await engine.start({ name: workload.kind, input, instanceId });
  }
  const final = await finished;
  const { wallMs, cpuMs } = watch.stop();
  const breakdown = probes.snapshot();
  checkOutput(final, workload);
  const historyEvents = (await engine.getHistory(instanceId)).length;
  // Outside the clock: keeps the heap (and Azurite's database) the same size for every run.
  await engine.purge(instanceId);
  const episodes = breakdown[ORCHESTRATOR]?.calls ?? 0;
  return { wallMs, cpuMs, historyEvents, episodes, breakdown };
}

function checkOutput(final: InstanceState, workload: Workload): void {
  const expected = expectedOutput(workload);
  const output = final.output === null ? null : (JSON.parse(final.output) as unknown);
  if (final.runtimeStatus !== 'Completed' || output !== expected) {
    throw new Error(
      `${workload.kind} on ${final.instanceId} ended ${final.runtimeStatus} with ${final.output}, expected ${expected}`,
    );
  }
}

/** A run that has not finished by then is stuck: fail the benchmark instead of hanging it. */
const TIMEOUT_MS = 300_000;

/** Resolves on the first committed state matching `predicate` (no polling: the engine's change feed). */
function waitFor(
  host: DevHost,
  instanceId: string,
  predicate: (s: InstanceState) => boolean,
): Promise<InstanceState> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`${instanceId} did not reach the awaited state within ${TIMEOUT_MS / 1000} s`));
    }, TIMEOUT_MS);
    const off = host.engine.onInstanceChange((s) => {
      if (s.instanceId !== instanceId || !predicate(s)) return;
      off();
      clearTimeout(timer);
      resolve(s);
    });
  });
}
