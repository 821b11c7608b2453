import * as df from 'durable-functions';
import type { OrchestrationContext, Task, TimerTask } from 'durable-functions';
import { DEFAULT_RETRY, type ActivityContract, type RetryPolicy } from '../../shared/contracts/contract.js';
import { Events, type InterruptPayload } from '../../shared/contracts/events.js';
import type { StoredInterrupt } from '../../shared/domain/deployment.js';

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

/** The stored interrupt that wins: abort before cancel before skip-analysis, oldest of a kind first. */
export function firstStored(
  stored: readonly StoredInterrupt[],
  options: { skipAnalysis?: boolean } = {},
): Interrupt | undefined {
  const kinds = options.skipAnalysis
    ? (['abort', 'cancel', 'skipAnalysis'] as const)
    : (['abort', 'cancel'] as const);
  for (const kind of kinds) {
    const found = stored.find((s) => s.kind === kind);
    if (found) return { kind, payload: { actor: found.actor, reason: found.reason } };
  }
  return undefined;
}

/**
 * Listens for the interrupts that can stop any wait; created once per orchestration episode chain. An
 * event only completes its task once that task has been yielded, so `pending()` also knows the interrupts
 * the API stored before this orchestration started (`adopt`), which no raised event may have reached.
 */
export class Interrupts {
  private stored: Interrupt | undefined;
  private readonly cancel: Task;
  private readonly abort: Task;
  private readonly skip: Task | undefined;

  constructor(
    private readonly ctx: OrchestrationContext,
    private readonly options: { skipAnalysis?: boolean } = {},
  ) {
    this.cancel = ctx.df.waitForExternalEvent(Events.cancel.name);
    this.abort = ctx.df.waitForExternalEvent(Events.abort.name);
    this.skip = options.skipAnalysis ? ctx.df.waitForExternalEvent(Events.skipAnalysis.name) : undefined;
  }

  /** The interrupt that already arrived, if any (checked between steps without waiting). */
  pending(): Interrupt | undefined {
    if (this.stored) return this.stored;
    if (this.abort.isCompleted) return { kind: 'abort', payload: this.abort.result as InterruptPayload };
    if (this.cancel.isCompleted) return { kind: 'cancel', payload: this.cancel.result as InterruptPayload };
    if (this.skip?.isCompleted)
      return { kind: 'skipAnalysis', payload: this.skip.result as InterruptPayload };
    return undefined;
  }

  /** Takes in the interrupts stored for the run; the first that applies here wins over any later event. */
  adopt(stored: readonly StoredInterrupt[]): Interrupt | undefined {
    this.stored = firstStored(stored, this.options);
    return this.stored;
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
