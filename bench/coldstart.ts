/**
 * Cold-start benchmark (docs/benchmarks.md, "Cold start"). `npm run bench` runs it too.
 *
 *   node dist/bench/coldstart.js [--runs 12]
 */
import { parseArgs } from 'node:util';
import { measureColdStart } from './coldstart/measure.js';
import { coldStartReport } from './coldstart/report.js';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '12' } } });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');
  const samples = await measureColdStart(runs, (m) => process.stderr.write(`  ${m}\n`));
  console.log(coldStartReport(samples).lines.join('\n'));
}

if (require.main === module)
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
