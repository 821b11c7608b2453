import type { Clock } from './types.js';

/** Node's setTimeout overflows above 2^31-1 ms (about 24.8 days); longer waits are chained. */
const MAX_TIMEOUT_MS = 2_147_483_647;

function chainedTimeout(delayMs: () => number, callback: () => void): { cancel(): void } {
  let handle: NodeJS.Timeout | undefined;
  let cancelled = false;
  const arm = (): void => {
    if (cancelled) return;
    const remaining = delayMs();
    if (remaining <= 0) {
      handle = undefined;
      callback();
      return;
    }
    handle = setTimeout(arm, Math.min(remaining, MAX_TIMEOUT_MS));
    handle.unref?.();
  };
  arm();
  return {
    cancel: () => {
      cancelled = true;
      if (handle) clearTimeout(handle);
    },
  };
}

/** Wall-clock time. */
export class RealClock implements Clock {
  readonly mode = 'real' as const;
  now(): number {
    return Date.now();
  }
  schedule(at: number, callback: () => void): { cancel(): void } {
    return chainedTimeout(() => at - Date.now(), callback);
  }
}

/**
 * Time that runs `scale` times faster than the wall clock from the moment the clock is created (demos),
 * starting at `start` (default: the wall-clock time then).
 */
export class ScaledClock implements Clock {
  readonly mode = 'scaled' as const;
  private readonly origin = Date.now();
  private readonly start: number;
  constructor(
    readonly scale: number,
    start?: number,
  ) {
    if (!(scale > 0) || !Number.isFinite(scale))
      throw new Error(`time scale must be a positive number, got ${scale}`);
    this.start = start ?? this.origin;
  }
  now(): number {
    return this.start + (Date.now() - this.origin) * this.scale;
  }
  schedule(at: number, callback: () => void): { cancel(): void } {
    return chainedTimeout(() => (at - this.now()) / this.scale, callback);
  }
}

interface VirtualTimer {
  at: number;
  seq: number;
  callback: () => void;
  cancelled: boolean;
}

/**
 * Time that only moves when told to. With `autoAdvance` on, the owner (the engine) calls `skipIfIdle()`
 * whenever nothing is runnable and the clock jumps straight to the next due timer, so hours of durable
 * timers elapse in milliseconds. Timers due at the same instant fire in the order they were scheduled.
 */
export class VirtualClock implements Clock {
  readonly mode = 'virtual' as const;
  private current: number;
  private seq = 0;
  private timers: VirtualTimer[] = [];
  private auto = false;
  private skipPending = false;
  private readonly idleChecks: Array<() => boolean> = [];

  constructor(start: number = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  schedule(at: number, callback: () => void): { cancel(): void } {
    const timer: VirtualTimer = { at, seq: this.seq++, callback, cancelled: false };
    if (at <= this.current) {
      // Due already: fire asynchronously so callers never re-enter themselves.
      setImmediate(() => {
        if (!timer.cancelled) callback();
      });
    } else {
      this.insert(timer);
    }
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  /** Time of the next pending timer, if any. */
  nextDue(): number | undefined {
    this.dropCancelled();
    return this.timers[0]?.at;
  }

  /** Moves time forward by `ms`, firing every timer that becomes due, in order. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new Error(`cannot move a clock backwards (${ms} ms)`);
    this.advanceTo(this.current + ms);
  }

  advanceTo(at: number): void {
    if (at < this.current) throw new Error('cannot move a clock backwards');
    for (;;) {
      this.dropCancelled();
      const next = this.timers[0];
      if (!next || next.at > at) break;
      this.timers.shift();
      this.current = Math.max(this.current, next.at);
      next.callback();
    }
    this.current = at;
  }

  /** Registers a predicate that must report "idle" before time may skip (engine, sandbox, timers). */
  addIdleCheck(check: () => boolean): () => void {
    this.idleChecks.push(check);
    return () => {
      const i = this.idleChecks.indexOf(check);
      if (i >= 0) this.idleChecks.splice(i, 1);
    };
  }

  get autoAdvance(): boolean {
    return this.auto;
  }

  set autoAdvance(on: boolean) {
    this.auto = on;
    if (on) this.requestSkip();
  }

  /**
   * Participants call this when they go idle. The skip itself runs on a later turn of the event loop so
   * that I/O already in flight (an HTTP response, a store write) lands before time jumps.
   */
  requestSkip(): void {
    if (!this.auto || this.skipPending) return;
    this.skipPending = true;
    setImmediate(() => {
      this.skipPending = false;
      this.skipIfIdle();
    });
  }

  /** When auto-advance is on and every participant is idle, jumps to the next due timer. */
  skipIfIdle(): boolean {
    if (!this.autoAdvance || !this.idleChecks.every((check) => check())) return false;
    const next = this.nextDue();
    if (next === undefined) return false;
    this.advanceTo(next);
    return true;
  }

  private dropCancelled(): void {
    while (this.timers[0]?.cancelled) this.timers.shift();
  }

  private insert(timer: VirtualTimer): void {
    // Binary search keeps the list ordered by (at, seq); timers are few enough that splice is fine.
    let lo = 0;
    let hi = this.timers.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const other = this.timers[mid] as VirtualTimer;
      if (other.at < timer.at || (other.at === timer.at && other.seq < timer.seq)) lo = mid + 1;
      else hi = mid;
    }
    this.timers.splice(lo, 0, timer);
  }
}

export type ClockSpec =
  { mode: 'real' } | { mode: 'scaled'; scale: number; start?: number } | { mode: 'virtual'; start?: number };

export function createClock(spec: ClockSpec): Clock {
  switch (spec.mode) {
    case 'real':
      return new RealClock();
    case 'scaled':
      return new ScaledClock(spec.scale, spec.start);
    case 'virtual':
      return new VirtualClock(spec.start);
  }
}
