import type { HistoryEvent, InstancePage, InstanceQuery, InstanceState } from './types.js';

/** Outcome of an operation on an existing instance, mapped to HTTP status codes by the management API. */
export type InstanceOpResult = 'accepted' | 'not-found' | 'gone';

export interface StartRequest {
  name: string;
  instanceId?: string;
  /** JSON text of the input; undefined or '' means no input. */
  input?: string;
  version?: string;
}

/**
 * The operations the Durable HTTP surfaces (the SDK's rpcBaseUrl API and the public
 * /runtime/webhooks/durabletask API) perform on the engine. Errors carry a stable `code`
 * (see DurableError).
 */
export interface DurableManagement {
  readonly taskHubName: string;
  /** True when an orchestrationTrigger function of that name is registered. */
  hasOrchestrator(name: string): boolean;
  /** Throws DurableError 'orchestrator-not-found' or 'instance-exists' (a non-terminal instance holds the id). */
  start(request: StartRequest): Promise<{ instanceId: string }>;
  getInstance(instanceId: string): Promise<InstanceState | undefined>;
  /** History of the current execution, oldest first. */
  getHistory(instanceId: string): Promise<HistoryEvent[]>;
  list(query: InstanceQuery): Promise<InstancePage>;
  /** `input` is the raw JSON text posted by the client, or undefined for no payload. */
  raiseEvent(instanceId: string, eventName: string, input: string | undefined): Promise<InstanceOpResult>;
  terminate(instanceId: string, reason: string): Promise<InstanceOpResult>;
  suspend(instanceId: string, reason: string): Promise<InstanceOpResult>;
  resume(instanceId: string, reason: string): Promise<InstanceOpResult>;
  /** 'not-failed' when the instance is not Failed; 'not-supported' when the host cannot rewind. */
  rewind(instanceId: string, reason: string): Promise<InstanceOpResult | 'not-failed' | 'not-supported'>;
  /** Starts again with the original input; returns the new (or same) instance id. */
  restart(instanceId: string, newInstanceId: boolean): Promise<{ instanceId: string } | 'not-found'>;
  purge(instanceId: string): Promise<boolean>;
  /** Purges terminal instances matching the filter; returns how many were deleted. */
  purgeBy(query: InstanceQuery): Promise<number>;
}

export type DurableErrorCode =
  | 'orchestrator-not-found'
  | 'instance-exists'
  | 'invalid-instance-id'
  | 'entities-not-supported'
  | 'store-failure';

export class DurableError extends Error {
  constructor(
    readonly code: DurableErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DurableError';
  }
}
