import { randomUUID } from 'node:crypto';
import { EngineCore } from './engine.js';
import { historyEvent } from './history.js';
import {
  DurableError,
  type DurableManagement,
  type InstanceOpResult,
  type StartRequest,
} from './management.js';
import {
  EventType,
  TERMINAL_STATUSES,
  type HistoryEvent,
  type InstancePage,
  type InstanceQuery,
  type InstanceState,
} from './types.js';

const hasForbiddenChar = (id: string): boolean =>
  [...id].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f || '/\\#?'.includes(c));

/** Instance ids become Table keys and URL segments: refuse what would break either. */
export function validateInstanceId(id: string): void {
  if (id.length === 0 || id.length > 256 || hasForbiddenChar(id)) {
    throw new DurableError(
      'invalid-instance-id',
      `Invalid instance id '${id.slice(0, 80)}': 1-256 characters, no control characters or / \\ # ?`,
    );
  }
}

/** The engine plus the management operations the Durable HTTP APIs and the test API call. */
export class DurableEngine extends EngineCore implements DurableManagement {
  hasOrchestrator(name: string): boolean {
    return this.isOrchestrator(name);
  }

  async start(request: StartRequest): Promise<{ instanceId: string }> {
    if (!this.isOrchestrator(request.name)) {
      throw new DurableError(
        'orchestrator-not-found',
        `The function '${request.name}' doesn't exist, is disabled, or is not an orchestrator function.`,
      );
    }
    const instanceId = request.instanceId ?? randomUUID().replace(/-/g, '');
    validateInstanceId(instanceId);
    const input = request.input === undefined || request.input === '' ? null : request.input;
    await this.createInstance({ name: request.name, instanceId, input, version: request.version });
    return { instanceId };
  }

  async getInstance(instanceId: string): Promise<InstanceState | undefined> {
    return this.runtimes.get(instanceId)?.instance ?? (await this.store.getInstance(instanceId));
  }

  async getHistory(instanceId: string): Promise<HistoryEvent[]> {
    const rt = this.runtimes.get(instanceId);
    if (rt) return rt.history.map((e) => ({ ...e, Timestamp: new Date(e.Timestamp).toISOString() }));
    const instance = await this.store.getInstance(instanceId);
    return instance ? this.store.getHistory(instanceId, instance.executionId) : [];
  }

  list(query: InstanceQuery): Promise<InstancePage> {
    return this.store.listInstances(query);
  }

  async raiseEvent(
    instanceId: string,
    eventName: string,
    input: string | undefined,
  ): Promise<InstanceOpResult> {
    const state = await this.liveState(instanceId);
    if (state !== 'accepted') return state;
    const event = historyEvent(EventType.EventRaised, this.clock.now(), {
      Name: eventName,
      Input: input ?? null,
    });
    // No execution id: raised events follow the instance across continue-as-new.
    return (await this.deliver(instanceId, undefined, event)) ? 'accepted' : 'gone';
  }

  terminate(instanceId: string, reason: string): Promise<InstanceOpResult> {
    return this.control(instanceId, EventType.ExecutionTerminated, { Input: JSON.stringify(reason) });
  }

  suspend(instanceId: string, reason: string): Promise<InstanceOpResult> {
    return this.control(instanceId, EventType.ExecutionSuspended, { Reason: reason });
  }

  resume(instanceId: string, reason: string): Promise<InstanceOpResult> {
    return this.control(instanceId, EventType.ExecutionResumed, { Reason: reason });
  }

  async rewind(instanceId: string): Promise<InstanceOpResult | 'not-failed' | 'not-supported'> {
    const instance = await this.getInstance(instanceId);
    if (!instance) return 'not-found';
    if (instance.runtimeStatus !== 'Failed')
      return TERMINAL_STATUSES.has(instance.runtimeStatus) ? 'gone' : 'not-failed';
    return 'not-supported';
  }

  async restart(instanceId: string, newInstanceId: boolean): Promise<{ instanceId: string } | 'not-found'> {
    const instance = await this.getInstance(instanceId);
    if (!instance) return 'not-found';
    return this.start({
      name: instance.name,
      instanceId: newInstanceId ? undefined : instanceId,
      input: instance.input ?? undefined,
      version: instance.version,
    });
  }

  async purge(instanceId: string): Promise<boolean> {
    const rt = this.runtimes.get(instanceId);
    if (rt) {
      rt.purged = true;
      rt.cancelTimers();
      while (rt.busy) await new Promise((resolve) => setImmediate(resolve));
      this.runtimes.delete(instanceId);
    }
    return this.store.purgeInstance(instanceId);
  }

  /** Without a status filter only terminal instances are purged: purging live work by date is never intended. */
  async purgeBy(query: InstanceQuery): Promise<number> {
    const statuses = query.runtimeStatus?.length ? query.runtimeStatus : [...TERMINAL_STATUSES];
    let deleted = 0;
    let continuationToken: string | undefined;
    const victims: string[] = [];
    do {
      const page = await this.store.listInstances({
        ...query,
        runtimeStatus: statuses,
        continuationToken,
        top: 500,
      });
      victims.push(...page.items.map((i) => i.instanceId));
      continuationToken = page.continuationToken;
    } while (continuationToken);
    for (const id of victims) if (await this.purge(id)) deleted++;
    return deleted;
  }

  private async liveState(instanceId: string): Promise<InstanceOpResult> {
    if (this.runtimes.has(instanceId)) return 'accepted';
    const instance = await this.store.getInstance(instanceId);
    if (!instance) return 'not-found';
    return 'gone';
  }

  private async control(
    instanceId: string,
    type: HistoryEvent['EventType'],
    extra: Partial<HistoryEvent>,
  ): Promise<InstanceOpResult> {
    const state = await this.liveState(instanceId);
    if (state !== 'accepted') return state;
    const delivered = await this.deliver(instanceId, undefined, historyEvent(type, this.clock.now(), extra));
    return delivered ? 'accepted' : 'gone';
  }
}
