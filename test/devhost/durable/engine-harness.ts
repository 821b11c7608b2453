import path from 'node:path';
import { createRequire } from 'node:module';
import { InvocationContext } from '@azure/functions';
import type { OrchestrationContext } from 'durable-functions';
import type {
  FunctionInvoker,
  InvokeOptions,
  InvokeResult,
  RegisteredFunction,
} from '../../../devhost/functions/types.js';
import { DurableEngine } from '../../../devhost/durable/durable-engine.js';
import { VirtualClock } from '../../../devhost/durable/clock.js';
import { MemoryStore } from '../../../devhost/durable/memory-store.js';
import type { InstanceState, TaskHubStore } from '../../../devhost/durable/types.js';
import { TERMINAL_STATUSES } from '../../../devhost/durable/types.js';

const require = createRequire(path.resolve('package.json'));
// The SDK's own wrapper, exactly what df.app.orchestration registers (not exported from the index).
const { createOrchestrator } = require('durable-functions/lib/src/util/testingUtils') as {
  createOrchestrator: (fn: unknown) => (trigger: unknown, ctx: unknown) => Promise<unknown>;
};

/** What the SDK sends back into a generator: it types yielded results as `any`, so tests do too. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Resumed = any;
export type Orchestration = Generator<unknown, unknown, Resumed>;
export type OrchestratorFn = (context: OrchestrationContext) => Orchestration;

/**
 * A minimal invoker for engine unit tests: registers SDK-wrapped orchestrators and plain activities
 * without loading an app. The end-to-end suite covers the real loading path.
 */
export class TestInvoker implements FunctionInvoker {
  private readonly fns = new Map<string, RegisteredFunction>();
  readonly calls: Array<{ name: string; input: unknown }> = [];

  orchestrator(name: string, fn: OrchestratorFn): this {
    return this.add(name, 'orchestrationTrigger', createOrchestrator(fn) as RegisteredFunction['callback']);
  }

  activity(name: string, fn: (input: Resumed, ctx: InvocationContext) => unknown): this {
    return this.add(name, 'activityTrigger', ((input: unknown, ctx: InvocationContext) => {
      this.calls.push({ name, input });
      return fn(input, ctx);
    }) as RegisteredFunction['callback']);
  }

  private add(name: string, type: string, callback: RegisteredFunction['callback']): this {
    const trigger = { type, direction: 'in' as const, name: `${type}1` };
    this.fns.set(name, {
      name,
      metadata: { name, bindings: { [trigger.name]: trigger } },
      callback,
      triggerName: trigger.name,
      trigger,
    });
    return this;
  }

  get(name: string): RegisteredFunction | undefined {
    return this.fns.get(name);
  }
  list(): RegisteredFunction[] {
    return [...this.fns.values()];
  }
  provideInput(): void {}
  async invoke(name: string, triggerValue: unknown, options: InvokeOptions = {}): Promise<InvokeResult> {
    const fn = this.fns.get(name);
    if (!fn) throw new Error(`no function ${name}`);
    const ctx = new InvocationContext({
      invocationId: 'test',
      functionName: name,
      triggerMetadata: options.triggerMetadata,
    });
    return { result: await fn.callback(triggerValue, ctx), extraOutputs: {} };
  }
}

export interface Harness {
  engine: DurableEngine;
  clock: VirtualClock;
  invoker: TestInvoker;
  store: TaskHubStore;
  /** Starts an orchestration and waits (auto-advancing virtual time) until it is terminal. */
  run(name: string, input?: unknown, instanceId?: string): Promise<InstanceState>;
  waitFor(instanceId: string, predicate: (s: InstanceState) => boolean): Promise<InstanceState>;
  close(): Promise<void>;
}

export async function harness(
  setup: (invoker: TestInvoker) => void,
  options: { batching?: boolean; store?: TaskHubStore; autoAdvance?: boolean } = {},
): Promise<Harness> {
  const invoker = new TestInvoker();
  setup(invoker);
  const clock = new VirtualClock(Date.UTC(2026, 0, 1));
  const store = options.store ?? new MemoryStore();
  const engine = new DurableEngine({
    store,
    clock,
    invoker,
    taskHubName: 'TestHub',
    batching: options.batching,
  });
  await engine.open();
  clock.autoAdvance = options.autoAdvance ?? true;
  const waitFor = (instanceId: string, predicate: (s: InstanceState) => boolean): Promise<InstanceState> =>
    new Promise((resolve, reject) => {
      const check = async (): Promise<boolean> => {
        const s = await engine.getInstance(instanceId);
        if (s && predicate(s)) {
          off();
          resolve(s);
          return true;
        }
        return false;
      };
      const off = engine.onInstanceChange((s) => {
        if (s.instanceId === instanceId && predicate(s)) void check();
      });
      check().catch(reject);
    });
  return {
    engine,
    clock,
    invoker,
    store,
    waitFor,
    async run(name, input, instanceId) {
      const started = await engine.start({
        name,
        instanceId,
        input: input === undefined ? undefined : JSON.stringify(input),
      });
      return waitFor(started.instanceId, (s) => TERMINAL_STATUSES.has(s.runtimeStatus));
    },
    close: () => engine.stop(),
  };
}
