import { VirtualClock } from './durable/clock.js';
import { TERMINAL_STATUSES, type InstanceState, type RuntimeStatus } from './durable/types.js';
import { startDevHost, type DevHost, type DevHostOptions } from './host.js';

export interface TestHostOptions extends Omit<DevHostOptions, 'clock' | 'port'> {
  /** Start of virtual time; default 2026-01-01T00:00:00Z. */
  startTime?: number;
  /** A virtual clock to share with other participants (e.g. a sandbox); `startTime` is then ignored. */
  clock?: VirtualClock;
  /** Skip to the next timer whenever nothing is runnable (default false: time moves only when told). */
  autoAdvance?: boolean;
}

export interface TestHost extends DevHost {
  clock: VirtualClock;
  /** `fetch` relative to the host's URL. */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** Starts an orchestration in-process; `input` is any JSON value. */
  startOrchestration(name: string, input?: unknown, instanceId?: string): Promise<string>;
  raiseEvent(instanceId: string, eventName: string, data?: unknown): Promise<void>;
  /**
   * Resolves when the instance satisfies the predicate (or reaches one of the statuses). While waiting,
   * virtual time skips ahead whenever the host is idle, so long timers elapse at once.
   */
  waitFor(
    instanceId: string,
    until: RuntimeStatus | RuntimeStatus[] | ((s: InstanceState) => boolean),
    options?: { advanceTime?: boolean; timeoutMs?: number },
  ): Promise<InstanceState>;
  /** Waits for a terminal status, skipping time as needed. */
  waitForCompletion(instanceId: string): Promise<InstanceState>;
  /** Moves virtual time forward, firing due timers, then waits until the engine is idle. */
  advance(ms: number): Promise<void>;
  /** Waits until no episode, activity or store write is in flight. */
  idle(): Promise<void>;
}

const toPredicate = (until: RuntimeStatus | RuntimeStatus[] | ((s: InstanceState) => boolean)) => {
  if (typeof until === 'function') return until;
  const wanted = new Set(Array.isArray(until) ? until : [until]);
  return (s: InstanceState) => wanted.has(s.runtimeStatus);
};

/**
 * A dev host for tests: random port, virtual clock, and helpers that wait on engine notifications
 * instead of sleeping. Uses the memory store unless told otherwise.
 */
export async function startTestHost(options: TestHostOptions): Promise<TestHost> {
  const clock = options.clock ?? new VirtualClock(options.startTime);
  const host = await startDevHost({ store: 'memory', logger: () => {}, ...options, clock, port: 0 });
  clock.autoAdvance = options.autoAdvance ?? false;
  const { engine } = host;

  const waitFor: TestHost['waitFor'] = (instanceId, until, opts = {}) => {
    const predicate = toPredicate(until);
    const previous = clock.autoAdvance;
    if (opts.advanceTime ?? true) clock.autoAdvance = true;
    return new Promise<InstanceState>((resolve, reject) => {
      let settled = false;
      const finish = (error: Error | undefined, state?: InstanceState) => {
        if (settled) return;
        settled = true;
        off();
        clearTimeout(timer);
        clock.autoAdvance = previous;
        if (error) reject(error);
        else resolve(state as InstanceState);
      };
      const check = (state: InstanceState | undefined) => {
        if (state && predicate(state)) finish(undefined, state);
      };
      const off = engine.onInstanceChange((s) => {
        if (s.instanceId === instanceId) check(s);
      });
      const timer = setTimeout(() => {
        void engine.getInstance(instanceId).then((s) => {
          finish(
            new Error(`timed out waiting for ${instanceId}; last status ${s?.runtimeStatus ?? 'unknown'}`),
          );
        });
      }, opts.timeoutMs ?? 20_000);
      engine.getInstance(instanceId).then(check, (e: Error) => finish(e));
    });
  };

  return {
    ...host,
    clock,
    request: (path, init) => fetch(new URL(path, host.url), init),
    async startOrchestration(name, input, instanceId) {
      const started = await engine.start({
        name,
        instanceId,
        input: input === undefined ? undefined : JSON.stringify(input),
      });
      return started.instanceId;
    },
    async raiseEvent(instanceId, eventName, data) {
      const result = await engine.raiseEvent(
        instanceId,
        eventName,
        data === undefined ? undefined : JSON.stringify(data),
      );
      if (result !== 'accepted') throw new Error(`raiseEvent ${eventName} to ${instanceId}: ${result}`);
    },
    waitFor,
    waitForCompletion: (instanceId) => waitFor(instanceId, (s) => TERMINAL_STATUSES.has(s.runtimeStatus)),
    async advance(ms) {
      clock.advance(ms);
      await engine.waitForIdle();
    },
    idle: () => engine.waitForIdle(),
  };
}
