import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The ingestion benchmark's load generator (a child process, bench/ingest/load-child.ts) against real
 * dev hosts: the floor app's and Gantry's compiled app. Counts and acceptance only, never timings. Runs
 * the compiled benchmark (`npm run build` first), as the child is forked from dist/.
 */
const ROOT = path.resolve(__dirname, '..', '..', '..');
const dist = async <T>(file: string): Promise<T> => (await import(path.join(ROOT, 'dist', file))) as T;

type LoadModule = typeof import('../../../bench/ingest/load.js');
type FloorModule = typeof import('../../../bench/ingest/floor.js');
type SuiteModule = typeof import('../../../bench/ingest/suite.js');
type LoadGenerator = Awaited<ReturnType<LoadModule['startLoadGenerator']>>;

describe('ingestion load generator (child process) and floor app', () => {
  let load: LoadGenerator;
  let floor: Awaited<ReturnType<FloorModule['FloorBench']['start']>>;

  beforeAll(async () => {
    const { startLoadGenerator } = await dist<LoadModule>('bench/ingest/load.js');
    const { FloorBench } = await dist<FloorModule>('bench/ingest/floor.js');
    load = await startLoadGenerator();
    floor = await FloorBench.start(load);
  }, 60_000);

  afterAll(async () => {
    await floor?.close();
    await load?.close();
  });

  it.each([
    ['none', 0],
    ['newDigest', 2],
    ['duplicate', 1],
  ] as const)('floor %s: every event accepted, %d Durable client calls each', async (mode, calls) => {
    const sample = await floor.run(mode, 7, 3);
    expect(sample.events).toBe(7);
    expect(sample.accepted).toBe(7);
    expect(sample.durablePerEvent).toBe(calls);
    expect(sample.durable.byOperation.get('startNew') ?? 0).toBe(mode === 'newDigest' ? 7 : 0);
    expect(sample.p99Ms).toBeGreaterThanOrEqual(sample.p50Ms);
  });

  it('answers a batch with one latency per request', async () => {
    const url = `${floor.host.url}/runtime/webhooks/eventgrid?functionName=floorNone`;
    const times = await load.run({ url, bodies: Array.from({ length: 5 }, () => '[]'), concurrency: 8 });
    expect(times.latencies).toHaveLength(5);
    expect(times.wallMs).toBeGreaterThan(0);
  });

  it('rejects a batch whose answers are not 202, naming the status, and serves the next one', async () => {
    const url = `${floor.host.url}/runtime/webhooks/eventgrid?functionName=noSuchFunction`;
    await expect(load.run({ url, bodies: ['[]', '[]'], concurrency: 2 })).rejects.toThrow(/answered 404/);
    const sample = await floor.run('none', 2, 2);
    expect(sample.accepted).toBe(2);
  });
});

describe('ingestion suite, memory store, a few events', () => {
  it('reports the floor rows, Gantry rows with every push recorded, the goals and the floor ratios', async () => {
    const { runIngestSuite } = await dist<SuiteModule>('bench/ingest/suite.js');
    const report = await runIngestSuite({
      events: 6,
      seed: 0,
      stores: ['memory'],
      warmUp: 64,
      progress: () => {},
    });
    const text = report.lines.join('\n');
    expect(text).toMatch(
      /floor \(minimal Durable app, no Durable client call\) +\d+ events\/s +p50 .* 6\/6 accepted/,
    );
    expect(text).toMatch(
      /floor \(minimal Durable app, same Durable client calls as a new digest\) .* 6\/6 accepted {2}Durable client 2\.00\/event/,
    );
    expect(text).toMatch(
      /floor \(minimal Durable app, same Durable client calls as a duplicate\) .* 6\/6 accepted/,
    );
    expect(text).toMatch(
      /memory store, new digests .* 6\/6 recorded {2}storage 1\.00\/event {2}Durable client 2\.00\/event/,
    );
    expect(text).toMatch(
      /memory store, duplicates .* 6\/6 recorded {2}storage 1\.00\/event {2}Durable client 1\.00\/event/,
    );
    // The goals are reported as before, whatever the verdict.
    expect(text).toMatch(/(PASS|FAIL) {2}memory: \d+ events\/s \(goal >= 500\)/);
    expect(text).toMatch(/(PASS|FAIL) {2}memory: p99 [\d.]+ ms \(goal < 50 ms\)/);
    expect(text).toMatch(
      /info {2}memory: Gantry new digests at \d+% of the floor's rate \(p99 [\d.]+ ms vs [\d.]+ ms\)/,
    );
    expect(text).toMatch(/info {2}memory: Gantry duplicates at \d+% of the floor's rate/);
  }, 120_000);
});
