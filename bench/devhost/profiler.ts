/**
 * Optional CPU profiling of the measured runs only (`--profile DIR`): the in-process inspector starts
 * the V8 sampling profiler when a run's stopwatch starts and stops it when the stopwatch stops, so start-up,
 * warm-ups, GC between runs and purges stay out. One `.cpuprofile` per measured run; summarise them with
 * `node dist/bench/profile-summary.js DIR` or open them in Chrome DevTools.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';
import { setMeasureHooks } from './measure.js';

/** The in-process session dispatches synchronously: the callback has run when `post` returns. */
function post<T>(session: Session, method: string, params?: object): T {
  let result: T | undefined;
  let failure: Error | null = null;
  session.post(method, params ?? {}, (err, value) => {
    failure = err;
    result = value as T;
  });
  if (failure) throw failure;
  return result as T;
}

export interface RunProfiler {
  /** Names the profile of the next measured run; undefined leaves the next run unprofiled (warm-ups). */
  label(name: string | undefined): void;
}

export function enableProfiling(dir: string): RunProfiler {
  mkdirSync(dir, { recursive: true });
  const session = new Session();
  session.connect();
  post(session, 'Profiler.enable');
  post(session, 'Profiler.setSamplingInterval', { interval: 200 });
  let name: string | undefined;
  let running: string | undefined;
  setMeasureHooks({
    begin: () => {
      running = name;
      if (running) post(session, 'Profiler.start');
    },
    end: () => {
      if (!running) return;
      const { profile } = post<{ profile: unknown }>(session, 'Profiler.stop');
      writeFileSync(path.join(dir, `${running}.cpuprofile`), JSON.stringify(profile));
      running = undefined;
    },
  });
  return {
    label(next) {
      name = next?.replace(/[^A-Za-z0-9.-]+/g, '_');
    },
  };
}
