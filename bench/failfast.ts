/**
 * Time to roll back a canary that answers every request with HTTP 500 (issue 6; docs/benchmarks.md,
 * "Fail-fast vs Flagger semantics"): the example configuration's fail-fast bounds against the same
 * canary block with Flagger's semantics only.
 *
 *   npm run bench:failfast                  # = npm run build --silent && node dist/bench/failfast.js
 *   node dist/bench/failfast.js --runs 10
 *
 * Every run is a fresh sandbox and dev host (the compiled app, Azurite for the RunStore, one virtual
 * clock; `test/e2e/sandbox-rig.ts`), a new digest with a 100% error fault, and one release of ApiGateway
 * up to its rollback. Run i starts i × 15/N s after Monday 03:00 UTC, so the fault lands at N different
 * points of the sandbox's 15 s scrape cycle. Variants alternate, the first one rotating each round.
 * Progress goes to stderr, the report to stdout; the process exits 1 only when a run takes another path.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startAzurite } from '../devhost/durable/azurite.js';
import { FileConfigSource } from '../shared/adapters/config-file.js';
import { rollbackTiming, writeFlaggerOnlyConfig } from '../test/e2e/failfast-variants.js';
import { EXAMPLE_CONFIG, MONDAY_03, randomDigest, startSandboxRig } from '../test/e2e/sandbox-rig.js';
import { fixed, table } from './devhost/report.js';
import { median } from './devhost/measure.js';

interface Variant {
  label: string;
  configPath: string;
  /** The rollback reason this variant must end with. */
  reason: RegExp;
}

interface Run {
  variant: string;
  round: number;
  offsetS: number;
  faultAt: string;
  /** Virtual seconds from `weight:10` to `weight:0`. */
  rollbackS: number;
  /** Wall ms from the push to the pipeline's end with the engine idle. */
  releaseWallMs: number;
  /** Wall ms to start the sandbox and the dev host (the app loaded afresh). */
  startWallMs: number;
}

async function runOnce(variant: Variant, storage: string, round: number, runs: number): Promise<Run> {
  const offsetS = Math.floor((round * 15) / runs);
  const started = performance.now();
  const rig = await startSandboxRig({
    configPath: variant.configPath,
    storage,
    startTime: MONDAY_03 + offsetS * 1000,
  });
  const startWallMs = performance.now() - started;
  try {
    const digest = randomDigest();
    if ((await rig.fault(digest, { errorRate: 1 })) !== 200) throw new Error('the sandbox refused the fault');
    const pushed = performance.now();
    const done = await rig.finish(await rig.push(digest));
    const releaseWallMs = performance.now() - pushed;
    if (done.state !== 'RolledBack' || !variant.reason.test(done.reason ?? ''))
      throw new Error(`${variant.label} run ${round + 1}: ${done.state} (${done.reason ?? 'no reason'})`);
    const timing = rollbackTiming((await rig.view(done.id)).timeline);
    return {
      variant: variant.label,
      round,
      offsetS,
      faultAt: new Date(timing.faultAt).toISOString().slice(11, 19),
      rollbackS: timing.ms / 1000,
      releaseWallMs,
      startWallMs,
    };
  } finally {
    await rig.close();
  }
}

async function runAll(variants: Variant[], runs: number): Promise<Run[]> {
  const azurite = await startAzurite({ location: undefined });
  const results: Run[] = [];
  try {
    for (let round = 0; round < runs; round++) {
      for (let k = 0; k < variants.length; k++) {
        const variant = variants[(round + k) % variants.length] as Variant;
        const run = await runOnce(variant, azurite.connectionString, round, runs);
        process.stderr.write(
          `  ${variant.label} run ${round + 1}: rollback after ${run.rollbackS} virtual s, ` +
            `release ${fixed(run.releaseWallMs)} ms wall, start-up ${fixed(run.startWallMs)} ms\n`,
        );
        results.push(run);
      }
    }
  } finally {
    await azurite.stop();
  }
  return results;
}

const RUN_HEADERS = ['variant', 'run', 'start +s', 'weight:10 at', 'rollback (virtual s)', 'release wall ms'];
const SUMMARY_HEADERS = ['variant', 'rollback (virtual s)', 'release wall ms', 'start-up wall ms'];

/** min / median / max, whole numbers. */
const spread = (values: number[]): string =>
  [Math.min(...values), median(values), Math.max(...values)].map((v) => fixed(v)).join(' / ');

function runsTable(variants: Variant[], of: (v: Variant) => Run[]): string {
  const rows = variants.flatMap((v) =>
    of(v)
      .sort((a, b) => a.round - b.round)
      .map((r) => [
        v.label,
        String(r.round + 1),
        String(r.offsetS),
        r.faultAt,
        fixed(r.rollbackS),
        fixed(r.releaseWallMs),
        fixed(r.startWallMs),
      ]),
  );
  return table([...RUN_HEADERS, 'start-up ms'], rows);
}

function summaryTable(variants: Variant[], of: (v: Variant) => Run[]): string {
  const rows = variants.map((v) => {
    const rs = of(v);
    return [
      v.label,
      spread(rs.map((r) => r.rollbackS)),
      spread(rs.map((r) => r.releaseWallMs)),
      spread(rs.map((r) => r.startWallMs)),
    ];
  });
  return table(SUMMARY_HEADERS, rows);
}

function report(variants: Variant[], runs: Run[], spec: { interval: number; threshold: number }): void {
  const of = (v: Variant) => runs.filter((r) => r.variant === v.label);
  console.log(runsTable(variants, of));
  console.log(`\nmin / median / max per variant\n\n${summaryTable(variants, of)}\n`);
  const [fast = Number.NaN, flagger = Number.NaN] = variants.map((v) =>
    median(of(v).map((r) => r.rollbackS)),
  );
  const interval = spec.interval / 1000;
  const limit = interval * spec.threshold;
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
  console.log(`Flagger-only / fail-fast (median time to rollback): ${fixed(flagger / fast, 1)}x`);
  console.log(`fail-fast within one interval (<= ${interval} s): ${verdict(fast <= interval)}`);
  console.log(`Flagger-only = interval x threshold (${limit} s): ${verdict(flagger === limit)}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gantry-bench-failfast-'));
  try {
    const variants: Variant[] = [
      { label: 'fail-fast (example)', configPath: EXAMPLE_CONFIG, reason: /^fail-fast: / },
      {
        label: 'Flagger-only',
        configPath: writeFlaggerOnlyConfig(dir),
        reason: /failed checks reached the threshold/,
      },
    ];
    const canary = FileConfigSource.load(EXAMPLE_CONFIG).plan('ApiGateway')?.canary;
    if (!canary) throw new Error(`no ApiGateway in ${EXAMPLE_CONFIG}`);
    const started = performance.now();
    const results = await runAll(variants, runs);
    console.log(
      `\nFail-fast vs Flagger semantics: ApiGateway, 100% HTTP 500 on the canary at 10%, sandbox on the ` +
        `virtual clock;\n${runs} run(s) per variant, each in a fresh sandbox and dev host; time to rollback ` +
        `= weight:10 -> weight:0\n`,
    );
    report(variants, results, canary);
    console.log(
      `\nTotal ${fixed((performance.now() - started) / 1000, 1)} s wall, Node ${process.version}, ` +
        `${os.availableParallelism()} CPU(s), ${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  // Exit now: a host's pending timers must not keep a failed benchmark alive.
  process.exit(1);
});
