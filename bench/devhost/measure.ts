/**
 * What one measured run yields, and the helpers that take the measurements: wall time from
 * `performance.now()`, CPU time from `process.cpuUsage()` (user + system, whole process: with the
 * in-process Azurite this includes the storage emulator, see docs/benchmarks.md), and a full GC before
 * each run so that one run's garbage is not collected on the next one's clock.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export type WorkloadKind = 'chain' | 'fanOut' | 'events';

export interface Workload {
  kind: WorkloadKind;
  /** Activities (chain, fanOut) or external events (events). */
  size: number;
  unit: 'activities' | 'events';
}

/** Time spent inside the instrumented calls of one run (summed; concurrent calls overlap). */
export type Breakdown = Record<string, { calls: number; ms: number }>;

export interface Sample {
  wallMs: number;
  cpuMs: number;
  /** History events of the finished instance, as the engine itself stores them. */
  historyEvents: number;
  /** Orchestrator episodes (replays of the whole history) the run took. */
  episodes: number;
  breakdown?: Breakdown;
}

/** The answer every workload must produce (checked, so that a fast wrong engine cannot win). */
export function expectedOutput(workload: Workload): number {
  const n = workload.size;
  return workload.kind === 'events' ? n : (n * (n + 1)) / 2;
}

let gcFn: (() => void) | undefined;

/**
 * Full collection between runs, then a short pause for the concurrent sweeper threads to finish (their
 * CPU time would otherwise be charged to the next run). `--expose-gc` is switched on at run time, so a
 * plain `node dist/bench/run.js` works.
 */
export async function collectGarbage(): Promise<void> {
  if (!gcFn) {
    setFlagsFromString('--expose-gc');
    gcFn = runInNewContext('gc') as () => void;
  }
  gcFn();
  await new Promise((resolve) => setTimeout(resolve, 10));
}

export interface Stopwatch {
  /** Wall and CPU milliseconds since the stopwatch started. */
  stop(): { wallMs: number; cpuMs: number };
}

/** Called around every measured interval (the optional profiler, see profiler.ts). */
export interface MeasureHooks {
  begin(): void;
  end(): void;
}

let hooks: MeasureHooks | undefined;

export function setMeasureHooks(next: MeasureHooks | undefined): void {
  hooks = next;
}

export function startStopwatch(): Stopwatch {
  hooks?.begin();
  const cpu = process.cpuUsage();
  const wall = performance.now();
  return {
    stop() {
      const wallMs = performance.now() - wall;
      const used = process.cpuUsage(cpu);
      hooks?.end();
      return { wallMs, cpuMs: (used.user + used.system) / 1000 };
    },
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const at = (i: number): number => sorted[i] ?? Number.NaN;
  return sorted.length % 2 === 1 ? at(mid) : (at(mid - 1) + at(mid)) / 2;
}

/** The sample whose wall time is the median one (odd counts; the lower middle otherwise). */
export function medianSample(samples: Sample[]): Sample {
  const sorted = [...samples].sort((a, b) => a.wallMs - b.wallMs);
  const pick = sorted[Math.floor((sorted.length - 1) / 2)];
  if (!pick) throw new Error('no samples');
  return pick;
}

/** One engine under test: the dev host on one store, or the peer. */
export interface EngineRunner {
  readonly label: string;
  /** Runs the workload once to completion and measures it. */
  run(workload: Workload): Promise<Sample>;
  close(): Promise<void>;
}
