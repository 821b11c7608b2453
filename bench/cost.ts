/**
 * Cost of one full default pipeline (docs/benchmarks.md, "Cost per pipeline"): history events,
 * episodes, activities and RunStore calls measured on the dev host (bench/pipeline/driver.ts), turned
 * into Azure Storage transactions and USD per 1,000 deployments by bench/cost/model.ts.
 *
 *   node dist/bench/cost.js
 */
import { PipelineBench } from './pipeline/driver.js';
import { startStorageStub } from './pipeline/storage-stub.js';
import { newCounter } from './ingest/counting.js';
import { LIST_PRICES, estimate, type PipelineCounts } from './cost/model.js';

const usd = (value: number): string => `$${value.toFixed(2)}`;

export async function measurePipelineCost(): Promise<{ lines: string[]; counts: PipelineCounts }> {
  const stub = await startStorageStub();
  const storeCalls = newCounter();
  const bench = await PipelineBench.start({ batching: true, stub, storeCalls });
  try {
    await bench.run(); // warm-up
    storeCalls.count = 0;
    storeCalls.byOperation.clear();
    const s = await bench.run();
    const counts: PipelineCounts = {
      episodes: s.episodes,
      historyEvents: s.historyEvents,
      activities: s.activitiesByName ? Object.values(s.activitiesByName).reduce((a, b) => a + b, 0) : 0,
      eventsByType: s.eventsByType,
      storeCalls: Object.fromEntries(storeCalls.byOperation),
      laneEpisodes: s.invocations - s.episodes,
      laneActivities: s.activities - Object.values(s.activitiesByName).reduce((a, b) => a + b, 0),
    };
    const e = estimate(counts);
    const top = Object.entries(s.activitiesByName)
      .sort((a, b) => b[1] - a[1])
      .map(([name, n]) => `${name} ${n}`)
      .join(', ');
    const types = ['TaskScheduled', 'TimerCreated', 'EventRaised', 'SubOrchestrationInstanceCreated']
      .map((t) => `${t} ${s.eventsByType[t] ?? 0}`)
      .join(', ');
    const lines = [
      'Cost of one default pipeline (ApiGateway, config/gantry.example.yaml; pipeline + 7 phases, lane apart)',
      `  history events ${s.historyEvents}, episodes ${s.episodes} (+${counts.laneEpisodes} lane), activities ${counts.activities} (+${counts.laneActivities} lane), canary checks ${s.checks}`,
      `  ${types}`,
      `  activities by name: ${top}`,
      `  RunStore calls ${storeCalls.count}: ${[...storeCalls.byOperation].map(([k, v]) => `${k} ${v}`).join(', ')}`,
      `  Azure Storage estimate per pipeline: ${e.queueMessages} queue messages = ${e.queueTransactions} queue transactions; ` +
        `${e.durableTableTransactions} Durable table + ${e.gantryTableTransactions} Gantry table transactions; ${e.executions} function executions`,
      `  per 1,000 deployments at list prices (queue $${LIST_PRICES.queuePer10k}/10k, table $${LIST_PRICES.tablePer10k}/10k, ` +
        `executions $${LIST_PRICES.executionsPerMillion}/M): queue ${usd(e.usdPer1000.queue)}, table ${usd(e.usdPer1000.table)}, ` +
        `executions ${usd(e.usdPer1000.executions)}, total ${usd(e.usdPer1000.total)} (+ GB-s compute, fixed polling and leases)`,
    ];
    return { lines, counts };
  } finally {
    await bench.close();
    await stub.close();
  }
}

if (require.main === module)
  measurePipelineCost()
    .then(({ lines }) => {
      console.log(lines.join('\n'));
      process.exit(0);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
