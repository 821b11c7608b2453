/**
 * What the benchmark runs: the workloads, the engines, and the schedule. All engines are started up
 * front; each is warmed up with one run of every workload; then the measured runs go round-robin
 * (repetition -> workload -> engine, the starting engine rotating), so that a slow spell of the machine
 * (other processes on a 2-core box) lands on all engines alike instead of on whichever ran then. Only
 * one engine works at a time: the dev hosts are idle between runs and the peer's worker is stopped.
 */
import { startAzurite, type AzuriteHandle } from '../../devhost/durable/azurite.js';
import { startDevHostRunner } from './devhost-runner.js';
import type { EngineRunner, Sample, Workload, WorkloadKind } from './measure.js';
import { startPeerRunner } from './peer.js';
import type { RunProfiler } from './profiler.js';
import type { Row } from './report.js';

export const WORKLOADS: Workload[] = [
  { kind: 'chain', size: 100, unit: 'activities' },
  { kind: 'fanOut', size: 1000, unit: 'activities' },
  { kind: 'events', size: 1000, unit: 'events' },
];

export const ENGINE = {
  memory: 'memory',
  noBatching: 'memory/no-batching',
  table: 'table/Azurite',
  peer: 'peer (durabletask-js)',
} as const;

export interface EngineSpec {
  label: string;
  start(azurite: () => Promise<AzuriteHandle>): Promise<EngineRunner>;
}

export const ENGINES: EngineSpec[] = [
  {
    label: ENGINE.memory,
    start: () => startDevHostRunner({ label: ENGINE.memory, store: 'memory', batching: true }),
  },
  {
    label: ENGINE.noBatching,
    start: () => startDevHostRunner({ label: ENGINE.noBatching, store: 'memory', batching: false }),
  },
  {
    label: ENGINE.table,
    start: async (azurite) =>
      startDevHostRunner({
        label: ENGINE.table,
        store: 'table',
        batching: true,
        connectionString: (await azurite()).connectionString,
      }),
  },
  { label: ENGINE.peer, start: async () => startPeerRunner(ENGINE.peer) },
];

export interface SuiteOptions {
  runs: number;
  engines: EngineSpec[];
  workloads: Workload[];
  progress(message: string): void;
  /** Profiles the measured runs (profiler.ts). */
  profiler?: RunProfiler;
}

export async function runSuite(options: SuiteOptions): Promise<Row[]> {
  let azurite: Promise<AzuriteHandle> | undefined;
  // One in-memory Azurite, started only if a Table Storage engine runs (in-process, like the dev host's).
  const getAzurite = (): Promise<AzuriteHandle> => (azurite ??= startAzurite({ location: undefined }));
  const runners: EngineRunner[] = [];
  try {
    for (const spec of options.engines) runners.push(await spec.start(getAzurite));
    const samples = new Map<string, Sample[]>();
    const key = (runner: EngineRunner, w: WorkloadKind): string => `${runner.label}\n${w}`;
    const measure = async (runner: EngineRunner, w: Workload, what: string): Promise<Sample> => {
      options.profiler?.label(what === 'warm-up' ? undefined : `${runner.label}-${w.kind}-${what}`);
      const sample = await runner.run(w);
      options.progress(`${runner.label} ${w.kind} ${what}: ${sample.wallMs.toFixed(0)} ms`);
      return sample;
    };
    for (const runner of runners) for (const w of options.workloads) await measure(runner, w, 'warm-up');
    for (let i = 0; i < options.runs; i++) {
      const order = rotate(runners, i);
      for (const w of options.workloads) {
        for (const runner of order) {
          const sample = await measure(runner, w, `run ${i + 1}`);
          const list = samples.get(key(runner, w.kind)) ?? [];
          list.push(sample);
          samples.set(key(runner, w.kind), list);
        }
      }
    }
    return options.workloads.flatMap((w) =>
      runners.map((r) => ({ engine: r.label, workload: w, samples: samples.get(key(r, w.kind)) ?? [] })),
    );
  } finally {
    for (const runner of runners) await runner.close();
    if (azurite) await (await azurite).stop();
  }
}

function rotate<T>(items: T[], by: number): T[] {
  const k = items.length === 0 ? 0 : by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}
