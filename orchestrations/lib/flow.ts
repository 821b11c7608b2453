import * as df from 'durable-functions';
import type { OrchestrationContext, Task, TimerTask } from 'durable-functions';
import { DEFAULT_RETRY, type ActivityContract, type RetryPolicy } from '../../shared/contracts/contract.js';
import { Events, type InterruptPayload } from '../../shared/contracts/events.js';

/** What the SDK hands back into the generator (it types results as `any`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Resumed = any;
export type Flow<T> = Generator<Task, T, Resumed>;

const retryOptions = (policy: RetryPolicy): df.RetryOptions => {
  const options = new df.RetryOptions(policy.firstRetryIntervalMs, policy.maxAttempts);
  options.backoffCoefficient = policy.backoffCoefficient;
  options.maxRetryIntervalInMilliseconds = policy.maxRetryIntervalMs;
  return options;
};

/** Calls an activity by contract with the shared retry policy; a final failure throws. */
export function* call<I, O>(
  ctx: OrchestrationContext,
  contract: ActivityContract<I, O>,
  input: I,
  policy: RetryPolicy = DEFAULT_RETRY,
): Flow<O> {
  return (yield ctx.df.callActivityWithRetry(contract.name, retryOptions(policy), input)) as O;
}

/** A task for the same call, to combine with Task.all. */
export function callTask<I, O>(ctx: OrchestrationContext, contract: ActivityContract<I, O>, input: I): Task {
  return ctx.df.callActivityWithRetry(contract.name, retryOptions(DEFAULT_RETRY), input);
}

export type Interrupt = { kind: 'cancel' | 'abort' | 'skipAnalysis'; payload: InterruptPayload };

export type WaitResult<T> = { kind: 'done'; value: T } | { kind: 'timeout' } | Interrupt;

/** Listens for the interrupts that can stop any wait; created once per orchestration episode chain. */
export class Interrupts {
  private readonly cancel: Task;
  private readonly abort: Task;
  private readonly skip: Task | undefined;

  constructor(
    private readonly ctx: OrchestrationContext,
    options: { skipAnalysis?: boolean } = {},
  ) {
    this.cancel = ctx.df.waitForExternalEvent(Events.cancel.name);
    this.abort = ctx.df.waitForExternalEvent(Events.abort.name);
    this.skip = options.skipAnalysis ? ctx.df.waitForExternalEvent(Events.skipAnalysis.name) : undefined;
  }

  /** The interrupt that already arrived, if any (checked between steps without waiting). */
  pending(): Interrupt | undefined {
    if (this.abort.isCompleted) return { kind: 'abort', payload: this.abort.result as InterruptPayload };
    if (this.cancel.isCompleted) return { kind: 'cancel', payload: this.cancel.result as InterruptPayload };
    if (this.skip?.isCompleted)
      return { kind: 'skipAnalysis', payload: this.skip.result as InterruptPayload };
    return undefined;
  }

  /**
   * Waits for `task`, a deadline, or an interrupt, whichever comes first. A pending deadline timer is
   * cancelled when something else wins, so no timer outlives its wait.
   */
  *race<T>(task: Task | undefined, deadline?: Date): Flow<WaitResult<T>> {
    const early = this.pending();
    if (early) return early;
    const timer: TimerTask | undefined = deadline ? this.ctx.df.createTimer(deadline) : undefined;
    const contenders = [task, timer, this.abort, this.cancel, this.skip].filter(
      (t): t is Task => t !== undefined,
    );
    const winner: Task = yield this.ctx.df.Task.any(contenders);
    if (timer && winner !== timer) timer.cancel();
    if (task && winner === task) return { kind: 'done', value: task.result as T };
    if (timer && winner === timer) return { kind: 'timeout' };
    return this.pending() as Interrupt;
  }

  /** Durable sleep that an interrupt can cut short. */
  *sleep(ms: number): Flow<Interrupt | undefined> {
    const result = yield* this.race<never>(
      undefined,
      new Date(this.ctx.df.currentUtcDateTime.getTime() + ms),
    );
    return result.kind === 'timeout' ? undefined : (result as Interrupt);
  }
}

export const nowIso = (ctx: OrchestrationContext): string => ctx.df.currentUtcDateTime.toISOString();
export const after = (ctx: OrchestrationContext, ms: number): Date =>
  new Date(ctx.df.currentUtcDateTime.getTime() + ms);
