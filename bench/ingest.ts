/**
 * Ingestion benchmark (docs/benchmarks.md, "Event ingestion"): distinct ACR pushes through the Event
 * Grid route at concurrency 32, on the memory run store and on the Table store (Azurite), the latter
 * empty and then holding 20,000 more deployments of the same service, and first the floor: a minimal
 * Durable app making the same Durable client calls (bench/ingest/floor.ts). The events are sent from a
 * child process (bench/ingest/load.ts). `npm run bench` runs it too.
 *
 *   node dist/bench/ingest.js [--events 1000] [--seed 20000] [--stores memory,table] [--profile DIR]
 */
import { parseArgs } from 'node:util';
import { runIngestSuite } from './ingest/suite.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: '1000' },
      seed: { type: 'string', default: '20000' },
      stores: { type: 'string', default: 'memory,table' },
      profile: { type: 'string' },
    },
  });
  const report = await runIngestSuite({
    events: Number(values.events),
    seed: Number(values.seed),
    stores: values.stores.split(',').map((s) => s.trim()),
    profile: values.profile,
    progress: (m) => process.stderr.write(`  ${m}\n`),
  });
  console.log(report.lines.join('\n'));
}

if (require.main === module)
  main()
    .then(() => process.exit(0))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
