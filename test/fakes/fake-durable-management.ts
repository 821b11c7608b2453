/**
 * In-memory DurableManagement for HTTP-surface tests: holds instances and histories, records every call,
 * and applies the same status rules the engine promises (terminal instances are 'gone', etc.).
 */
import { DurableError } from '../../devhost/durable/management.js';
import type { DurableManagement, InstanceOpResult, StartRequest } from '../../devhost/durable/management.js';
import { EventType, TERMINAL_STATUSES } from '../../devhost/durable/types.js';
import type {
  HistoryEvent,
  InstancePage,
  InstanceQuery,
  InstanceState,
  RuntimeStatus,
} from '../../devhost/durable/types.js';

export interface RecordedCall {
  method: string;
  args: unknown[];
}

const BASE_TIME = Date.parse('2025-01-01T00:00:00Z');

export class FakeDurableManagement implements DurableManagement {
  readonly calls: RecordedCall[] = [];
  readonly instances = new Map<string, InstanceState>();
  readonly histories = new Map<string, HistoryEvent[]>();
  /** Page size when the query has no `top`. */
  pageSize = 2;
  rewindSupported = true;
  /** Runs after start/restart, e.g. to complete the instance at once. */
  onStart?: (state: InstanceState) => void;
  /** When set, every call rejects with it (to test error mapping). */
  failWith?: Error;
  private created = 0;

  constructor(
    readonly taskHubName = 'DevHub',
    private readonly orchestrators: ReadonlySet<string> = new Set(['hello', 'orch']),
  ) {}

  /** Adds an instance directly; `createdTime` defaults to the next tick of a fixed clock. */
  put(partial: Partial<InstanceState> & { instanceId: string }): InstanceState {
    const created = new Date(BASE_TIME + ++this.created * 1000).toISOString();
    const state: InstanceState = {
      name: 'hello',
      executionId: `exec-${this.created}`,
      runtimeStatus: 'Running',
      input: null,
      output: null,
      customStatus: null,
      createdTime: created,
      lastUpdatedTime: created,
      ...partial,
    };
    this.instances.set(state.instanceId, state);
    return state;
  }

  setStatus(instanceId: string, runtimeStatus: RuntimeStatus, output: string | null = null): void {
    const state = this.instances.get(instanceId);
    if (state) this.instances.set(instanceId, { ...state, runtimeStatus, output });
  }

  callsTo(method: string): unknown[][] {
    return this.calls.filter((call) => call.method === method).map((call) => call.args);
  }

  private record(method: string, ...args: unknown[]): void {
    this.calls.push({ method, args });
    if (this.failWith) throw this.failWith;
  }

  hasOrchestrator(name: string): boolean {
    this.record('hasOrchestrator', name);
    return this.orchestrators.has(name);
  }

  async start(request: StartRequest): Promise<{ instanceId: string }> {
    this.record('start', request);
    if (!this.orchestrators.has(request.name)) {
      throw new DurableError('orchestrator-not-found', `no orchestrator ${request.name}`);
    }
    const instanceId = request.instanceId ?? `gen-${this.created + 1}`;
    this.ensureFree(instanceId);
    const state = this.put({
      instanceId,
      name: request.name,
      runtimeStatus: 'Pending',
      input: request.input === undefined || request.input === '' ? null : request.input,
      ...(request.version === undefined ? {} : { version: request.version }),
    });
    this.histories.set(instanceId, [startedEvent(state)]);
    this.onStart?.(state);
    return { instanceId };
  }

  private ensureFree(instanceId: string): void {
    const existing = this.instances.get(instanceId);
    if (existing && !TERMINAL_STATUSES.has(existing.runtimeStatus)) {
      throw new DurableError('instance-exists', `instance ${instanceId} is ${existing.runtimeStatus}`);
    }
  }

  async getInstance(instanceId: string): Promise<InstanceState | undefined> {
    this.record('getInstance', instanceId);
    const state = this.instances.get(instanceId);
    return state ? { ...state } : undefined;
  }

  async getHistory(instanceId: string): Promise<HistoryEvent[]> {
    this.record('getHistory', instanceId);
    return [...(this.histories.get(instanceId) ?? [])];
  }

  async list(query: InstanceQuery): Promise<InstancePage> {
    this.record('list', query);
    const all = this.matching(query).sort((a, b) => a.createdTime.localeCompare(b.createdTime));
    const offset = Number(query.continuationToken ?? '0');
    const size = query.top ?? this.pageSize;
    const next = offset + size < all.length ? String(offset + size) : undefined;
    return { items: all.slice(offset, offset + size), ...(next ? { continuationToken: next } : {}) };
  }

  private matching(query: InstanceQuery): InstanceState[] {
    return [...this.instances.values()].filter(
      (state) =>
        (query.createdTimeFrom === undefined || state.createdTime >= query.createdTimeFrom) &&
        (query.createdTimeTo === undefined || state.createdTime <= query.createdTimeTo) &&
        (query.runtimeStatus === undefined || query.runtimeStatus.includes(state.runtimeStatus)) &&
        (query.instanceIdPrefix === undefined || state.instanceId.startsWith(query.instanceIdPrefix)),
    );
  }

  /** not-found / gone (terminal) / accepted, applying `next` when accepted. */
  private operate(instanceId: string, next?: RuntimeStatus, output?: string): InstanceOpResult {
    const state = this.instances.get(instanceId);
    if (!state) return 'not-found';
    if (TERMINAL_STATUSES.has(state.runtimeStatus)) return 'gone';
    if (next) this.setStatus(instanceId, next, output ?? state.output);
    return 'accepted';
  }

  async raiseEvent(
    instanceId: string,
    eventName: string,
    input: string | undefined,
  ): Promise<InstanceOpResult> {
    this.record('raiseEvent', instanceId, eventName, input);
    return this.operate(instanceId);
  }

  async terminate(instanceId: string, reason: string): Promise<InstanceOpResult> {
    this.record('terminate', instanceId, reason);
    return this.operate(instanceId, 'Terminated', JSON.stringify(reason));
  }

  async suspend(instanceId: string, reason: string): Promise<InstanceOpResult> {
    this.record('suspend', instanceId, reason);
    return this.operate(instanceId, 'Suspended');
  }

  async resume(instanceId: string, reason: string): Promise<InstanceOpResult> {
    this.record('resume', instanceId, reason);
    return this.operate(instanceId, 'Running');
  }

  async rewind(
    instanceId: string,
    reason: string,
  ): Promise<InstanceOpResult | 'not-failed' | 'not-supported'> {
    this.record('rewind', instanceId, reason);
    const state = this.instances.get(instanceId);
    if (!state) return 'not-found';
    if (!this.rewindSupported) return 'not-supported';
    if (state.runtimeStatus === 'Failed') {
      this.setStatus(instanceId, 'Running');
      return 'accepted';
    }
    return TERMINAL_STATUSES.has(state.runtimeStatus) ? 'gone' : 'not-failed';
  }

  async restart(instanceId: string, newInstanceId: boolean): Promise<{ instanceId: string } | 'not-found'> {
    this.record('restart', instanceId, newInstanceId);
    const old = this.instances.get(instanceId);
    if (!old) return 'not-found';
    const id = newInstanceId ? `${instanceId}-restarted` : instanceId;
    this.ensureFree(id);
    const state = this.put({ instanceId: id, name: old.name, input: old.input, runtimeStatus: 'Pending' });
    this.onStart?.(state);
    return { instanceId: id };
  }

  async purge(instanceId: string): Promise<boolean> {
    this.record('purge', instanceId);
    this.histories.delete(instanceId);
    return this.instances.delete(instanceId);
  }

  async purgeBy(query: InstanceQuery): Promise<number> {
    this.record('purgeBy', query);
    const victims = this.matching(query).filter((state) => TERMINAL_STATUSES.has(state.runtimeStatus));
    for (const state of victims) this.instances.delete(state.instanceId);
    return victims.length;
  }
}

function startedEvent(state: InstanceState): HistoryEvent {
  return {
    EventType: EventType.ExecutionStarted,
    EventId: -1,
    IsPlayed: false,
    Timestamp: state.createdTime,
    Name: state.name,
    Input: state.input,
    OrchestrationInstance: { InstanceId: state.instanceId, ExecutionId: state.executionId },
  };
}
