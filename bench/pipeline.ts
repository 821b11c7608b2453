/**
 * CPU and wall time of one full default Gantry pipeline (docs/benchmarks.md, "Full pipeline").
 *
 *   npx tsc -p tsconfig.json && node dist/bench/pipeline.js
 *   node dist/bench/pipeline.js --runs 20 --warmups 2 --modes batching
 *   node dist/bench/pipeline.js --profile /tmp/prof && node dist/bench/profile-summary.js /tmp/prof
 *
 * Each mode (engine batching on, and off) gets its own dev host with the compiled app, memory task hub and
 * virtual clock (bench/pipeline/driver.ts). Both hosts start first; after the warm-ups the measured
 * pipelines alternate between them, the starting mode rotating each round, so that JIT warm-up and the
 * machine's slow spells hit both. Progress goes to stderr, the report to stdout. The 2 s goal is
 * reported, not an error exit.
 */
import { parseArgs } from 'node:util';
import { fixed, table } from './devhost/report.js';
import { median } from './devhost/measure.js';
import { PipelineBench, type PipelineSample } from './pipeline/driver.js';
import { startStorageStub } from './pipeline/storage-stub.js';
import { enableProfiling, type RunProfiler } from './devhost/profiler.js';

/** The requirement: a full default pipeline in under 2 s of wall time on the memory store. */
const GOAL_WALL_MS = 2000;

const MODES = [
  { label: 'memory (batching)', key: 'batching', batching: true },
  { label: 'memory/no-batching', key: 'no-batching', batching: false },
] as const;

type Metric = [label: string, value: (s: PipelineSample) => number, digits: number];
const METRICS: Metric[] = [
  ['wall ms', (s) => s.wallMs, 1],
  ['CPU ms', (s) => s.cpuMs, 1],
  ['canary phase CPU ms', (s) => s.canaryCpuMs, 1],
  ['episodes (pipeline + 7 phases)', (s) => s.episodes, 0],
  ['orchestrator invocations (+ lane)', (s) => s.invocations, 0],
  ['history events (pipeline + 7 phases)', (s) => s.historyEvents, 0],
  ['history events (canary phase)', (s) => s.canaryHistoryEvents, 0],
  ['activities executed (+ lane)', (s) => s.activities, 0],
  ['canary checks', (s) => s.checks, 0],
  ['virtual minutes', (s) => s.virtualMinutes, 0],
];

/** Nearest-rank percentile. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function statsTable(samples: PipelineSample[]): string {
  const rows = METRICS.map(([label, value, digits]) => {
    const values = samples.map(value);
    const stats = [median(values), percentile(values, 90), Math.min(...values), Math.max(...values)];
    return [label, ...stats.map((v) => fixed(v, digits))];
  });
  return table(['per pipeline', 'median', 'p90', 'min', 'max'], rows);
}

interface ModeResult {
  label: string;
  samples: PipelineSample[];
}

const med = (samples: PipelineSample[], f: (s: PipelineSample) => number): number => median(samples.map(f));

function perUnitLines(r: ModeResult): string[] {
  const cpu = med(r.samples, (s) => s.cpuMs);
  const checks = med(r.samples, (s) => s.checks);
  const canary = med(r.samples, (s) => s.canaryCpuMs);
  const perEvent = med(r.samples, (s) => (s.cpuMs * 1000) / s.historyEvents);
  return [
    `CPU per pipeline:      ${fixed(cpu, 1)} ms (median)`,
    `CPU per canary check:  ${fixed(canary / checks, 2)} ms (canary phase CPU / ${checks} checks; ` +
      `whole pipeline / ${checks}: ${fixed(cpu / checks, 2)} ms)`,
    `CPU per history event: ${fixed(perEvent, 1)} µs (pipeline CPU / history events of its 8 instances)`,
  ];
}

type Mode = (typeof MODES)[number];

interface Plan {
  modes: Mode[];
  runs: number;
  warmups: number;
  profiler?: RunProfiler;
}

async function runModes({ modes, runs, warmups, profiler }: Plan): Promise<ModeResult[]> {
  const stub = await startStorageStub();
  const benches: PipelineBench[] = [];
  const results: ModeResult[] = modes.map((m) => ({ label: m.label, samples: [] }));
  const one = async (m: number, tag: string, measured = false): Promise<PipelineSample> => {
    profiler?.label(measured ? `pipeline-${modes[m]?.key}-${tag.replace(' ', '_')}` : undefined);
    const s = await (benches[m] as PipelineBench).run();
    process.stderr.write(
      `  ${modes[m]?.label} ${tag}: wall ${fixed(s.wallMs, 1)} ms, CPU ${fixed(s.cpuMs, 1)} ms, ` +
        `${s.episodes} episodes, ${s.historyEvents} history events\n`,
    );
    return s;
  };
  try {
    for (const mode of modes) benches.push(await PipelineBench.start({ batching: mode.batching, stub }));
    for (let m = 0; m < modes.length; m++) for (let i = 0; i < warmups; i++) await one(m, `warm-up ${i + 1}`);
    for (let round = 0; round < runs; round++) {
      for (let k = 0; k < modes.length; k++) {
        const m = (round + k) % modes.length;
        results[m]?.samples.push(await one(m, `run ${round + 1}`, true));
      }
    }
    if (stub.dataRequests() !== 0)
      throw new Error(`${stub.dataRequests()} request(s) reached the storage stub: records left memory`);
  } finally {
    for (const bench of benches) await bench.close();
    await stub.close();
  }
  return results;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '10' },
      warmups: { type: 'string', default: '2' },
      modes: { type: 'string', default: MODES.map((m) => m.key).join(',') },
      profile: { type: 'string' },
    },
  });
  const runs = Number(values.runs);
  const warmups = Number(values.warmups);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');
  if (!Number.isInteger(warmups) || warmups < 0) throw new Error('--warmups must be a whole number');
  const wanted = values.modes.split(',').map((m) => m.trim());
  const modes = MODES.filter((m) => wanted.includes(m.key));
  if (modes.length === 0) throw new Error(`--modes: pick from ${MODES.map((m) => m.key).join(', ')}`);

  const started = performance.now();
  const profiler = values.profile ? enableProfiling(values.profile) : undefined;
  const results = await runModes({ modes, runs, warmups, profiler });

  console.log(
    `\nFull default pipeline (ApiGateway, config/gantry.example.yaml without its train) through the compiled app in the dev ` +
      `host:\nmemory task hub, virtual clock, fakes, in-memory RunStore; ${runs} measured run(s) after ` +
      `${warmups} warm-up(s) per mode\n`,
  );
  for (const r of results) {
    console.log(`${r.label}\n\n${statsTable(r.samples)}\n\n${perUnitLines(r).join('\n')}\n`);
  }
  const [on, off] = results;
  if (on && off) {
    const ratio = (f: (s: PipelineSample) => number): string =>
      fixed(med(off.samples, f) / med(on.samples, f), 2);
    console.log(
      `${off.label} / ${on.label}: CPU ${ratio((s) => s.cpuMs)}x, wall ${ratio((s) => s.wallMs)}x, ` +
        `episodes ${ratio((s) => s.episodes)}x\n`,
    );
  }
  console.log(`Goal: a full default pipeline in under ${GOAL_WALL_MS} ms of wall time (memory store)`);
  for (const r of results) {
    const worst = Math.max(...r.samples.map((s) => s.wallMs));
    const verdict = worst < GOAL_WALL_MS ? 'PASS' : 'FAIL';
    console.log(`  ${r.label}: slowest of ${r.samples.length} ${fixed(worst, 1)} ms ${verdict}`);
  }
  console.log(`\nTotal ${((performance.now() - started) / 1000).toFixed(1)} s, Node ${process.version}`);
}

main().catch((error: unknown) => {
  console.error(error);
  // Exit now: the hosts' pending timers must not keep a failed benchmark alive.
  process.exit(1);
});
