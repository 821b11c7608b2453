/**
 * Types shared by the Durable backend of the dev host: history events (DurableTask.Core shapes, as the
 * Durable extension serialises them to the Node SDK), instance records, inbox messages, the task-hub store
 * contract and the management surface the HTTP layer calls.
 */

/** DurableTask.Core `EventType` values (see devhost-contract 2.3). */
export const EventType = {
  ExecutionStarted: 0,
  ExecutionCompleted: 1,
  ExecutionFailed: 2,
  ExecutionTerminated: 3,
  TaskScheduled: 4,
  TaskCompleted: 5,
  TaskFailed: 6,
  SubOrchestrationInstanceCreated: 7,
  SubOrchestrationInstanceCompleted: 8,
  SubOrchestrationInstanceFailed: 9,
  TimerCreated: 10,
  TimerFired: 11,
  OrchestratorStarted: 12,
  OrchestratorCompleted: 13,
  EventSent: 14,
  EventRaised: 15,
  ContinueAsNew: 16,
  GenericEvent: 17,
  HistoryState: 18,
  ExecutionSuspended: 19,
  ExecutionResumed: 20,
} as const;
export type EventTypeValue = (typeof EventType)[keyof typeof EventType];
export const EventTypeName: Record<number, string> = Object.fromEntries(
  Object.entries(EventType).map(([name, value]) => [value, name]),
);

/** `FailureDetails` exactly as DTFx serialises it (PascalCase). */
export interface FailureDetails {
  ErrorType: string;
  ErrorMessage: string;
  StackTrace?: string;
  IsNonRetriable: boolean;
  Properties?: Record<string, unknown>;
  InnerFailure?: FailureDetails;
}

/**
 * One history event. Common fields plus the optional type-specific ones; PascalCase because this is the
 * wire shape the SDK reads. `Timestamp` is always an ISO string.
 */
export interface HistoryEvent {
  EventType: EventTypeValue;
  EventId: number;
  IsPlayed: boolean;
  Timestamp: string;
  Name?: string;
  Version?: string;
  /** JSON text (or null) for ExecutionStarted, TaskScheduled, EventRaised, SubOrchestrationInstanceCreated. */
  Input?: string | null;
  Result?: string | null;
  TaskScheduledId?: number;
  TimerId?: number;
  FireAt?: string;
  Reason?: string;
  Details?: string;
  FailureDetails?: FailureDetails;
  InstanceId?: string;
  OrchestrationStatus?: number;
  OrchestrationInstance?: { InstanceId: string; ExecutionId: string };
  ParentInstance?: {
    Name: string;
    Version?: string;
    OrchestrationInstance: { InstanceId: string; ExecutionId: string };
    TaskScheduleId: number;
  } | null;
}

export type RuntimeStatus =
  'Running' | 'Completed' | 'ContinuedAsNew' | 'Failed' | 'Canceled' | 'Terminated' | 'Pending' | 'Suspended';

/** Every runtime status, in DTFx `OrchestrationStatus` order (the index is the status code). */
export const RUNTIME_STATUSES: readonly RuntimeStatus[] = [
  'Running',
  'Completed',
  'ContinuedAsNew',
  'Failed',
  'Canceled',
  'Terminated',
  'Pending',
  'Suspended',
];

export const TERMINAL_STATUSES: ReadonlySet<RuntimeStatus> = new Set([
  'Completed',
  'Failed',
  'Canceled',
  'Terminated',
]);

/** Where a sub-orchestration reports back to. */
export interface ParentLink {
  instanceId: string;
  executionId: string;
  name: string;
  taskScheduledId: number;
}

/** The instance record: what the status API reports and what recovery scans. JSON fields stay JSON text. */
export interface InstanceState {
  instanceId: string;
  name: string;
  version?: string;
  executionId: string;
  runtimeStatus: RuntimeStatus;
  /** JSON text of the current execution's input, or null. */
  input: string | null;
  /** JSON text of the output (or of the failure message for Failed), or null. */
  output: string | null;
  /** JSON text of the last non-falsy custom status, or null. */
  customStatus: string | null;
  failureDetails?: FailureDetails;
  createdTime: string;
  lastUpdatedTime: string;
  parent?: ParentLink;
  /** Set once a terminal sub-orchestration's result has been delivered to its parent's inbox. */
  parentNotified?: boolean;
  /** The engine's own bookkeeping for the current execution, committed atomically with each episode. */
  bookkeeping?: Bookkeeping;
}

/** Host-side retry state of one `...WithRetry` action (contract 2.7). */
export interface RetryState {
  kind: 'activity' | 'suborchestration';
  name: string;
  /** JSON text of the input, re-sent on every attempt. */
  input: string | null;
  childInstanceId?: string;
  options: {
    firstRetryIntervalInMilliseconds: number;
    maxNumberOfAttempts: number;
    backoffCoefficient?: number;
    maxRetryIntervalInMilliseconds?: number;
    retryTimeoutInMilliseconds?: number;
  };
  /** 1-based number of the attempt in flight (or that just failed while waiting on the retry timer). */
  attempt: number;
}

/**
 * What the engine must remember between episodes to number tasks exactly like the SDK (contract 2.5):
 * how many atomic actions it has seen, the next sequence number, which action index each timer has (to
 * notice cancellation) and the retry state keyed by the scheduled id or retry-timer id it waits on.
 */
export interface Bookkeeping {
  seenActions: number;
  nextSequence: number;
  timerByAction: Record<string, number>;
  canceledTimers: number[];
  retries: Record<string, RetryState>;
}

/**
 * A message waiting in an instance's inbox. `event` is the history event to append when the message is
 * consumed (TaskCompleted, TimerFired, EventRaised, ExecutionStarted, ...); control messages use
 * ExecutionTerminated / ExecutionSuspended / ExecutionResumed. `executionId` targets one execution: a
 * message for an older execution is dropped (except events, which follow continue-as-new).
 */
export interface InboxMessage {
  /** Unique and sortable in arrival order within one instance (e.g. zero-padded counter or ULID). */
  id: string;
  instanceId: string;
  executionId?: string;
  event: HistoryEvent;
}

/** Filter for listing instances (status API and purge by filter). */
export interface InstanceQuery {
  createdTimeFrom?: string;
  createdTimeTo?: string;
  runtimeStatus?: RuntimeStatus[];
  instanceIdPrefix?: string;
  /** Page size; the store may return fewer. */
  top?: number;
  continuationToken?: string;
}

export interface InstancePage {
  items: InstanceState[];
  continuationToken?: string;
}

/** Everything one episode changes, committed atomically for one instance. */
export interface EpisodeCommit {
  instance: InstanceState;
  /**
   * Events to append to the history of `instance.executionId` (in order). When `newExecution` is set,
   * the previous execution's history is closed and these start the new execution's history instead.
   */
  appendEvents: HistoryEvent[];
  newExecution?: boolean;
  /** Inbox message ids consumed by this episode. */
  consumedMessageIds: string[];
}

/**
 * Durable storage for the task hub. The engine is the only writer and keeps its own cache, so stores need
 * no cross-call locking; every method must be safe to retry (idempotent) because a crash can interrupt
 * any sequence of calls.
 */
export interface TaskHubStore {
  readonly kind: 'memory' | 'table';
  /** Creates tables/containers if needed. */
  init(): Promise<void>;
  /** Creates or replaces the instance record (start, restart, recovery). */
  putInstance(instance: InstanceState): Promise<void>;
  getInstance(instanceId: string): Promise<InstanceState | undefined>;
  listInstances(query: InstanceQuery): Promise<InstancePage>;
  /** Instances whose status is Running, Pending or Suspended, or terminal with an unnotified parent. */
  listUnfinishedInstances(): Promise<InstanceState[]>;
  /** History of one execution, oldest first. */
  getHistory(instanceId: string, executionId: string): Promise<HistoryEvent[]>;
  /** Adds a message to an instance's inbox (idempotent on `message.id`). */
  enqueue(message: InboxMessage): Promise<void>;
  /** All pending inbox messages of an instance, in arrival order. */
  getInbox(instanceId: string): Promise<InboxMessage[]>;
  /** Atomically appends history, removes consumed messages and writes the instance record. */
  commitEpisode(commit: EpisodeCommit): Promise<void>;
  /** Deletes the instance, all its executions' history and its inbox. Returns false if it did not exist. */
  purgeInstance(instanceId: string): Promise<boolean>;
  close(): Promise<void>;
}

/** A clock the engine (and later the sandbox) schedules on. Real, scaled, or virtual. */
export interface Clock {
  readonly mode: 'real' | 'scaled' | 'virtual';
  now(): number;
  /** Calls `callback` once `now() >= at`. */
  schedule(at: number, callback: () => void): { cancel(): void };
}
