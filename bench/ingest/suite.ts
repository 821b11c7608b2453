import { startAzurite, type AzuriteHandle } from '../../devhost/durable/azurite.js';
import { enableProfiling } from '../devhost/profiler.js';
import { startStorageStub } from '../pipeline/storage-stub.js';
import { describeCounts } from './counting.js';
import { IngestBench, SERVICE, digest, type IngestSample, type StoreSpec } from './driver.js';
import { seedTables } from './seed.js';

export const INGEST_GOALS = {
  concurrency: 32,
  memory: { perSecond: 500, p99Ms: 50 },
  table: { perSecond: 200, maxDrop: 0.1 },
  storage: { newDigest: 3, duplicate: 1 },
} as const;

export interface IngestOptions {
  events: number;
  seed: number;
  stores: string[];
  profile?: string;
  progress: (message: string) => void;
}

const verdict = (pass: boolean): string => (pass ? 'PASS' : 'FAIL');

function line(label: string, s: IngestSample): string {
  return (
    `  ${label.padEnd(34)} ${s.perSecond.toFixed(0).padStart(5)} events/s  p50 ${s.p50Ms.toFixed(1).padStart(6)} ms` +
    `  p99 ${s.p99Ms.toFixed(1).padStart(6)} ms  ${s.accepted}/${s.events} recorded  ` +
    `storage ${s.storagePerEvent.toFixed(2)}/event  episodes ${s.episodesPerEvent.toFixed(2)}/event\n` +
    `  ${''.padEnd(34)} (${describeCounts(s.storage, s.events)})`
  );
}

/** One warm-up batch, then new digests, then the same digests again (duplicates). */
async function measure(
  bench: IngestBench,
  events: number,
  label: string,
  options: IngestOptions,
): Promise<{ fresh: IngestSample; dup: IngestSample }> {
  const profiler = options.profile ? enableProfiling(options.profile) : undefined;
  await bench.run(Array.from({ length: 64 }, digest), INGEST_GOALS.concurrency);
  const digests = Array.from({ length: events }, digest);
  profiler?.label(`ingest-${label}-new`);
  const fresh = await bench.run(digests, INGEST_GOALS.concurrency);
  profiler?.label(`ingest-${label}-duplicate`);
  const dup = await bench.run(digests, INGEST_GOALS.concurrency);
  profiler?.label(undefined);
  options.progress(`ingest ${label}: ${fresh.perSecond.toFixed(0)} events/s`);
  return { fresh, dup };
}

async function withBench<T>(spec: StoreSpec, stub: string, fn: (b: IngestBench) => Promise<T>): Promise<T> {
  const bench = await IngestBench.start(spec, stub);
  try {
    return await fn(bench);
  } finally {
    await bench.close();
  }
}

export async function runIngestSuite(options: IngestOptions): Promise<{ lines: string[]; pass: boolean }> {
  const stub = await startStorageStub();
  const lines = [
    `Event ingestion: distinct ACR pushes to the Event Grid route, concurrency ${INGEST_GOALS.concurrency}, ` +
      `${options.events} events per batch (then the same again: duplicates)`,
  ];
  let pass = true;
  const goal = (ok: boolean, text: string): void => {
    pass &&= ok;
    lines.push(`  ${verdict(ok)}  ${text}`);
  };
  try {
    if (options.stores.includes('memory')) {
      const m = await withBench({ kind: 'memory' }, stub.connectionString, (b) =>
        measure(b, options.events, 'memory', options),
      );
      lines.push(line('memory store, new digests', m.fresh), line('memory store, duplicates', m.dup));
      const g = INGEST_GOALS.memory;
      goal(
        m.fresh.perSecond >= g.perSecond,
        `memory: ${m.fresh.perSecond.toFixed(0)} events/s (goal >= ${g.perSecond})`,
      );
      goal(m.fresh.p99Ms < g.p99Ms, `memory: p99 ${m.fresh.p99Ms.toFixed(1)} ms (goal < ${g.p99Ms} ms)`);
    }
    if (options.stores.includes('table')) await tableRuns(options, stub.connectionString, lines, goal);
  } finally {
    await stub.close();
  }
  return { lines, pass };
}

async function tableRuns(
  options: IngestOptions,
  stub: string,
  lines: string[],
  goal: (ok: boolean, text: string) => void,
): Promise<void> {
  const azurite: AzuriteHandle = await startAzurite({ location: undefined });
  try {
    const spec: StoreSpec = {
      kind: 'table',
      connectionString: azurite.connectionString,
      tablePrefix: 'Ingest',
    };
    await withBench(spec, stub, async (bench) => {
      const empty = await measure(bench, options.events, 'table-empty', options);
      options.progress(`seeding ${options.seed} deployments of ${SERVICE}`);
      await seedTables(azurite.connectionString, 'Ingest', SERVICE, options.seed, options.progress);
      const full = await measure(bench, options.events, 'table-seeded', options);
      lines.push(
        line('table store (Azurite), empty', empty.fresh),
        line('table store, duplicates', empty.dup),
        line(`table store, +${options.seed} deployments`, full.fresh),
        line(`table store, +${options.seed}, duplicates`, full.dup),
      );
      const g = INGEST_GOALS.table;
      const drop = 1 - full.fresh.perSecond / empty.fresh.perSecond;
      goal(
        empty.fresh.perSecond >= g.perSecond,
        `table: ${empty.fresh.perSecond.toFixed(0)} events/s empty (goal >= ${g.perSecond})`,
      );
      goal(
        full.fresh.perSecond >= g.perSecond,
        `table: ${full.fresh.perSecond.toFixed(0)} events/s with ${options.seed} deployments (goal >= ${g.perSecond})`,
      );
      goal(
        drop <= g.maxDrop,
        `table: rate changes ${(-drop * 100).toFixed(0)}% from empty to ${options.seed} deployments (goal: falls <= ${g.maxDrop * 100}%)`,
      );
      const s = INGEST_GOALS.storage;
      goal(
        full.fresh.storagePerEvent <= s.newDigest,
        `table: ${full.fresh.storagePerEvent.toFixed(2)} storage round trips per new digest (aim <= ${s.newDigest})`,
      );
      goal(
        full.dup.storagePerEvent <= s.duplicate,
        `table: ${full.dup.storagePerEvent.toFixed(2)} storage round trips per duplicate (aim <= ${s.duplicate})`,
      );
    });
  } finally {
    await azurite.stop();
  }
}
