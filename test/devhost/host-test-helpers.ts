import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { HostLogger, HostLogLevel } from '../../devhost/functions/types.js';

/** Absolute path of a fixture app under test/fixtures/apps. */
export function fixtureApp(name: string): string {
  return path.resolve(__dirname, '../fixtures/apps', name);
}

const tempDirs: string[] = [];

/** A throw-away directory with the given files (relative path → content); see removeTempDirs. */
export function tempDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'devhost-test-'));
  tempDirs.push(dir);
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface LogLine {
  level: HostLogLevel;
  text: string;
}

/** A logger that keeps every line (args joined by spaces) for assertions. */
export function memoryLogger(): HostLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = (level: HostLogLevel, ...args: unknown[]) => {
    lines.push({ level, text: args.map(String).join(' ') });
  };
  return Object.assign(logger, { lines });
}

/** The basic fixture's observable state (see test/fixtures/apps/basic/src/state.js). */
export interface BasicFixtureState {
  loads: number;
  appStart: number;
  appTerminate: number;
  events: { event: Record<string, unknown>; triggerMetadata: Record<string, unknown> }[];
  timers: unknown[];
  generic: unknown[];
}

export function basicState(): BasicFixtureState {
  return (globalThis as unknown as { basicFixture: BasicFixtureState }).basicFixture;
}

/** A promise with its resolve function exposed. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A clock that only moves when told to; `advance` fires due callbacks in time order. */
export class ManualClock {
  readonly mode = 'virtual' as const;
  #now: number;
  #pending: { at: number; callback: () => void; cancelled: boolean }[] = [];
  #waiters: ((at: number) => void)[] = [];

  constructor(start: number | string) {
    this.#now = typeof start === 'number' ? start : Date.parse(start);
  }

  now(): number {
    return this.#now;
  }

  schedule(at: number, callback: () => void): { cancel(): void } {
    const entry = { at, callback, cancelled: false };
    this.#pending.push(entry);
    for (const waiter of this.#waiters.splice(0)) waiter(at);
    return { cancel: () => (entry.cancelled = true) };
  }

  /** Resolves with `at` of the next schedule() call (lets tests await a re-arm instead of sleeping). */
  nextSchedule(): Promise<number> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Sets the time first, then fires what is due: callbacks observe a late clock. */
  jumpTo(to: number | string): void {
    this.#now = typeof to === 'number' ? to : Date.parse(to);
    this.advanceTo(this.#now);
  }

  /** Callbacks that are scheduled and not cancelled, earliest first. */
  pending(): number[] {
    return this.#pending
      .filter((p) => !p.cancelled)
      .map((p) => p.at)
      .sort((a, b) => a - b);
  }

  /** Moves time to `to` (ms or ISO), running each due callback at its own time. */
  advanceTo(to: number | string): void {
    const target = typeof to === 'number' ? to : Date.parse(to);
    for (;;) {
      const due = this.#pending.filter((p) => !p.cancelled && p.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.#pending.splice(this.#pending.indexOf(due), 1);
      this.#now = Math.max(this.#now, due.at);
      due.callback();
    }
    this.#now = Math.max(this.#now, target);
  }
}
