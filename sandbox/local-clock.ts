import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ClockSpec } from '../devhost/durable/clock.js';
import type { Clock } from '../devhost/durable/types.js';

/**
 * `npm start` on another clock than the wall clock (`--time-scale`, `--clock virtual`) writes timestamps
 * that are not "now": kept in the task hub and tables of real-time runs they would sit hours in the future.
 * So each clock mode gets its own task hub (`TASKHUB_NAME` + suffix), its own Gantry tables
 * (`GANTRY_TABLE_PREFIX` + suffix) and its own sandbox world and clock file beside the Azurite data, and
 * a restart continues that clock where it stopped instead of jumping back to wall time.
 */

/** '' for the wall clock, else `Scaled` / `Virtual`. */
export const clockSuffix = (spec: ClockSpec): string =>
  spec.mode === 'real' ? '' : spec.mode === 'scaled' ? 'Scaled' : 'Virtual';

/** Moves the task hub and Gantry's tables of a non-wall-clock run aside (after local settings are read). */
export function isolateClock(
  env: NodeJS.ProcessEnv,
  spec: ClockSpec,
): { taskHub?: string; tablePrefix?: string } {
  const suffix = clockSuffix(spec);
  if (!suffix) return {};
  env.TASKHUB_NAME = `${env.TASKHUB_NAME ?? 'TestHubName'}${suffix}`;
  env.GANTRY_TABLE_PREFIX = `${env.GANTRY_TABLE_PREFIX ?? 'Gantry'}${suffix}`;
  return { taskHub: env.TASKHUB_NAME, tablePrefix: env.GANTRY_TABLE_PREFIX };
}

/** How often the clock's reading is saved (real milliseconds). */
export const CLOCK_SAVE_MS = 1000;

export const clockFile = (dataDir: string, spec: ClockSpec): string =>
  path.join(dataDir, `clock-${spec.mode}.json`);

/**
 * The clock to start: a saved reading of this mode continues (it wins over `--start-time`, so time in one
 * task hub never runs backwards). A scaled clock continues from the reading plus the most it can have run
 * unsaved before a crash (`CLOCK_SAVE_MS` × scale), so it cannot fall behind a timestamp already written.
 */
export function resumeClock(spec: ClockSpec, file: string): { spec: ClockSpec; resumedAt?: number } {
  if (spec.mode === 'real' || !existsSync(file)) return { spec };
  const saved = (JSON.parse(readFileSync(file, 'utf8')) as { now?: unknown }).now;
  if (typeof saved !== 'number' || !Number.isFinite(saved)) return { spec };
  const start = spec.mode === 'scaled' ? saved + CLOCK_SAVE_MS * spec.scale : saved;
  return { spec: { ...spec, start }, resumedAt: start };
}

/** Saves the clock's reading every `CLOCK_SAVE_MS` and when stopped (atomically: temp file, rename). */
export function keepClock(clock: Clock, file: string): { stop(): void } {
  const save = (): void => {
    writeFileSync(
      `${file}.tmp`,
      JSON.stringify({ now: clock.now(), at: new Date(clock.now()).toISOString() }),
    );
    renameSync(`${file}.tmp`, file);
  };
  save();
  const timer = setInterval(save, CLOCK_SAVE_MS);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      save();
    },
  };
}
