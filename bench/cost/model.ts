/**
 * What one pipeline would cost on Azure with the Durable Functions Azure Storage backend, estimated
 * from counts the dev host measures (history events by type, episodes, activities, RunStore calls) and
 * the backend's documented behaviour. Assumptions, each a parameter here and stated in docs/benchmarks.md:
 *  - every Durable message (activity work item, activity result, timer, raised event, sub-orchestration
 *    start and completion, continue-as-new) is one PutMessage, one GetMessages and one DeleteMessage:
 *    3 queue transactions (an upper bound: one GetMessages fetches up to 32 messages);
 *  - every orchestrator episode reads the instance's history (1 query while it is under 1,000 rows),
 *    appends its new rows (1 entity-group transaction) and updates the Instances row: 3 table transactions;
 *  - every new instance inserts its Instances row (1 table transaction);
 *  - Gantry's own RunStore: 1 table transaction per call, 2 for the calls that read before they write
 *    (updateDeployment, findDeployment), 3 for a new deployment (createDeployment: its read, then the
 *    id's index row with its first entry and the record with its queue row, two entity-group
 *    transactions, each billed here as one);
 *  - messages stay under the 45 KB that would move them to blobs: no per-pipeline blob transactions.
 * Fixed costs that do not depend on the number of deployments (queue polling, partition leases) are
 * left out of the per-deployment figure.
 */

export interface PipelineCounts {
  episodes: number;
  historyEvents: number;
  activities: number;
  eventsByType: Record<string, number>;
  storeCalls: Record<string, number>;
  /** The service lane's orchestrator episodes and activities for this pipeline. */
  laneEpisodes: number;
  laneActivities: number;
}

export interface Prices {
  /** USD per 10,000 queue operations. */
  queuePer10k: number;
  /** USD per 10,000 table transactions. */
  tablePer10k: number;
  /** USD per million Functions executions (Flex Consumption on-demand). */
  executionsPerMillion: number;
}

/** List prices, Standard general-purpose v2, LRS, pay-as-you-go, USD (see docs/benchmarks.md for date). */
export const LIST_PRICES: Prices = { queuePer10k: 0.004, tablePer10k: 0.00036, executionsPerMillion: 0.4 };

const ROUND_TRIPS: Record<string, number> = { createDeployment: 3, updateDeployment: 2, findDeployment: 2 };

export interface Estimate {
  queueMessages: number;
  queueTransactions: number;
  durableTableTransactions: number;
  gantryTableTransactions: number;
  executions: number;
  usdPer1000: { queue: number; table: number; executions: number; total: number };
}

export function estimate(c: PipelineCounts, prices: Prices = LIST_PRICES): Estimate {
  const n = (type: string): number => c.eventsByType[type] ?? 0;
  const activities = c.activities + c.laneActivities;
  const subOrchestrations = n('SubOrchestrationInstanceCreated') + 1; // the phases, and the pipeline itself
  const queueMessages = 2 * activities + n('TimerCreated') + n('EventRaised') + 2 * subOrchestrations + 1; // + the lane's continue-as-new
  const queueTransactions = 3 * queueMessages;
  const episodes = c.episodes + c.laneEpisodes;
  const durableTableTransactions = 3 * episodes + subOrchestrations;
  const gantryTableTransactions = Object.entries(c.storeCalls).reduce(
    (sum, [call, count]) => sum + count * (ROUND_TRIPS[call] ?? 1),
    0,
  );
  const executions = episodes + activities;
  const queue = (queueTransactions * 1000 * prices.queuePer10k) / 10_000;
  const table = ((durableTableTransactions + gantryTableTransactions) * 1000 * prices.tablePer10k) / 10_000;
  const exec = (executions * 1000 * prices.executionsPerMillion) / 1_000_000;
  return {
    queueMessages,
    queueTransactions,
    durableTableTransactions,
    gantryTableTransactions,
    executions,
    usdPer1000: { queue, table, executions: exec, total: queue + table + exec },
  };
}
