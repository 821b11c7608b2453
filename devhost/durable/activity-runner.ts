import type { Effect } from './episode.js';
import { failureDetailsFrom, failureFields, historyEvent, parseJsonText, toJsonText } from './history.js';
import { runHttpAction } from './http-action.js';
import { EventType, type HistoryEvent } from './types.js';
import type { FunctionInvoker } from '../functions/types.js';

export interface ActivityJob {
  instanceId: string;
  executionId: string;
  id: number;
  name: string;
  input: string | null;
  http?: Extract<Effect, { kind: 'http' }>['request'];
}

/**
 * Runs one activity attempt (or built-in HTTP call) and turns the outcome into the completion event the
 * orchestrator will see. Never throws: a failure is data (TaskFailed), as on the real host.
 */
export async function executeActivity(
  invoker: FunctionInvoker,
  job: ActivityJob,
  now: () => number,
): Promise<HistoryEvent> {
  try {
    const result = job.http ? await runHttpAction(job.http) : await invokeActivity(invoker, job);
    return historyEvent(EventType.TaskCompleted, now(), {
      TaskScheduledId: job.id,
      Result: toJsonText(result),
    });
  } catch (error) {
    const fields = failureFields('Activity function', job.name, failureDetailsFrom(error));
    return historyEvent(EventType.TaskFailed, now(), { TaskScheduledId: job.id, ...fields });
  }
}

async function invokeActivity(invoker: FunctionInvoker, job: ActivityJob): Promise<unknown> {
  const fn = invoker.get(job.name);
  if (!fn || fn.trigger.type !== 'activityTrigger') {
    throw new Error(`The function '${job.name}' doesn't exist, is disabled, or is not an activity function.`);
  }
  const { result } = await invoker.invoke(job.name, parseJsonText(job.input), {
    triggerMetadata: { instanceId: job.instanceId },
  });
  return result;
}
