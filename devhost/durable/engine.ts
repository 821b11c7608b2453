import { randomUUID } from 'node:crypto';
import { parseOrchestratorFailure, type OrchestratorState } from './actions.js';
import {
  allocatesInternally,
  emptyBookkeeping,
  internalAllocations,
  planActions,
  type Effect,
  type EpisodePlan,
} from './episode.js';
import { completedId, failureDetailsFrom, failureFields, historyEvent, parseJsonText, simpleFailure, toJsonText } from './history.js';
import { DurableError } from './management.js';
import { InstanceRuntime, pendingWork } from './runtime.js';
import { WorkQueue } from './work-queue.js';
import { VirtualClock } from './clock.js';
import {
  EventType,
  TERMINAL_STATUSES,
  type Clock,
  type FailureDetails,
  type HistoryEvent,
  type InboxMessage,
  type InstanceState,
  type RuntimeStatus,
  type TaskHubStore,
} from './types.js';
import type { FunctionInvoker } from '../functions/types.js';
import { runHttpAction } from './http-action.js';

export interface EngineLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

export interface EngineOptions {
  store: TaskHubStore;
  clock: Clock;
  invoker: FunctionInvoker;
  taskHubName: string;
  maxConcurrentActivityFunctions?: number;
  maxConcurrentOrchestratorFunctions?: number;
  /** Deliver several completions per episode where the numbering rules allow it (default true). */
  batching?: boolean;
  /** Upper bound of events per episode when batching. */
  batchLimit?: number;
  logger?: EngineLogger;
}

interface ActivityJob {
  instanceId: string;
  executionId: string;
  id: number;
  name: string;
  input: string | null;
  http?: Extract<Effect, { kind: 'http' }>['request'];
}

const STATUS_CODE: Record<RuntimeStatus, number> = {
  Running: 0,
  Completed: 1,
  ContinuedAsNew: 2,
  Failed: 3,
  Canceled: 4,
  Terminated: 5,
  Pending: 6,
  Suspended: 7,
};

const CONTROL = new Set<number>([EventType.ExecutionTerminated, EventType.ExecutionSuspended, EventType.ExecutionResumed]);
const silent: EngineLogger = { info: () => {}, warn: () => {}, error: () => {} };
const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * The Durable task-hub engine: runs orchestrator episodes through the real SDK replay, numbers tasks
 * exactly as the SDK does, executes activities, timers, retries and sub-orchestrations, and commits each
 * episode atomically to the store before acting on it (so a crash loses nothing that was acknowledged).
 */
export class EngineCore {
  protected readonly runtimes = new Map<string, InstanceRuntime>();
  protected readonly store: TaskHubStore;
  protected readonly clock: Clock;
  protected readonly invoker: FunctionInvoker;
  protected readonly log: EngineLogger;
  private readonly episodes: WorkQueue<InstanceRuntime>;
  private readonly activities: WorkQueue<ActivityJob>;
  private readonly batchLimit: number;
  private readonly messagePrefix = Date.now().toString(36).padStart(9, '0');
  private messageCounter = 0;
  private pendingIo = 0;
  private stopped = false;
  private readonly listeners = new Set<(instance: InstanceState) => void>();
  private readonly idleWaiters: Array<() => void> = [];
  private readonly detachIdleCheck: () => void = () => {};

  constructor(readonly options: EngineOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.invoker = options.invoker;
    this.log = options.logger ?? silent;
    this.batchLimit = options.batching === false ? 1 : Math.max(1, options.batchLimit ?? 1000);
    const idle = (): void => this.onMaybeIdle();
    this.episodes = new WorkQueue(options.maxConcurrentOrchestratorFunctions ?? 10, (rt) => this.runEpisodes(rt), idle);
    this.activities = new WorkQueue(options.maxConcurrentActivityFunctions ?? 10, (job) => this.runActivity(job), idle);
    if (this.clock instanceof VirtualClock) this.detachIdleCheck = this.clock.addIdleCheck(() => this.isIdle());
  }

  get taskHubName(): string {
    return this.options.taskHubName;
  }

  /** Loads every unfinished instance and redoes whatever a crash interrupted. */
  async open(): Promise<void> {
    await this.store.init();
    const unfinished = await this.store.listUnfinishedInstances();
    const live: InstanceRuntime[] = [];
    for (const instance of unfinished) {
      if (TERMINAL_STATUSES.has(instance.runtimeStatus)) continue;
      const [history, inbox] = await Promise.all([
        this.store.getHistory(instance.instanceId, instance.executionId),
        this.store.getInbox(instance.instanceId),
      ]);
      const rt = new InstanceRuntime(instance, history, inbox);
      this.runtimes.set(rt.id, rt);
      live.push(rt);
    }
    for (const rt of live) await this.resumeWork(rt);
    for (const instance of unfinished) if (TERMINAL_STATUSES.has(instance.runtimeStatus)) await this.notifyParent(instance);
    if (live.length > 0) this.log.info(`resumed ${live.length} unfinished orchestration(s)`);
    this.onMaybeIdle();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const rt of this.runtimes.values()) rt.cancelTimers();
    this.detachIdleCheck();
    await this.waitForIdle();
  }

  isIdle(): boolean {
    return this.episodes.size === 0 && this.activities.size === 0 && this.pendingIo === 0;
  }

  /** Resolves once no episode, activity or store write is in flight. */
  waitForIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Called after every commit with the instance's new record. */
  onInstanceChange(listener: (instance: InstanceState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private onMaybeIdle(): void {
    if (!this.isIdle()) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
    if (this.clock instanceof VirtualClock) this.clock.requestSkip();
  }

  protected async resumeWork(rt: InstanceRuntime): Promise<void> {
    const work = pendingWork(rt);
    for (const e of work.activities) {
      const http = e.Name === 'BuiltIn::HttpActivity' ? JSON.parse(e.Input ?? '{}') : undefined;
      this.activities.push(this.job(rt, e.EventId, e.Name ?? '', e.Input ?? null, http));
    }
    for (const e of work.timers) this.armTimer(rt, e.EventId, Date.parse(e.FireAt ?? '') || this.clock.now());
    for (const e of work.children) {
      await this.createChild(rt, { kind: 'child', id: e.EventId, name: e.Name ?? '', instanceId: e.InstanceId ?? '', input: e.Input ?? null });
    }
    if (work.needsStart) await this.deliver(rt.id, rt.instance.executionId, this.startedEvent(rt.instance));
    this.schedule(rt);
  }

  protected startedEvent(instance: InstanceState): HistoryEvent {
    const p = instance.parent;
    return historyEvent(EventType.ExecutionStarted, this.clock.now(), {
      Name: instance.name,
      Version: instance.version ?? '',
      Input: instance.input,
      OrchestrationInstance: { InstanceId: instance.instanceId, ExecutionId: instance.executionId },
      ParentInstance: p
        ? { Name: p.name, OrchestrationInstance: { InstanceId: p.instanceId, ExecutionId: p.executionId }, TaskScheduleId: p.taskScheduledId }
        : null,
    });
  }

  /** Durably adds an event to an instance's inbox and schedules an episode. Drops it if the instance is gone. */
  protected async deliver(instanceId: string, executionId: string | undefined, event: HistoryEvent): Promise<boolean> {
    const rt = this.runtimes.get(instanceId);
    if (!rt || rt.purged || this.stopped) return false;
    const message: InboxMessage = { id: this.nextMessageId(), instanceId, executionId, event };
    this.pendingIo++;
    try {
      await this.store.enqueue(message);
      rt.inbox.push(message);
      this.schedule(rt);
      return true;
    } finally {
      this.pendingIo--;
      this.onMaybeIdle();
    }
  }

  private nextMessageId(): string {
    return `${this.messagePrefix}-${(this.messageCounter++).toString(36).padStart(8, '0')}`;
  }

  protected schedule(rt: InstanceRuntime): void {
    if (rt.busy || rt.queued || rt.purged || this.stopped || rt.inbox.length === 0) return;
    rt.queued = true;
    this.episodes.push(rt);
  }

  private async runEpisodes(rt: InstanceRuntime): Promise<void> {
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
    if (rt.instance.runtimeStatus === 'Suspended' || TERMINAL_STATUSES.has(rt.instance.runtimeStatus)) return false;
    const { batch, consumed } = this.pickBatch(rt);
    if (batch.length === 0) {
      if (consumed.length === 0) return false;
      await this.commit(rt, rt.instance, [], consumed);
      return true;
    }
    await this.orchestratorEpisode(rt, batch, consumed);
    return true;
  }

  private pickControl(rt: InstanceRuntime): InboxMessage | undefined {
    const terminate = rt.inbox.find((m) => m.event.EventType === EventType.ExecutionTerminated);
    if (terminate) return terminate;
    return rt.inbox.find((m) => CONTROL.has(m.event.EventType));
  }

  /** Takes the longest prefix of the inbox that can share one episode (see docs/architecture.md, batching). */
  private pickBatch(rt: InstanceRuntime): { batch: HistoryEvent[]; consumed: string[] } {
    const batch: HistoryEvent[] = [];
    const consumed: string[] = [];
    const book = rt.instance.bookkeeping ?? emptyBookkeeping();
    const hasStart = rt.history.length > 0;
    if (!hasStart) {
      // A new execution runs its first episode on the start message alone; events raised meanwhile follow.
      const start = rt.inbox.find((m) => m.event.EventType === EventType.ExecutionStarted && m.executionId === rt.instance.executionId);
      return start ? { batch: [start.event], consumed: [start.id] } : { batch, consumed };
    }
    for (const m of rt.inbox) {
      const e = m.event;
      if (CONTROL.has(e.EventType)) break;
      const stale = m.executionId !== undefined && m.executionId !== rt.instance.executionId && e.EventType !== EventType.EventRaised;
      const id = completedId(e);
      const duplicate = (id !== undefined && rt.completed.has(id)) || e.EventType === EventType.ExecutionStarted;
      if (stale || duplicate) {
        consumed.push(m.id);
        continue;
      }
      if (batch.length > 0) {
        const alone = e.EventType === EventType.EventRaised || e.EventType === EventType.ExecutionStarted;
        if (batch.length >= this.batchLimit || alone || allocatesInternally(book, e)) break;
      }
      batch.push(e);
      consumed.push(m.id);
    }
    return { batch, consumed };
  }

  private async orchestratorEpisode(rt: InstanceRuntime, batch: HistoryEvent[], consumed: string[]): Promise<void> {
    const now = this.clock.now();
    const before = rt.instance;
    const book = structuredClone(before.bookkeeping ?? emptyBookkeeping());
    const started = historyEvent(EventType.OrchestratorStarted, now);
    const delivered = batch.map((e) => ({ ...e, IsPlayed: false }));
    const mark = rt.history.length;
    rt.history.push(started, ...delivered);
    for (const e of delivered) this.forgetFiredTimer(book, e);
    let state: OrchestratorState;
    let failed = false;
    try {
      state = await this.invokeOrchestrator(rt, before);
    } catch (error) {
      const parsed = parseOrchestratorFailure(error);
      failed = true;
      state = parsed ?? { isDone: false, actions: [], error: describe(error) };
    }
    const plan: EpisodePlan = { scheduled: [], effects: [], outcome: { kind: 'running' } };
    if (!failed && delivered[0]) internalAllocations(book, delivered[0], now, plan);
    planActions(book, state, failed, { instanceId: rt.id, now, childInstanceId: (seq) => `${rt.id}:${seq}` }, plan);
    const tail = [...plan.scheduled, historyEvent(EventType.OrchestratorCompleted, now)];
    const next = this.nextRecord(before, plan, book, now);
    try {
      if (plan.outcome.kind === 'continued-as-new') {
        await this.commit(rt, next, [], consumed, true);
        rt.history = [];
        rt.completed.clear();
        rt.cancelTimers();
        await this.deliver(rt.id, next.executionId, this.startedEvent(next));
        return;
      } else {
        tail.push(...this.completionEvents(plan, now));
        await this.commit(rt, next, [started, ...delivered, ...tail], consumed);
        rt.history.push(...tail);
      }
    } catch (error) {
      rt.history.length = mark;
      throw error;
    }
    for (const e of delivered) {
      e.IsPlayed = true;
      const id = completedId(e);
      if (id !== undefined) rt.completed.add(id);
    }
    for (const e of tail) e.IsPlayed = true;
    started.IsPlayed = true;
    await this.applyEffects(rt, plan.effects);
    await this.afterOutcome(rt);
  }

  private forgetFiredTimer(book: ReturnType<typeof emptyBookkeeping>, e: HistoryEvent): void {
    if (e.EventType !== EventType.TimerFired) return;
    for (const [index, id] of Object.entries(book.timerByAction)) if (id === e.TimerId) delete book.timerByAction[index];
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
      throw new Error(`The function '${instance.name}' doesn't exist, is disabled, or is not an orchestrator function.`);
    }
    const { result } = await this.invoker.invoke(instance.name, trigger, { triggerMetadata: { instanceId: instance.instanceId } });
    const state = result as OrchestratorState | undefined;
    if (!state || typeof state !== 'object' || !Array.isArray(state.actions)) {
      throw new Error(`Orchestrator '${instance.name}' returned something that is not an orchestrator state.`);
    }
    return state;
  }

  private nextRecord(before: InstanceState, plan: EpisodePlan, book: ReturnType<typeof emptyBookkeeping>, now: number): InstanceState {
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
        return { ...base, runtimeStatus: 'Failed', output: toJsonText(outcome.details.ErrorMessage), failureDetails: outcome.details };
      case 'continued-as-new':
        return { ...base, executionId: randomUUID(), input: outcome.input, output: null, bookkeeping: emptyBookkeeping() };
    }
  }

  private completionEvents(plan: EpisodePlan, now: number): HistoryEvent[] {
    const o = plan.outcome;
    if (o.kind === 'completed') {
      return [historyEvent(EventType.ExecutionCompleted, now, { OrchestrationStatus: STATUS_CODE.Completed, Result: o.output })];
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

  protected async commit(rt: InstanceRuntime, next: InstanceState, events: HistoryEvent[], consumed: string[], newExecution = false): Promise<void> {
    if (rt.purged) throw new Error(`instance ${rt.id} was purged`);
    // Stores get their own copies: the SDK rewrites Timestamp strings into Dates in place on every replay.
    await this.store.commitEpisode({
      instance: next,
      appendEvents: events.map((e) => ({ ...e, Timestamp: new Date(e.Timestamp).toISOString() })),
      newExecution,
      consumedMessageIds: consumed,
    });
    const gone = new Set(consumed);
    rt.inbox = rt.inbox.filter((m) => !gone.has(m.id));
    rt.instance = next;
    for (const listener of this.listeners) listener(next);
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

  private job(rt: InstanceRuntime, id: number, name: string, input: string | null, http?: ActivityJob['http']): ActivityJob {
    return { instanceId: rt.id, executionId: rt.instance.executionId, id, name, input, http };
  }

  private async afterOutcome(rt: InstanceRuntime): Promise<void> {
    const instance = rt.instance;
    if (!TERMINAL_STATUSES.has(instance.runtimeStatus)) return;
    rt.cancelTimers();
    this.runtimes.delete(rt.id);
    await this.notifyParent(instance);
  }

  protected armTimer(rt: InstanceRuntime, id: number, fireAt: number): void {
    if (rt.timers.has(id) || this.stopped) return;
    const executionId = rt.instance.executionId;
    const handle = this.clock.schedule(fireAt, () => {
      rt.timers.delete(id);
      const fired = historyEvent(EventType.TimerFired, this.clock.now(), { TimerId: id, FireAt: iso(fireAt) });
      this.deliver(rt.id, executionId, fired).catch((error) => this.log.error(`timer ${id} of ${rt.id} not delivered`, error));
    });
    rt.timers.set(id, handle);
  }

  private async runActivity(job: ActivityJob): Promise<void> {
    let event: HistoryEvent;
    try {
      const result = job.http ? await runHttpAction(job.http) : await this.invokeActivity(job);
      event = historyEvent(EventType.TaskCompleted, this.clock.now(), { TaskScheduledId: job.id, Result: toJsonText(result) });
    } catch (error) {
      const fields = failureFields('Activity function', job.name, failureDetailsFrom(error));
      event = historyEvent(EventType.TaskFailed, this.clock.now(), { TaskScheduledId: job.id, ...fields });
    }
    try {
      await this.deliver(job.instanceId, job.executionId, event);
    } catch (error) {
      this.log.error(`result of activity ${job.name} (${job.instanceId}#${job.id}) could not be stored`, error);
    }
  }

  private async invokeActivity(job: ActivityJob): Promise<unknown> {
    const fn = this.invoker.get(job.name);
    if (!fn || fn.trigger.type !== 'activityTrigger') {
      throw new Error(`The function '${job.name}' doesn't exist, is disabled, or is not an activity function.`);
    }
    const { result } = await this.invoker.invoke(job.name, parseJsonText(job.input), {
      triggerMetadata: { instanceId: job.instanceId },
    });
    return result;
  }

  /** Creates a sub-orchestration instance (idempotent across crashes) or reports why it could not. */
  protected async createChild(parent: InstanceRuntime, effect: Extract<Effect, { kind: 'child' }>): Promise<void> {
    const link = { instanceId: parent.id, executionId: parent.instance.executionId, name: parent.instance.name, taskScheduledId: effect.id };
    const existing = this.runtimes.get(effect.instanceId)?.instance ?? (await this.store.getInstance(effect.instanceId));
    const sameLink =
      existing?.parent?.instanceId === link.instanceId &&
      existing.parent.executionId === link.executionId &&
      existing.parent.taskScheduledId === link.taskScheduledId;
    if (sameLink) return;
    let failure: FailureDetails | undefined;
    if (existing && !TERMINAL_STATUSES.has(existing.runtimeStatus)) {
      failure = simpleFailure(`An orchestration with instance ID '${effect.instanceId}' already exists.`, 'InvalidOperationException');
    } else if (!this.isOrchestrator(effect.name)) {
      failure = simpleFailure(`The function '${effect.name}' doesn't exist, is disabled, or is not an orchestrator function.`);
    }
    if (failure) {
      const fields = failureFields('Orchestrator function', effect.name, failure);
      await this.deliver(parent.id, link.executionId, historyEvent(EventType.SubOrchestrationInstanceFailed, this.clock.now(), { TaskScheduledId: effect.id, ...fields }));
      return;
    }
    await this.createInstance({ name: effect.name, instanceId: effect.instanceId, input: effect.input, version: effect.version, parent: link });
  }

  protected isOrchestrator(name: string): boolean {
    return this.invoker.get(name)?.trigger.type === 'orchestrationTrigger';
  }

  protected async createInstance(spec: {
    name: string;
    instanceId: string;
    input: string | null;
    version?: string;
    parent?: InstanceState['parent'];
  }): Promise<InstanceState> {
    const existing = this.runtimes.get(spec.instanceId);
    if (existing) {
      if (!TERMINAL_STATUSES.has(existing.instance.runtimeStatus)) throw new DurableError('instance-exists', `An orchestration with instance ID '${spec.instanceId}' already exists.`);
    }
    const stored = existing?.instance ?? (await this.store.getInstance(spec.instanceId));
    if (stored && !TERMINAL_STATUSES.has(stored.runtimeStatus)) {
      throw new DurableError('instance-exists', `An orchestration with instance ID '${spec.instanceId}' already exists.`);
    }
    if (stored) await this.store.purgeInstance(spec.instanceId);
    const now = iso(this.clock.now());
    const instance: InstanceState = {
      instanceId: spec.instanceId,
      name: spec.name,
      version: spec.version,
      executionId: randomUUID(),
      runtimeStatus: 'Pending',
      input: spec.input,
      output: null,
      customStatus: null,
      createdTime: now,
      lastUpdatedTime: now,
      parent: spec.parent,
      bookkeeping: emptyBookkeeping(),
    };
    await this.store.putInstance(instance);
    const rt = new InstanceRuntime(instance, [], []);
    this.runtimes.set(rt.id, rt);
    await this.deliver(rt.id, instance.executionId, this.startedEvent(instance));
    for (const listener of this.listeners) listener(instance);
    return instance;
  }

  /** Reports a terminal sub-orchestration to its parent once, surviving crashes via `parentNotified`. */
  protected async notifyParent(instance: InstanceState): Promise<void> {
    const parent = instance.parent;
    if (!parent || instance.parentNotified) return;
    const now = this.clock.now();
    const event =
      instance.runtimeStatus === 'Completed'
        ? historyEvent(EventType.SubOrchestrationInstanceCompleted, now, { TaskScheduledId: parent.taskScheduledId, Result: instance.output ?? 'null' })
        : historyEvent(EventType.SubOrchestrationInstanceFailed, now, {
            TaskScheduledId: parent.taskScheduledId,
            ...failureFields('Orchestrator function', instance.name, instance.failureDetails ?? simpleFailure(String(parseJsonText(instance.output) ?? instance.runtimeStatus))),
          });
    await this.deliver(parent.instanceId, parent.executionId, event);
    await this.store.putInstance({ ...instance, parentNotified: true });
  }

  /** Terminate, suspend and resume: applied ahead of ordinary messages, as control messages. */
  private async controlEpisode(rt: InstanceRuntime, message: InboxMessage): Promise<void> {
    const now = this.clock.now();
    const before = rt.instance;
    const type = message.event.EventType;
    const events: HistoryEvent[] = [historyEvent(EventType.OrchestratorStarted, now), { ...message.event, IsPlayed: false }];
    let next: InstanceState = { ...before, lastUpdatedTime: iso(now) };
    let consumed = [message.id];
    if (type === EventType.ExecutionTerminated) {
      const reason = message.event.Input ?? 'null';
      events.push(historyEvent(EventType.ExecutionCompleted, now, { OrchestrationStatus: STATUS_CODE.Terminated, Result: reason }));
      const text = String(parseJsonText(reason) ?? '');
      next = { ...next, runtimeStatus: 'Terminated', output: reason, failureDetails: simpleFailure(`Orchestration terminated: ${text}`, 'TerminatedException') };
      consumed = rt.inbox.map((m) => m.id);
    } else if (type === EventType.ExecutionSuspended) {
      next = { ...next, runtimeStatus: before.runtimeStatus === 'Pending' || before.runtimeStatus === 'Running' ? 'Suspended' : before.runtimeStatus };
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

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
