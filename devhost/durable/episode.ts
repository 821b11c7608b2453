import {
  ActionType,
  type Action,
  type OrchestratorState,
  flattenActions,
  idsConsumed,
  isEntityAction,
  preEncodedInput,
  rawInput,
  retryDelay,
} from './actions.js';
import { historyEvent, simpleFailure, toJsonText } from './history.js';
import {
  EventType,
  type Bookkeeping,
  type FailureDetails,
  type HistoryEvent,
  type RetryState,
} from './types.js';

/** Work the engine performs after an episode's commit succeeds. */
export type Effect =
  | { kind: 'activity'; id: number; name: string; input: string | null }
  | { kind: 'http'; id: number; request: NonNullable<Action['httpRequest']> }
  | { kind: 'timer'; id: number; fireAt: number }
  | { kind: 'cancel-timer'; id: number }
  | { kind: 'child'; id: number; name: string; instanceId: string; input: string | null; version?: string };

export type Outcome =
  | { kind: 'running' }
  | { kind: 'completed'; output: string }
  | { kind: 'continued-as-new'; input: string | null }
  | { kind: 'failed'; details: FailureDetails };

export interface EpisodePlan {
  /** Scheduling events to append after the delivered events. */
  scheduled: HistoryEvent[];
  effects: Effect[];
  outcome: Outcome;
  customStatus?: string;
}

export const emptyBookkeeping = (): Bookkeeping => ({
  seenActions: 0,
  nextSequence: 0,
  timerByAction: {},
  canceledTimers: [],
  retries: {},
});

/** True when delivering `event` makes the SDK allocate sequence numbers by itself (retry timers/reschedules). */
export function allocatesInternally(book: Bookkeeping, event: HistoryEvent): boolean {
  switch (event.EventType) {
    case EventType.TaskFailed:
    case EventType.SubOrchestrationInstanceFailed:
      return book.retries[String(event.TaskScheduledId)] !== undefined;
    case EventType.TimerFired:
      return book.retries[String(event.TimerId)] !== undefined;
    default:
      return false;
  }
}

/**
 * Step 1 of the numbering procedure: the allocations the SDK makes while processing the first delivered
 * event (a retry timer after a failed attempt, a reschedule after the retry timer fires).
 */
export function internalAllocations(
  book: Bookkeeping,
  event: HistoryEvent,
  now: number,
  plan: EpisodePlan,
): void {
  const isFailure =
    event.EventType === EventType.TaskFailed || event.EventType === EventType.SubOrchestrationInstanceFailed;
  if (isFailure) {
    const key = String(event.TaskScheduledId);
    const retry = book.retries[key];
    if (!retry) return;
    delete book.retries[key];
    const id = book.nextSequence++;
    const fireAt = now + retryDelay(retry.options, retry.attempt);
    plan.scheduled.push(historyEvent(EventType.TimerCreated, now, { EventId: id, FireAt: iso(fireAt) }));
    plan.effects.push({ kind: 'timer', id, fireAt });
    book.retries[String(id)] = retry;
    return;
  }
  if (event.EventType !== EventType.TimerFired) return;
  const key = String(event.TimerId);
  const retry = book.retries[key];
  if (!retry) return;
  delete book.retries[key];
  if (retry.attempt >= retry.options.maxNumberOfAttempts) return; // the SDK now fails the task
  const next: RetryState = { ...retry, attempt: retry.attempt + 1 };
  const id = book.nextSequence++;
  book.retries[String(id)] = next;
  scheduleCall(next, id, now, plan);
}

function scheduleCall(call: RetryState, id: number, now: number, plan: EpisodePlan): void {
  if (call.kind === 'activity') {
    plan.scheduled.push(
      historyEvent(EventType.TaskScheduled, now, { EventId: id, Name: call.name, Input: call.input }),
    );
    plan.effects.push({ kind: 'activity', id, name: call.name, input: call.input });
  } else {
    const instanceId = call.childInstanceId as string;
    plan.scheduled.push(
      historyEvent(EventType.SubOrchestrationInstanceCreated, now, {
        EventId: id,
        Name: call.name,
        InstanceId: instanceId,
        Input: call.input,
      }),
    );
    plan.effects.push({ kind: 'child', id, name: call.name, instanceId, input: call.input });
  }
}

const iso = (ms: number): string => new Date(ms).toISOString();

export interface PlanContext {
  instanceId: string;
  now: number;
  /** Deterministic child id when the action names none (the extension derives one from the parent). */
  childInstanceId(sequence: number): string;
}

/**
 * Step 2: numbers the atomic actions the SDK added in this episode, turns them into scheduling events and
 * effects, notices cancelled timers and classifies the outcome. Mutates `book`.
 */
export function planActions(
  book: Bookkeeping,
  state: OrchestratorState,
  failed: boolean,
  ctx: PlanContext,
  plan: EpisodePlan,
): void {
  const flat = flattenActions(state.actions ?? []);
  if (state.customStatus !== undefined && state.customStatus !== null)
    plan.customStatus = toJsonText(state.customStatus);
  noticeCancelledTimers(book, flat, plan);
  if (failed) {
    plan.outcome = { kind: 'failed', details: orchestratorFailure(state) };
    return;
  }
  let continueAs: Action | undefined;
  for (let index = book.seenActions; index < flat.length; index++) {
    const action = flat[index] as Action;
    if (isEntityAction(action)) {
      plan.outcome = {
        kind: 'failed',
        details: simpleFailure(
          'Durable entities are not supported by the dev host (see docs/devhost.md).',
          'NotSupportedException',
        ),
      };
      return;
    }
    if (action.actionType === ActionType.ContinueAsNew) continueAs = action;
    if (idsConsumed(action) === 0) continue;
    scheduleAction(book, action, index, book.nextSequence++, ctx, plan);
  }
  book.seenActions = flat.length;
  if (!state.isDone) return;
  continueAs ??= flat.find((a) => a.actionType === ActionType.ContinueAsNew);
  plan.outcome = continueAs
    ? { kind: 'continued-as-new', input: preEncodedInput(continueAs.input) }
    : { kind: 'completed', output: toJsonText(state.output) };
}

function scheduleAction(
  book: Bookkeeping,
  action: Action,
  index: number,
  id: number,
  ctx: PlanContext,
  plan: EpisodePlan,
): void {
  const now = ctx.now;
  switch (action.actionType) {
    case ActionType.CallActivity:
    case ActionType.CallActivityWithRetry: {
      const call: RetryState = {
        kind: 'activity',
        name: action.functionName ?? '',
        input: preEncodedInput(action.input),
        options: action.retryOptions ?? { firstRetryIntervalInMilliseconds: 0, maxNumberOfAttempts: 1 },
        attempt: 1,
      };
      if (action.retryOptions) book.retries[String(id)] = call;
      scheduleCall(call, id, now, plan);
      return;
    }
    case ActionType.CallSubOrchestrator:
    case ActionType.CallSubOrchestratorWithRetry: {
      const call: RetryState = {
        kind: 'suborchestration',
        name: action.functionName ?? '',
        input: rawInput(action.input),
        childInstanceId: action.instanceId || ctx.childInstanceId(id),
        options: action.retryOptions ?? { firstRetryIntervalInMilliseconds: 0, maxNumberOfAttempts: 1 },
        attempt: 1,
      };
      if (action.retryOptions) book.retries[String(id)] = call;
      scheduleCall(call, id, now, plan);
      return;
    }
    case ActionType.CreateTimer: {
      const fireAt = Date.parse(action.fireAt ?? '');
      plan.scheduled.push(historyEvent(EventType.TimerCreated, now, { EventId: id, FireAt: action.fireAt }));
      book.timerByAction[String(index)] = id;
      if (action.isCanceled) book.canceledTimers.push(id);
      else plan.effects.push({ kind: 'timer', id, fireAt: Number.isNaN(fireAt) ? now : fireAt });
      return;
    }
    case ActionType.CallHttp: {
      const request = action.httpRequest ?? { method: 'GET', uri: '' };
      plan.scheduled.push(
        historyEvent(EventType.TaskScheduled, now, {
          EventId: id,
          Name: 'BuiltIn::HttpActivity',
          Input: JSON.stringify(request),
        }),
      );
      plan.effects.push({ kind: 'http', id, request });
      return;
    }
    default:
      return;
  }
}

function noticeCancelledTimers(book: Bookkeeping, flat: Action[], plan: EpisodePlan): void {
  for (const [index, id] of Object.entries(book.timerByAction)) {
    const action = flat[Number(index)];
    if (action?.isCanceled && !book.canceledTimers.includes(id)) {
      book.canceledTimers.push(id);
      plan.effects.push({ kind: 'cancel-timer', id });
    }
  }
  // Forget cancelled timers so the map only holds live ones.
  for (const [index, id] of Object.entries(book.timerByAction)) {
    if (book.canceledTimers.includes(id)) delete book.timerByAction[index];
  }
}

function orchestratorFailure(state: OrchestratorState): FailureDetails {
  const fd = state.failureDetails;
  if (fd) {
    return {
      ErrorType: fd.ErrorType,
      ErrorMessage: fd.ErrorMessage,
      StackTrace: fd.StackTrace,
      IsNonRetriable: fd.IsNonRetriable ?? false,
      Properties: fd.Properties,
    };
  }
  return {
    ErrorType: 'Error',
    ErrorMessage: state.error ?? 'Orchestrator function failed',
    IsNonRetriable: false,
  };
}
