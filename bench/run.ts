/**
 * Benchmarks of the dev host's Durable engine against the peer (docs/benchmarks.md).
 *
 *   npm run bench                                   # everything: Durable engine, cold start, ingestion, cost
 *   node dist/bench/run.js --suites coldstart,ingest,cost   # the user-facing figures only (issue 19)
 *   node dist/bench/run.js --runs 1 --engines memory,peer --workloads fanOut
 *   node dist/bench/run.js --engines table --profile /tmp/prof && node dist/bench/profile-summary.js /tmp/prof
 *
 * Progress goes to stderr, the report to stdout. A missed goal is reported, not an error exit.
 */
import { parseArgs } from 'node:util';
import { ENGINE, ENGINES, WORKLOADS, runSuite } from './devhost/suite.js';
import {
  breakdownTable,
  goalLine,
  ratioLine,
  summarize,
  workloadTable,
  workloadTitle,
  type Goal,
  type Summary,
} from './devhost/report.js';
import type { WorkloadKind } from './devhost/measure.js';
import { enableProfiling } from './devhost/profiler.js';
import { measureColdStart } from './coldstart/measure.js';
import { coldStartReport } from './coldstart/report.js';
import { runIngestSuite } from './ingest/suite.js';
import { measurePipelineCost } from './cost.js';

const SUITES = ['durable', 'coldstart', 'ingest', 'cost'] as const;

function pick<T>(all: T[], names: string | undefined, key: (item: T) => string): T[] {
  if (!names) return all;
  const chosen = names.split(',').flatMap((name) => {
    const wanted = name.trim().toLowerCase();
    const exact = all.filter((item) => key(item).toLowerCase() === wanted);
    return exact.length > 0 ? exact : all.filter((item) => key(item).toLowerCase().includes(wanted));
  });
  if (chosen.length === 0) throw new Error(`nothing matches "${names}" (have: ${all.map(key).join(', ')})`);
  return chosen;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '3' },
      engines: { type: 'string' },
      workloads: { type: 'string' },
      profile: { type: 'string' },
      suites: { type: 'string', default: SUITES.join(',') },
      'cold-runs': { type: 'string', default: '12' },
      events: { type: 'string', default: '1000' },
    },
  });
  const suites = pick([...SUITES], values.suites, (s) => s);
  const started = performance.now();
  if (suites.includes('durable')) await durableSuite(values);
  const verdicts: string[] = [];
  if (suites.includes('coldstart')) {
    const report = coldStartReport(await measureColdStart(Number(values['cold-runs']), progress));
    console.log(`\n${report.lines.join('\n')}`);
    verdicts.push(`cold start: ${report.pass ? 'PASS' : 'FAIL'}`);
  }
  if (suites.includes('ingest')) {
    const report = await runIngestSuite({
      events: Number(values.events),
      seed: 20_000,
      stores: ['memory', 'table'],
      progress,
    });
    console.log(`\n${report.lines.join('\n')}`);
    verdicts.push(`ingestion: ${report.pass ? 'PASS' : 'FAIL'}`);
  }
  if (suites.includes('cost')) console.log(`\n${(await measurePipelineCost()).lines.join('\n')}`);
  if (verdicts.length > 0) console.log(`\nUser-facing goals (issue 19): ${verdicts.join(', ')}`);
  console.log(`\nTotal ${((performance.now() - started) / 1000).toFixed(1)} s, Node ${process.version}`);
}

const progress = (message: string): void => void process.stderr.write(`  ${message}\n`);

async function durableSuite(values: {
  runs: string;
  engines?: string;
  workloads?: string;
  profile?: string;
}): Promise<void> {
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer`);
  const engines = pick(ENGINES, values.engines, (e) => e.label);
  const workloads = pick(WORKLOADS, values.workloads, (w) => w.kind);
  const rows = await runSuite({
    runs,
    engines,
    workloads,
    progress: (message) => process.stderr.write(`  ${message}\n`),
    profiler: values.profile ? enableProfiling(values.profile) : undefined,
  });

  const summaries = new Map<WorkloadKind, Summary[]>();
  console.log(`\nDurable engine benchmark, median of ${runs} run(s) after one warm-up per engine\n`);
  for (const w of workloads) {
    const list = rows.filter((r) => r.workload === w).map(summarize);
    summaries.set(w.kind, list);
    console.log(`${workloadTitle(w)}\n\n${workloadTable(w, list)}\n`);
    if (list.some((s) => s.breakdown))
      console.log(
        `Where the dev host's time went (${w.kind}; summed wall time inside the calls, so concurrent ` +
          `calls overlap and include waiting for the event loop):\n\n${breakdownTable(list)}\n`,
      );
  }

  const find = (kind: WorkloadKind, engine: string): Summary | undefined =>
    summaries.get(kind)?.find((s) => s.engine === engine);
  console.log('Goals (throughput ratios from this run):');
  for (const [kind, atLeast] of [
    ['chain', 1],
    ['fanOut', 5],
  ] as const) {
    const workload = workloads.find((w) => w.kind === kind);
    const engine = find(kind, ENGINE.memory);
    const peer = find(kind, ENGINE.peer);
    if (workload && engine && peer)
      console.log(`  ${goalLine({ workload, engine, peer, atLeast } satisfies Goal)}`);
    else console.log(`  ${kind}: not measured in this run`);
  }
  console.log('Table Storage vs memory:');
  for (const w of workloads) {
    const memory = find(w.kind, ENGINE.memory);
    const table = find(w.kind, ENGINE.table);
    if (memory && table) console.log(`  ${w.kind.padEnd(7)} ${ratioLine('throughput', table, memory)}`);
  }
}

main()
  // Exit now: a dev host's pending timers must not keep a finished benchmark alive.
  .then(() => process.exit(0))
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
