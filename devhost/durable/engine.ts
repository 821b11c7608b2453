import { randomUUID } from 'node:crypto';
import { parseOrchestratorFailure, type OrchestratorState } from './actions.js';
import { CONTROL, EngineBase, STATUS_CODE, iso } from './engine-base.js';
import {
  allocatesInternally,
  emptyBookkeeping,
  internalAllocations,
  planActions,
  type Effect,
  type EpisodePlan,
} from './episode.js';
import { completedId, historyEvent, parseJsonText, simpleFailure, toJsonText } from './history.js';
import type { InstanceRuntime } from './runtime.js';
import {
  EventType,
  TERMINAL_STATUSES,
  type Bookkeeping,
  type HistoryEvent,
  type InboxMessage,
  type InstanceState,
} from './types.js';

/**
 * The Durable task-hub engine: runs orchestrator episodes through the real SDK replay, numbers tasks
 * exactly as the SDK does, executes activities, timers, retries and sub-orchestrations, and commits each
 * episode atomically to the store before acting on it (so a crash loses nothing that was acknowledged).
 */
export class EngineCore extends EngineBase {
  protected async runEpisodes(rt: InstanceRuntime): Promise<void> {
    rt.queued = false;
    rt.busy = true;
    let progressed = true;
    try {
      progressed = await this.episode(rt);
    } catch (error) {
      this.log.error(`episode of ${rt.id} failed in the host; it will be retried`, error);
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      rt.busy = false;
      // Without progress (suspended, or waiting for a start message) the next delivery reschedules.
      if (progressed && !TERMINAL_STATUSES.has(rt.instance.runtimeStatus)) this.schedule(rt);
    }
  }

  /** Runs one episode; false when nothing in the inbox could be processed yet. */
  private async episode(rt: InstanceRuntime): Promise<boolean> {
    if (rt.purged) return false;
    const control = this.pickControl(rt);
    if (control) {
      await this.controlEpisode(rt, control);
      return true;
    }
    if (rt.instance.runtimeStatus === 'Suspended' || TERMINAL_STATUSES.has(rt.instance.runtimeStatus))
      return false;
    const { batch, skipped } = this.pickBatch(rt);
    if (batch.length === 0) {
      if (skipped.length === 0) return false;
      await this.commit(rt, rt.instance, [], skipped);
      return true;
    }
    await this.orchestratorEpisode(rt, batch, skipped);
    return true;
  }

  private pickControl(rt: InstanceRuntime): InboxMessage | undefined {
    const terminate = rt.inbox.find((m) => m.event.EventType === EventType.ExecutionTerminated);
    if (terminate) return terminate;
    return rt.inbox.find((m) => CONTROL.has(m.event.EventType));
  }

  /** Takes the longest prefix of the inbox that can share one episode (see docs/architecture.md, batching). */
  /** Takes the longest prefix of the inbox that can share one episode (see docs/architecture.md, batching). */
  private pickBatch(rt: InstanceRuntime): { batch: InboxMessage[]; skipped: string[] } {
    const batch: InboxMessage[] = [];
    const skipped: string[] = [];
    const book = rt.instance.bookkeeping ?? emptyBookkeeping();
    const hasStart = rt.history.length > 0;
    if (!hasStart) {
      // A new execution runs its first episode on the start message alone; events raised meanwhile follow.
      const start = rt.inbox.find(
        (m) => m.event.EventType === EventType.ExecutionStarted && m.executionId === rt.instance.executionId,
      );
      return { batch: start ? [start] : [], skipped };
    }
    for (const m of rt.inbox) {
      const e = m.event;
      if (CONTROL.has(e.EventType)) break;
      const stale =
        m.executionId !== undefined &&
        m.executionId !== rt.instance.executionId &&
        e.EventType !== EventType.EventRaised;
      const id = completedId(e);
      const duplicate =
        (id !== undefined && rt.completed.has(id)) || e.EventType === EventType.ExecutionStarted;
      if (stale || duplicate) {
        skipped.push(m.id);
        continue;
      }
      if (batch.length > 0 && (batch.length >= this.batchLimit || allocatesInternally(book, e))) break;
      batch.push(m);
    }
    return { batch, skipped };
  }

  /** Replays the orchestrator over history plus `events` without committing anything. */
  private async attempt(rt: InstanceRuntime, events: HistoryEvent[], now: number): Promise<Attempt> {
    const book = structuredClone(rt.instance.bookkeeping ?? emptyBookkeeping());
    const started = historyEvent(EventType.OrchestratorStarted, now);
    const delivered = events.map((e) => ({ ...e, IsPlayed: false }));
    const mark = rt.history.length;
    rt.history.push(started, ...delivered);
    for (const e of delivered) this.forgetFiredTimer(book, e);
    let state: OrchestratorState;
    let failed = false;
    try {
      state = await this.invokeOrchestrator(rt, rt.instance);
    } catch (error) {
      failed = true;
      state = parseOrchestratorFailure(error) ?? { isDone: false, actions: [], error: describe(error) };
    } finally {
      rt.history.length = mark;
    }
    const plan: EpisodePlan = { scheduled: [], effects: [], outcome: { kind: 'running' } };
    if (!failed && delivered[0]) internalAllocations(book, delivered[0], now, plan);
    const ctx = { instanceId: rt.id, now, childInstanceId: (seq: number) => `${rt.id}:${seq}` };
    planActions(book, state, failed, ctx, plan);
    return { book, started, delivered, plan };
  }

  private async orchestratorEpisode(
    rt: InstanceRuntime,
    batch: InboxMessage[],
    skipped: string[],
  ): Promise<void> {
    const now = this.clock.now();
    let used = batch;
    let run = await this.attempt(
      rt,
      batch.map((m) => m.event),
      now,
    );
    if (batch.length > 1 && run.plan.outcome.kind !== 'running') {
      // The execution ended somewhere inside the batch and the SDK ignored what followed it: deliver the
      // first event alone, so events behind it stay in the inbox (and follow a continue-as-new).
      used = batch.slice(0, 1);
      run = await this.attempt(
        rt,
        used.map((m) => m.event),
        now,
      );
    }
    const { book, started, delivered, plan } = run;
    const consumed = [...skipped, ...used.map((m) => m.id)];
    const tail = [...plan.scheduled, historyEvent(EventType.OrchestratorCompleted, now)];
    const next = this.nextRecord(rt.instance, plan, book, now);
    if (plan.outcome.kind === 'continued-as-new') {
      await this.commit(rt, next, [], consumed, true);
      rt.history = [];
      rt.completed.clear();
      rt.cancelTimers();
      await this.deliver(rt.id, next.executionId, this.startedEvent(next));
      return;
    }
    tail.push(...this.completionEvents(plan, now));
    await this.commit(rt, next, [started, ...delivered, ...tail], consumed);
    rt.history.push(started, ...delivered, ...tail);
    for (const e of [started, ...delivered, ...tail]) {
      e.IsPlayed = true;
      const id = completedId(e);
      if (id !== undefined) rt.completed.add(id);
    }
    await this.applyEffects(rt, plan.effects);
    await this.afterOutcome(rt);
  }

  private forgetFiredTimer(book: ReturnType<typeof emptyBookkeeping>, e: HistoryEvent): void {
    if (e.EventType !== EventType.TimerFired) return;
    for (const [index, id] of Object.entries(book.timerByAction))
      if (id === e.TimerId) delete book.timerByAction[index];
  }

  private async invokeOrchestrator(rt: InstanceRuntime, instance: InstanceState): Promise<OrchestratorState> {
    const trigger = {
      history: rt.history,
      input: parseJsonText(instance.input),
      instanceId: instance.instanceId,
      isReplaying: false,
      parentInstanceId: instance.parent?.instanceId ?? null,
      upperSchemaVersion: 1,
      upperSchemaVersionNew: 2,
      longRunningTimerIntervalDuration: '3.00:00:00',
      // Never split long timers: one TimerCreated per createTimer keeps numbering simple (contract 2.9).
      maximumShortTimerDuration: '36500.00:00:00',
      defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
    };
    const fn = this.invoker.get(instance.name);
    if (!fn || fn.trigger.type !== 'orchestrationTrigger') {
      throw new Error(
        `The function '${instance.name}' doesn't exist, is disabled, or is not an orchestrator function.`,
      );
    }
    const { result } = await this.invoker.invoke(instance.name, trigger, {
      triggerMetadata: { instanceId: instance.instanceId },
    });
    const state = result as OrchestratorState | undefined;
    if (!state || typeof state !== 'object' || !Array.isArray(state.actions)) {
      throw new Error(
        `Orchestrator '${instance.name}' returned something that is not an orchestrator state.`,
      );
    }
    return state;
  }

  private nextRecord(
    before: InstanceState,
    plan: EpisodePlan,
    book: ReturnType<typeof emptyBookkeeping>,
    now: number,
  ): InstanceState {
    const base: InstanceState = {
      ...before,
      runtimeStatus: 'Running',
      lastUpdatedTime: iso(now),
      customStatus: plan.customStatus ?? before.customStatus,
      bookkeeping: book,
    };
    const outcome = plan.outcome;
    switch (outcome.kind) {
      case 'running':
        return base;
      case 'completed':
        return { ...base, runtimeStatus: 'Completed', output: outcome.output };
      case 'failed':
        return {
          ...base,
          runtimeStatus: 'Failed',
          output: toJsonText(outcome.details.ErrorMessage),
          failureDetails: outcome.details,
        };
      case 'continued-as-new':
        return {
          ...base,
          executionId: randomUUID(),
          input: outcome.input,
          output: null,
          bookkeeping: emptyBookkeeping(),
        };
    }
  }

  private completionEvents(plan: EpisodePlan, now: number): HistoryEvent[] {
    const o = plan.outcome;
    if (o.kind === 'completed') {
      return [
        historyEvent(EventType.ExecutionCompleted, now, {
          OrchestrationStatus: STATUS_CODE.Completed,
          Result: o.output,
        }),
      ];
    }
    if (o.kind === 'failed') {
      return [
        historyEvent(EventType.ExecutionCompleted, now, {
          OrchestrationStatus: STATUS_CODE.Failed,
          Result: toJsonText(o.details.ErrorMessage),
          FailureDetails: o.details,
        }),
      ];
    }
    return [];
  }

  private async applyEffects(rt: InstanceRuntime, effects: Effect[]): Promise<void> {
    for (const effect of effects) {
      switch (effect.kind) {
        case 'activity':
          this.activities.push(this.job(rt, effect.id, effect.name, effect.input));
          break;
        case 'http':
          this.activities.push(this.job(rt, effect.id, 'BuiltIn::HttpActivity', null, effect.request));
          break;
        case 'timer':
          this.armTimer(rt, effect.id, effect.fireAt);
          break;
        case 'cancel-timer':
          rt.timers.get(effect.id)?.cancel();
          rt.timers.delete(effect.id);
          break;
        case 'child':
          await this.createChild(rt, effect);
          break;
      }
    }
  }

  private async afterOutcome(rt: InstanceRuntime): Promise<void> {
    const instance = rt.instance;
    if (!TERMINAL_STATUSES.has(instance.runtimeStatus)) return;
    rt.cancelTimers();
    this.runtimes.delete(rt.id);
    await this.notifyParent(instance);
  }

  /** Terminate, suspend and resume: applied ahead of ordinary messages, as control messages. */
  private async controlEpisode(rt: InstanceRuntime, message: InboxMessage): Promise<void> {
    const now = this.clock.now();
    const before = rt.instance;
    const type = message.event.EventType;
    const events: HistoryEvent[] = [
      historyEvent(EventType.OrchestratorStarted, now),
      { ...message.event, IsPlayed: false },
    ];
    let next: InstanceState = { ...before, lastUpdatedTime: iso(now) };
    let consumed = [message.id];
    if (type === EventType.ExecutionTerminated) {
      const reason = message.event.Input ?? 'null';
      events.push(
        historyEvent(EventType.ExecutionCompleted, now, {
          OrchestrationStatus: STATUS_CODE.Terminated,
          Result: reason,
        }),
      );
      const text = String(parseJsonText(reason) ?? '');
      next = {
        ...next,
        runtimeStatus: 'Terminated',
        output: reason,
        failureDetails: simpleFailure(`Orchestration terminated: ${text}`, 'TerminatedException'),
      };
      consumed = rt.inbox.map((m) => m.id);
    } else if (type === EventType.ExecutionSuspended) {
      next = {
        ...next,
        runtimeStatus:
          before.runtimeStatus === 'Pending' || before.runtimeStatus === 'Running'
            ? 'Suspended'
            : before.runtimeStatus,
      };
    } else if (before.runtimeStatus === 'Suspended') {
      next = { ...next, runtimeStatus: rt.history.length > 0 ? 'Running' : 'Pending' };
    }
    // Control events are recorded only for a started execution; before that they just change the status.
    const record = rt.history.length > 0 ? events : [];
    await this.commit(rt, next, record, consumed);
    rt.history.push(...record.map((e) => ({ ...e, IsPlayed: true })));
    await this.afterOutcome(rt);
  }
}

interface Attempt {
  book: Bookkeeping;
  started: HistoryEvent;
  delivered: HistoryEvent[];
  plan: EpisodePlan;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
