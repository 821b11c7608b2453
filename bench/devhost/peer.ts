/**
 * The peer: Microsoft's in-process Durable engine for JavaScript, `@microsoft/durabletask-js`'s
 * `InMemoryOrchestrationBackend` driven by its `TestOrchestrationWorker` and `TestOrchestrationClient`,
 * running the same three workloads (same shapes as bench/apps/durable-bench/functions/orchestrations.js).
 *
 * Its worker builds every executor with the default `ConsoleLogger` and offers no logger option, so
 * `console.log/info/debug` are replaced by no-ops for the duration of each run (warnings and errors stay
 * visible). Its processing loop spins on `setImmediate` while idle, so the worker is started for each run
 * and stopped after it, never left running while another engine is measured.
 */
import {
  InMemoryOrchestrationBackend,
  OrchestrationStatus,
  TestOrchestrationClient,
  TestOrchestrationWorker,
  whenAll,
  type OrchestrationContext,
  type Task,
} from '@microsoft/durabletask-js';
import {
  collectGarbage,
  expectedOutput,
  startStopwatch,
  type EngineRunner,
  type Sample,
  type Workload,
} from './measure.js';

/** The peer's executor runs async generators only (a plain generator is taken as a finished result). */
type Orchestrator = (
  ctx: OrchestrationContext,
  count: number,
) => AsyncGenerator<Task<unknown>, number, unknown>;

const orchestrators: Record<Workload['kind'], Orchestrator> = {
  chain: async function* (ctx, count) {
    let sum = 0;
    for (let i = 0; i < count; i++) sum += (yield ctx.callActivity('inc', i)) as number;
    return sum;
  },
  fanOut: async function* (ctx, count) {
    const tasks: Task<number>[] = [];
    for (let i = 0; i < count; i++) tasks.push(ctx.callActivity<number, number>('inc', i));
    const results = (yield whenAll(tasks)) as number[];
    return results.reduce((sum, n) => sum + n, 0);
  },
  events: async function* (ctx, count) {
    let received = 0;
    while (received < count) {
      yield ctx.waitForExternalEvent('e');
      received++;
    }
    return received;
  },
};

/** Seconds the client waits for a state before giving up (a stuck peer fails the run, not the bench). */
const TIMEOUT_S = 300;

export function startPeerRunner(label = 'peer (durabletask-js)'): EngineRunner {
  const backend = new InMemoryOrchestrationBackend();
  const client = new TestOrchestrationClient(backend);
  const worker = new TestOrchestrationWorker(backend);
  for (const [name, fn] of Object.entries(orchestrators)) worker.addNamedOrchestrator(name, fn);
  worker.addNamedActivity('inc', (_ctx, n: number) => n + 1);
  let counter = 0;
  // Counts orchestrator episodes: the worker calls this once per work item (one replay each).
  let episodes = 0;
  const complete = backend.completeOrchestration.bind(backend);
  backend.completeOrchestration = (...args) => {
    episodes++;
    complete(...args);
  };
  return {
    label,
    async run(workload) {
      const instanceId = `${workload.kind}-peer-${counter++}`;
      await collectGarbage();
      const restore = silenceConsole();
      await worker.start();
      try {
        return await runOnce(backend, client, workload, instanceId, () => episodes);
      } finally {
        await worker.stop();
        restore();
      }
    },
    async close() {
      await worker.stop();
      backend.reset();
    },
  };
}

async function runOnce(
  backend: InMemoryOrchestrationBackend,
  client: TestOrchestrationClient,
  workload: Workload,
  instanceId: string,
  episodesSoFar: () => number,
): Promise<Sample> {
  let watch;
  let before: number;
  if (workload.kind === 'events') {
    // As on the dev host: timed from the first event, with the instance already waiting for it.
    await client.scheduleNewOrchestration(workload.kind, workload.size, instanceId);
    await client.waitForOrchestrationStart(instanceId, false, TIMEOUT_S);
    before = episodesSoFar();
    watch = startStopwatch();
    for (let i = 0; i < workload.size; i++) await client.raiseOrchestrationEvent(instanceId, 'e', i);
  } else {
    before = episodesSoFar();
    watch = startStopwatch();
    await client.scheduleNewOrchestration(workload.kind, workload.size, instanceId);
  }
  const state = await client.waitForOrchestrationCompletion(instanceId, true, TIMEOUT_S);
  const { wallMs, cpuMs } = watch.stop();
  const episodes = episodesSoFar() - before;
  const expected = expectedOutput(workload);
  const output =
    state?.serializedOutput === undefined ? undefined : (JSON.parse(state.serializedOutput) as unknown);
  if (state?.runtimeStatus !== OrchestrationStatus.COMPLETED || output !== expected) {
    throw new Error(`peer ${workload.kind} ended ${state?.runtimeStatus} with ${state?.serializedOutput}`);
  }
  const historyEvents = backend.getInstance(instanceId)?.history.length ?? 0;
  backend.purge(instanceId);
  return { wallMs, cpuMs, historyEvents, episodes };
}

/** Replaces the console methods the peer's ConsoleLogger uses for its per-event chatter. */
function silenceConsole(): () => void {
  const saved = { log: console.log, info: console.info, debug: console.debug };
  const quiet = (): void => {};
  console.log = quiet;
  console.info = quiet;
  console.debug = quiet;
  return () => Object.assign(console, saved);
}
