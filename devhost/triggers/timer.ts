import type { Clock } from '../durable/types.js';
import { resolveSettingReferences } from '../functions/settings.js';
import type { FunctionInvoker, HostLogger, RegisteredFunction } from '../functions/types.js';
import { parseTimerSchedule, type Schedule } from './ncrontab.js';

export interface ScheduleStatus {
  last: string;
  next: string;
  lastUpdated: string;
}

/** The camel-cased `TimerInfo` a Node timer handler receives (contract 1.5 B (2)). */
export interface TimerTriggerValue {
  schedule: { adjustForDST: boolean };
  scheduleStatus: ScheduleStatus | null;
  isPastDue: boolean;
}

export function timerTriggerValue(
  scheduleStatus: ScheduleStatus | null,
  isPastDue: boolean,
): TimerTriggerValue {
  return { schedule: { adjustForDST: true }, scheduleStatus, isPastDue };
}

export interface TimerSchedulerOptions {
  invoker: FunctionInvoker;
  clock: Clock;
  logger?: HostLogger;
  /** For `%SETTING%` schedules; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface TimerScheduler {
  /** Each timer function with its next planned occurrence (undefined while running or stopped). */
  timers(): { name: string; schedule: string; next: Date | undefined }[];
  /** Cancels pending occurrences and waits for runs in progress. */
  stop(): Promise<void>;
}

export function isTimerTrigger(fn: RegisteredFunction): boolean {
  return fn.trigger.type.toLowerCase() === 'timertrigger';
}

/** What the host's schedule monitor reports before a timer's first recorded run (DateTime.MinValue). */
const NEVER = '0001-01-01T00:00:00.000Z';

/**
 * One timer function: fires at each occurrence on `clock`, never overlapping itself. Like the host's
 * listener, the next occurrence is computed from "now" once a run finished, so occurrences missed
 * while a run was still going are skipped, not queued.
 */
class TimerRunner {
  next: Date | undefined;
  #handle: { cancel(): void } | undefined;
  #running: Promise<void> | undefined;
  #status: ScheduleStatus;
  #stopped = false;

  constructor(
    readonly fn: RegisteredFunction,
    readonly schedule: Schedule,
    readonly options: TimerSchedulerOptions,
  ) {
    const now = new Date(options.clock.now());
    this.#status = { last: NEVER, next: schedule.next(now).toISOString(), lastUpdated: now.toISOString() };
  }

  start(runOnStartup: boolean): void {
    if (runOnStartup) this.#fire(new Date(this.options.clock.now()), false);
    else this.#arm();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#handle?.cancel();
    this.#handle = undefined;
    this.next = undefined;
    await this.#running;
  }

  #arm(): void {
    if (this.#stopped) return;
    const next = this.schedule.next(new Date(this.options.clock.now()));
    this.next = next;
    this.#status = { ...this.#status, next: next.toISOString() };
    this.#handle = this.options.clock.schedule(next.getTime(), () => this.#fire(next, true));
  }

  #fire(occurrence: Date, scheduled: boolean): void {
    this.#handle = undefined;
    this.next = undefined;
    if (this.#stopped) return;
    const { clock, invoker, logger } = this.options;
    // Past due = the clock is already beyond the occurrence after this one (a late or jumped clock).
    const isPastDue = scheduled && clock.now() >= this.schedule.next(occurrence).getTime();
    const useMonitor = this.fn.trigger.useMonitor !== false;
    const value = timerTriggerValue(useMonitor ? { ...this.#status } : null, isPastDue);
    this.#running = invoker
      .invoke(this.fn.name, value)
      .then(
        () => undefined,
        (err: unknown) => {
          const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
          logger?.('error', `Timer function ${this.fn.name} failed:`, text);
        },
      )
      .finally(() => {
        this.#running = undefined;
        const now = new Date(clock.now()).toISOString();
        this.#status = { last: occurrence.toISOString(), next: this.#status.next, lastUpdated: now };
        this.#arm();
      });
  }
}

/**
 * Starts every timer-triggered function of the invoker. All schedules are validated first, so a bad
 * one fails the start (naming the function) before any timer runs.
 */
export function startTimers(options: TimerSchedulerOptions): TimerScheduler {
  const env = options.env ?? process.env;
  const runners = options.invoker
    .list()
    .filter(isTimerTrigger)
    .map((fn) => {
      const raw = fn.trigger.schedule;
      try {
        if (typeof raw !== 'string' || raw.trim() === '') throw new Error('the trigger has no "schedule"');
        const expression = resolveSettingReferences(raw, env, 'the schedule');
        return new TimerRunner(fn, parseTimerSchedule(expression), options);
      } catch (err) {
        throw new Error(`Timer function "${fn.name}" has a bad schedule: ${(err as Error).message}`, {
          cause: err,
        });
      }
    });
  for (const runner of runners) runner.start(runner.fn.trigger.runOnStartup === true);
  return {
    timers: () => runners.map((r) => ({ name: r.fn.name, schedule: r.schedule.expression, next: r.next })),
    stop: async () => {
      await Promise.all(runners.map((r) => r.stop()));
    },
  };
}
