/**
 * The status JSON of the Durable HTTP APIs (devhost-contract 4.3): the instance record with its JSON
 * fields parsed, and optionally the history transformed the way the Durable extension presents it.
 */
import { EventType, EventTypeName, RUNTIME_STATUSES } from './types.js';
import type { HistoryEvent, InstanceState, RuntimeStatus } from './types.js';

export interface StatusJsonOptions {
  /** Defaults to true: the SDK never sends `showInput=false` (pitfall 13). */
  showInput?: boolean;
  /** Keep (and parse) `Result` in history events. */
  showHistoryOutput?: boolean;
}

export type HistoryEventJson = Record<string, unknown>;

export interface StatusJson {
  name: string;
  instanceId: string;
  runtimeStatus: RuntimeStatus;
  input: unknown;
  customStatus: unknown;
  output: unknown;
  createdTime: string;
  lastUpdatedTime: string;
  /** What the HTTP API documents. */
  historyEvents?: HistoryEventJson[];
  /** What the JS SDK reads (Azure/azure-functions-durable-js#620); same array as `historyEvents`. */
  history?: HistoryEventJson[];
}

/**
 * JSON text → value, like the extension's ParseToJToken: null stays null, blank becomes '', and text that
 * is not JSON is returned as the string itself (terminate reasons and failure messages often are not).
 */
export function parseJsonLenient(text: string | null | undefined): unknown {
  if (text === null || text === undefined) return null;
  if (text.trim() === '') return '';
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** `yyyy-MM-ddTHH:mm:ssZ` (no fraction), as the extension formats status times. */
export function formatStatusTime(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

function outputOf(state: InstanceState): unknown {
  // The platform reports the failure text as the output of a Failed instance.
  if (state.runtimeStatus === 'Failed' && state.output === null && state.failureDetails) {
    return state.failureDetails.ErrorMessage;
  }
  return parseJsonLenient(state.output);
}

/**
 * Builds the status JSON. `history` (events of the current execution) is transformed and reported only
 * when given; callers pass it only for `showHistory=true` and never for Pending instances.
 */
export function toStatusJson(
  state: InstanceState,
  history?: readonly HistoryEvent[],
  options: StatusJsonOptions = {},
): StatusJson {
  const showInput = options.showInput ?? true;
  const status: StatusJson = {
    name: state.name,
    instanceId: state.instanceId,
    runtimeStatus: state.runtimeStatus,
    input: showInput ? parseJsonLenient(state.input) : null,
    customStatus: parseJsonLenient(state.customStatus),
    output: outputOf(state),
    createdTime: formatStatusTime(state.createdTime),
    lastUpdatedTime: formatStatusTime(state.lastUpdatedTime),
  };
  if (history) {
    const events = transformHistory(history, { showInput, showHistoryOutput: options.showHistoryOutput });
    status.historyEvents = events;
    status.history = events;
  }
  return status;
}

interface Scheduled {
  index: number;
  event: HistoryEvent;
}

/** Which scheduling event a completion refers to, keyed `<scheduling type>_<EventId>`. */
const SCHEDULING_TYPE: Partial<Record<number, number>> = {
  [EventType.TaskCompleted]: EventType.TaskScheduled,
  [EventType.TaskFailed]: EventType.TaskScheduled,
  [EventType.SubOrchestrationInstanceCompleted]: EventType.SubOrchestrationInstanceCreated,
  [EventType.SubOrchestrationInstanceFailed]: EventType.SubOrchestrationInstanceCreated,
};

function schedulingEvents(events: readonly HistoryEvent[]): Map<string, Scheduled> {
  const scheduled = new Map<string, Scheduled>();
  events.forEach((event, index) => {
    if (
      event.EventType === EventType.TaskScheduled ||
      event.EventType === EventType.SubOrchestrationInstanceCreated
    ) {
      scheduled.set(`${event.EventType}_${event.EventId}`, { index, event });
    }
  });
  return scheduled;
}

/** The scheduling event a completion folds in, if the history still holds it. */
function schedulingOf(event: HistoryEvent, scheduled: Map<string, Scheduled>): Scheduled | undefined {
  const type = SCHEDULING_TYPE[event.EventType];
  return type === undefined ? undefined : scheduled.get(`${type}_${event.TaskScheduledId}`);
}

/**
 * The extension's history presentation: names instead of EventType ints, no EventId/IsPlayed, no
 * OrchestratorStarted/Completed, scheduling events folded into their completions, `Result` only with
 * showHistoryOutput and `Input` only with showInput (both parsed).
 */
export function transformHistory(
  events: readonly HistoryEvent[],
  options: { showInput?: boolean; showHistoryOutput?: boolean } = {},
): HistoryEventJson[] {
  const scheduled = schedulingEvents(events);
  const folded = new Set<number>();
  for (const event of events) {
    const origin = schedulingOf(event, scheduled);
    if (origin) folded.add(origin.index);
  }
  const result: HistoryEventJson[] = [];
  events.forEach((event, index) => {
    if (
      event.EventType === EventType.OrchestratorStarted ||
      event.EventType === EventType.OrchestratorCompleted
    ) {
      return;
    }
    if (folded.has(index)) return;
    result.push(transformEvent(event, schedulingOf(event, scheduled)?.event, options));
  });
  return result;
}

function transformEvent(
  event: HistoryEvent,
  scheduledBy: HistoryEvent | undefined,
  options: { showInput?: boolean; showHistoryOutput?: boolean },
): HistoryEventJson {
  const { EventId: _id, IsPlayed: _played, ...rest } = event;
  const item: HistoryEventJson = { ...rest, EventType: EventTypeName[event.EventType] ?? event.EventType };
  applyTypeRules(item, event, scheduledBy);
  if ('Result' in item) {
    if (options.showHistoryOutput) item.Result = parseJsonLenient(event.Result);
    else delete item.Result;
  }
  if ('Input' in item) {
    if (options.showInput ?? true) item.Input = parseJsonLenient(item.Input as string | null);
    else delete item.Input;
  }
  return item;
}

function applyTypeRules(
  item: HistoryEventJson,
  event: HistoryEvent,
  scheduledBy: HistoryEvent | undefined,
): void {
  switch (event.EventType) {
    case EventType.ExecutionStarted:
      item.FunctionName = event.Name;
      for (const key of ['Name', 'OrchestrationInstance', 'ParentInstance', 'Version', 'Tags'])
        delete item[key];
      break;
    case EventType.ExecutionCompleted:
      if (typeof event.OrchestrationStatus === 'number') {
        item.OrchestrationStatus = RUNTIME_STATUSES[event.OrchestrationStatus] ?? event.OrchestrationStatus;
      }
      break;
    case EventType.TaskScheduled:
    case EventType.SubOrchestrationInstanceCreated:
      delete item.Version;
      break;
    case EventType.TimerFired:
      delete item.TimerId;
      break;
    default:
      if (SCHEDULING_TYPE[event.EventType] !== undefined) foldScheduling(item, scheduledBy);
  }
}

/** Completion events carry the scheduling event's name, time and input instead of its id. */
function foldScheduling(item: HistoryEventJson, scheduledBy: HistoryEvent | undefined): void {
  delete item.TaskScheduledId;
  if (!scheduledBy) return;
  item.FunctionName = scheduledBy.Name;
  item.ScheduledTime = scheduledBy.Timestamp;
  if (scheduledBy.Input !== undefined) item.Input = scheduledBy.Input;
}
