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
import { LIST_PRICES, estimate, type Estimate, type PipelineCounts } from './cost/model.js';

const usd = (value: number): string => `$${value.toFixed(2)}`;

/**
 * The same pipeline measured on main at d61ae88 (2026-12-07), before the cuts of issue 19 (an acting
 * activity records its own timeline entries: no separate `record` after `analyse`, `setWeight`, gates,
 * smoke, sync, approval and release; one `verifyRound` per verification round). Counts do not depend on
 * the machine, so these are exact, not a noisy sample.
 */
export const BEFORE = {
  historyEvents: 1304,
  episodes: 325,
  activities: 211,
  record: 59,
  queueMessages: 555,
  durableTable: 1010,
  gantryTable: 220,
  executions: 550,
  usdPer1000: 0.93,
} as const;

const change = (before: number, after: number): string => {
  const pct = before === 0 ? 0 : Math.round(((after - before) / before) * 100);
  return `${before} -> ${after} (${pct > 0 ? '+' : ''}${pct} %)`;
};

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
      'Cost of one default pipeline (ApiGateway, config/gantry.example.yaml without its train; pipeline + 7 phases, lane apart)',
      `  history events ${s.historyEvents}, episodes ${s.episodes} (+${counts.laneEpisodes} lane), activities ${counts.activities} (+${counts.laneActivities} lane), canary checks ${s.checks}`,
      `  ${types}`,
      `  activities by name: ${top}`,
      `  RunStore calls ${storeCalls.count}: ${[...storeCalls.byOperation].map(([k, v]) => `${k} ${v}`).join(', ')}`,
      `  Azure Storage estimate per pipeline: ${e.queueMessages} queue messages = ${e.queueTransactions} queue transactions; ` +
        `${e.durableTableTransactions} Durable table + ${e.gantryTableTransactions} Gantry table transactions; ${e.executions} function executions`,
      `  per 1,000 deployments at list prices (queue $${LIST_PRICES.queuePer10k}/10k, table $${LIST_PRICES.tablePer10k}/10k, ` +
        `executions $${LIST_PRICES.executionsPerMillion}/M): queue ${usd(e.usdPer1000.queue)}, table ${usd(e.usdPer1000.table)}, ` +
        `executions ${usd(e.usdPer1000.executions)}, total ${usd(e.usdPer1000.total)} (+ GB-s compute, fixed polling and leases)`,
      ...beforeAfter(counts, e, s.activitiesByName.record ?? 0),
    ];
    return { lines, counts };
  } finally {
    await bench.close();
    await stub.close();
  }
}

/**
 * Before (main, recorded above) and now, and whether the pipeline got no dearer. The issue sets no number
 * for cost ("cut what is cheap to cut"), so the only goal checked is: not more than before.
 */
function beforeAfter(c: PipelineCounts, e: Estimate, records: number): string[] {
  const total = Math.round(e.usdPer1000.total * 100) / 100;
  const dearer =
    c.historyEvents > BEFORE.historyEvents || c.activities > BEFORE.activities || total > BEFORE.usdPer1000;
  return [
    '  before (main d61ae88, recorded) -> now:',
    `    history events ${change(BEFORE.historyEvents, c.historyEvents)}, episodes ${change(BEFORE.episodes, c.episodes)}, ` +
      `activities ${change(BEFORE.activities, c.activities)} (record ${change(BEFORE.record, records)})`,
    `    queue messages ${change(BEFORE.queueMessages, e.queueMessages)}, Durable table ${change(BEFORE.durableTable, e.durableTableTransactions)}, ` +
      `Gantry table ${change(BEFORE.gantryTable, e.gantryTableTransactions)}, executions ${change(BEFORE.executions, e.executions)}`,
    `    USD per 1,000 deployments ${usd(BEFORE.usdPer1000)} -> ${usd(total)}`,
    `  cost per pipeline not above main's (no numeric goal in the issue): ${dearer ? 'FAIL' : 'PASS'}`,
  ];
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
