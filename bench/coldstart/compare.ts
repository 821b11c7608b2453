/**
 * Fresh-process load times of any Node command lines, interleaved, median wall and CPU time of each:
 * the figures docs/benchmarks.md gives for a base build against a branch, or for a single package.
 *
 *   node dist/bench/coldstart/compare.js --runs 12 -- "-e 0" "-e require('durable-functions')" \
 *     dist/bench/coldstart/load-functions.js "dist/bench/coldstart/load-functions.js --durable"
 *
 * Each argument is one command line for `node`, split on spaces; one that starts with `+telemetry ` runs
 * with production-shaped telemetry settings (measure.ts `TELEMETRY_ENV`):
 *
 *   node dist/bench/coldstart/compare.js -- dist/bench/coldstart/load-functions.js \
 *     "+telemetry dist/bench/coldstart/load-functions.js --expect-telemetry"
 *
 * One unmeasured warm-up round first.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { TELEMETRY_ENV, timeProcess } from './measure.js';
import { median } from './report.js';

const TELEMETRY_PREFIX = '+telemetry ';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: { runs: { type: 'string', default: '12' } },
    allowPositionals: true,
  });
  const runs = Number(values.runs);
  const commands = positionals.map((line) => {
    const telemetry = line.startsWith(TELEMETRY_PREFIX);
    const args = (telemetry ? line.slice(TELEMETRY_PREFIX.length) : line).split(' ');
    return { args, env: telemetry ? TELEMETRY_ENV : {} };
  });
  const wall = commands.map((): number[] => []);
  const cpu = commands.map((): number[] => []);
  const before = loadavg()[0] ?? 0;
  for (let round = 0; round <= runs; round++) {
    for (const [i, { args, env }] of commands.entries()) {
      const sample = await timeProcess(args, env);
      if (round === 0) continue;
      wall[i]?.push(sample.wallMs);
      cpu[i]?.push(sample.cpuMs);
    }
  }
  console.log(`median of ${runs}, load average ${before.toFixed(1)} -> ${(loadavg()[0] ?? 0).toFixed(1)}`);
  for (const [i, line] of positionals.entries())
    console.log(
      `  wall ${median(wall[i] ?? [])
        .toFixed(0)
        .padStart(5)} ms  cpu ${median(cpu[i] ?? [])
        .toFixed(0)
        .padStart(5)} ms  ${line}`,
    );
}

if (require.main === module)
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
