import { completedId } from './history.js';
import { EventType, type HistoryEvent, type InboxMessage, type InstanceState } from './types.js';

/** The engine's in-memory view of one live instance; the store holds the durable copy. */
export class InstanceRuntime {
  /** Scheduled ids (tasks, timers, sub-orchestrations) whose completion is already in history. */
  readonly completed = new Set<number>();
  readonly timers = new Map<number, { cancel(): void }>();
  busy = false;
  queued = false;
  purged = false;

  constructor(
    public instance: InstanceState,
    public history: HistoryEvent[],
    public inbox: InboxMessage[],
  ) {
    for (const e of history) {
      e.IsPlayed = true;
      const id = completedId(e);
      if (id !== undefined) this.completed.add(id);
    }
  }

  get id(): string {
    return this.instance.instanceId;
  }

  cancelTimers(): void {
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
  }
}

export interface PendingWork {
  activities: HistoryEvent[];
  timers: HistoryEvent[];
  children: HistoryEvent[];
  needsStart: boolean;
}

/**
 * What a crash may have left undone for an instance: scheduled activities with no completion in history
 * or inbox (re-run: at-least-once), timers not yet fired and not cancelled (re-armed), sub-orchestrations
 * whose child may not exist yet, and an execution that never got its start message.
 */
export function pendingWork(rt: InstanceRuntime): PendingWork {
  const answered = new Set(rt.completed);
  for (const m of rt.inbox) {
    const id = completedId(m.event);
    if (id !== undefined && (m.executionId === undefined || m.executionId === rt.instance.executionId))
      answered.add(id);
  }
  const canceled = new Set(rt.instance.bookkeeping?.canceledTimers ?? []);
  const work: PendingWork = { activities: [], timers: [], children: [], needsStart: false };
  for (const e of rt.history) {
    if (answered.has(e.EventId)) continue;
    if (e.EventType === EventType.TaskScheduled) work.activities.push(e);
    else if (e.EventType === EventType.TimerCreated && !canceled.has(e.EventId)) work.timers.push(e);
    else if (e.EventType === EventType.SubOrchestrationInstanceCreated) work.children.push(e);
  }
  const started =
    rt.history.some((e) => e.EventType === EventType.ExecutionStarted) ||
    rt.inbox.some((m) => m.event.EventType === EventType.ExecutionStarted);
  work.needsStart = !started;
  return work;
}
