import { randomUUID } from 'node:crypto';
import { VirtualClock } from './clock.js';
import { emptyBookkeeping, type Effect } from './episode.js';
import { failureFields, historyEvent, parseJsonText, simpleFailure } from './history.js';
import { executeActivity, type ActivityJob } from './activity-runner.js';
import { DurableError } from './management.js';
import { InstanceRuntime, pendingWork } from './runtime.js';
import {
  EventType,
  RUNTIME_STATUSES,
  TERMINAL_STATUSES,
  type Clock,
  type FailureDetails,
  type HistoryEvent,
  type InboxMessage,
  type InstanceState,
  type RuntimeStatus,
  type TaskHubStore,
} from './types.js';
import { WorkQueue } from './work-queue.js';
import type { FunctionInvoker } from '../functions/types.js';

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

export const STATUS_CODE = Object.fromEntries(
  RUNTIME_STATUSES.map((status, code) => [status, code]),
) as Record<RuntimeStatus, number>;

export type { ActivityJob };
export const CONTROL = new Set<number>([
  EventType.ExecutionTerminated,
  EventType.ExecutionSuspended,
  EventType.ExecutionResumed,
]);
const silent: EngineLogger = { info: () => {}, warn: () => {}, error: () => {} };
export const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * State, persistence and side effects of the engine: inbox delivery, commits, timers, activity execution,
 * instance creation and parent notification. Episode logic lives in EngineCore (engine.ts).
 */
export abstract class EngineBase {
  protected readonly runtimes = new Map<string, InstanceRuntime>();
  protected readonly store: TaskHubStore;
  protected readonly clock: Clock;
  protected readonly invoker: FunctionInvoker;
  protected readonly log: EngineLogger;
  protected readonly episodes: WorkQueue<InstanceRuntime>;
  protected readonly activities: WorkQueue<ActivityJob>;
  protected readonly batchLimit: number;
  private readonly messagePrefix = Date.now().toString(36).padStart(9, '0');
  private messageCounter = 0;
  private pendingIo = 0;
  protected stopped = false;
  protected readonly listeners = new Set<(instance: InstanceState) => void>();
  private readonly idleWaiters: Array<() => void> = [];
  private readonly detachIdleCheck: () => void = () => {};

  constructor(readonly options: EngineOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.invoker = options.invoker;
    this.log = options.logger ?? silent;
    this.batchLimit = options.batching === false ? 1 : Math.max(1, options.batchLimit ?? 1000);
    const idle = (): void => this.onMaybeIdle();
    this.episodes = new WorkQueue(
      options.maxConcurrentOrchestratorFunctions ?? 10,
      (rt) => this.runEpisodes(rt),
      idle,
    );
    this.activities = new WorkQueue(
      options.maxConcurrentActivityFunctions ?? 10,
      (job) => this.runActivity(job),
      idle,
    );
    if (this.clock instanceof VirtualClock)
      this.detachIdleCheck = this.clock.addIdleCheck(() => this.isIdle());
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
    for (const instance of unfinished)
      if (TERMINAL_STATUSES.has(instance.runtimeStatus)) await this.notifyParent(instance);
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

  protected onMaybeIdle(): void {
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
      await this.createChild(rt, {
        kind: 'child',
        id: e.EventId,
        name: e.Name ?? '',
        instanceId: e.InstanceId ?? '',
        input: e.Input ?? null,
      });
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
        ? {
            Name: p.name,
            OrchestrationInstance: { InstanceId: p.instanceId, ExecutionId: p.executionId },
            TaskScheduleId: p.taskScheduledId,
          }
        : null,
    });
  }

  /** Durably adds an event to an instance's inbox and schedules an episode. Drops it if the instance is gone. */
  protected async deliver(
    instanceId: string,
    executionId: string | undefined,
    event: HistoryEvent,
  ): Promise<boolean> {
    const rt = this.runtimes.get(instanceId);
    if (!rt || rt.purged || this.stopped) return false;
    const message: InboxMessage = { id: this.nextMessageId(), instanceId, executionId, event };
    this.pendingIo++;
    try {
      await this.enqueueWithRetry(message);
      rt.inbox.push(message);
      this.schedule(rt);
      return true;
    } finally {
      this.pendingIo--;
      this.onMaybeIdle();
    }
  }

  /**
   * A transient store failure must not lose an activity result or a timer: enqueue is idempotent on the
   * message id, so the same message is retried a few times before the error goes to the caller.
   */
  private async enqueueWithRetry(message: InboxMessage, attempts = 5): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.store.enqueue(message);
        return;
      } catch (error) {
        if (attempt >= attempts || this.stopped) throw error;
        this.log.warn(`storing a message for ${message.instanceId} failed (attempt ${attempt}); retrying`);
        await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
      }
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

  protected async commit(
    rt: InstanceRuntime,
    next: InstanceState,
    events: HistoryEvent[],
    consumed: string[],
    newExecution = false,
  ): Promise<void> {
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

  protected job(
    rt: InstanceRuntime,
    id: number,
    name: string,
    input: string | null,
    http?: ActivityJob['http'],
  ): ActivityJob {
    return { instanceId: rt.id, executionId: rt.instance.executionId, id, name, input, http };
  }

  protected armTimer(rt: InstanceRuntime, id: number, fireAt: number): void {
    if (rt.timers.has(id) || this.stopped) return;
    const executionId = rt.instance.executionId;
    const handle = this.clock.schedule(fireAt, () => {
      rt.timers.delete(id);
      const fired = historyEvent(EventType.TimerFired, this.clock.now(), {
        TimerId: id,
        FireAt: iso(fireAt),
      });
      this.deliver(rt.id, executionId, fired).catch((error) =>
        this.log.error(`timer ${id} of ${rt.id} not delivered`, error),
      );
    });
    rt.timers.set(id, handle);
  }

  private async runActivity(job: ActivityJob): Promise<void> {
    const event = await executeActivity(this.invoker, job, () => this.clock.now());
    try {
      await this.deliver(job.instanceId, job.executionId, event);
    } catch (error) {
      this.log.error(
        `result of activity ${job.name} (${job.instanceId}#${job.id}) could not be stored`,
        error,
      );
    }
  }

  /** Creates a sub-orchestration instance (idempotent across crashes) or reports why it could not. */
  protected async createChild(
    parent: InstanceRuntime,
    effect: Extract<Effect, { kind: 'child' }>,
  ): Promise<void> {
    const link = {
      instanceId: parent.id,
      executionId: parent.instance.executionId,
      name: parent.instance.name,
      taskScheduledId: effect.id,
    };
    const existing =
      this.runtimes.get(effect.instanceId)?.instance ?? (await this.store.getInstance(effect.instanceId));
    const sameLink =
      existing?.parent?.instanceId === link.instanceId &&
      existing.parent.executionId === link.executionId &&
      existing.parent.taskScheduledId === link.taskScheduledId;
    if (sameLink) return;
    let failure: FailureDetails | undefined;
    if (existing && !TERMINAL_STATUSES.has(existing.runtimeStatus)) {
      failure = simpleFailure(
        `An orchestration with instance ID '${effect.instanceId}' already exists.`,
        'InvalidOperationException',
      );
    } else if (!this.isOrchestrator(effect.name)) {
      failure = simpleFailure(
        `The function '${effect.name}' doesn't exist, is disabled, or is not an orchestrator function.`,
      );
    }
    if (failure) {
      const fields = failureFields('Orchestrator function', effect.name, failure);
      await this.deliver(
        parent.id,
        link.executionId,
        historyEvent(EventType.SubOrchestrationInstanceFailed, this.clock.now(), {
          TaskScheduledId: effect.id,
          ...fields,
        }),
      );
      return;
    }
    await this.createInstance({
      name: effect.name,
      instanceId: effect.instanceId,
      input: effect.input,
      version: effect.version,
      parent: link,
    });
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
      if (!TERMINAL_STATUSES.has(existing.instance.runtimeStatus))
        throw new DurableError(
          'instance-exists',
          `An orchestration with instance ID '${spec.instanceId}' already exists.`,
        );
    }
    const stored = existing?.instance ?? (await this.store.getInstance(spec.instanceId));
    if (stored && !TERMINAL_STATUSES.has(stored.runtimeStatus)) {
      throw new DurableError(
        'instance-exists',
        `An orchestration with instance ID '${spec.instanceId}' already exists.`,
      );
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
        ? historyEvent(EventType.SubOrchestrationInstanceCompleted, now, {
            TaskScheduledId: parent.taskScheduledId,
            Result: instance.output ?? 'null',
          })
        : historyEvent(EventType.SubOrchestrationInstanceFailed, now, {
            TaskScheduledId: parent.taskScheduledId,
            ...failureFields(
              'Orchestrator function',
              instance.name,
              instance.failureDetails ??
                simpleFailure(String(parseJsonText(instance.output) ?? instance.runtimeStatus)),
            ),
          });
    await this.deliver(parent.instanceId, parent.executionId, event);
    await this.store.putInstance({ ...instance, parentNotified: true });
  }

  /** Runs the queued episodes of one instance (EngineCore). */
  protected abstract runEpisodes(rt: InstanceRuntime): Promise<void>;
}
