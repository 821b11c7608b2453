/**
 * The floor rows of the ingestion report and how Gantry compares with them (`info` lines: the issue's
 * goals are judged as before, on Gantry's figures alone; the floor says what any app gets here).
 */
import { FLOOR_MODES, FloorBench, type FloorMode, type FloorSample } from './floor.js';
import type { LoadGenerator } from './load.js';

export type FloorSamples = Record<FloorMode, FloorSample>;

/**
 * `warmUp` events through the fullest path first (`newDigest`; at least the 64 every phase of the suite
 * warms up with), then each mode once, in Gantry's order: none, new digests, duplicates.
 */
export async function measureFloor(
  load: LoadGenerator,
  options: { events: number; warmUp: number; concurrency: number; progress: (message: string) => void },
): Promise<FloorSamples> {
  const { events, concurrency } = options;
  const bench = await FloorBench.start(load);
  try {
    await bench.run('newDigest', Math.max(64, options.warmUp), concurrency);
    const none = await bench.run('none', events, concurrency);
    const newDigest = await bench.run('newDigest', events, concurrency);
    const duplicate = await bench.run('duplicate', events, concurrency);
    options.progress(`ingest floor: ${newDigest.perSecond.toFixed(0)} events/s with a new digest's calls`);
    return { none, newDigest, duplicate };
  } finally {
    await bench.close();
  }
}

const LABEL = (mode: FloorMode): string => `floor (minimal Durable app, ${FLOOR_MODES[mode].label})`;

export function floorLines(floor: FloorSamples): string[] {
  const modes = Object.keys(FLOOR_MODES) as FloorMode[];
  const width = Math.max(...modes.map((m) => LABEL(m).length));
  return modes.map((mode) => {
    const s = floor[mode];
    return (
      `  ${LABEL(mode).padEnd(width)}  ${s.perSecond.toFixed(0).padStart(5)} events/s  ` +
      `p50 ${s.p50Ms.toFixed(1).padStart(6)} ms  p99 ${s.p99Ms.toFixed(1).padStart(6)} ms  ` +
      `${s.accepted}/${s.events} accepted  Durable client ${s.durablePerEvent.toFixed(2)}/event  ` +
      `episodes ${s.episodesPerEvent.toFixed(2)}/event`
    );
  });
}

/** `info  memory: Gantry new digests at X% of the floor's rate (p99 A ms vs B ms)`. */
export function versusFloor(
  what: string,
  gantry: { perSecond: number; p99Ms: number },
  floor: FloorSample,
): string {
  const share = (gantry.perSecond / floor.perSecond) * 100;
  return (
    `  info  ${what} at ${share.toFixed(0)}% of the floor's rate ` +
    `(p99 ${gantry.p99Ms.toFixed(1)} ms vs ${floor.p99Ms.toFixed(1)} ms)`
  );
}

/** Where the floor stands against the memory goal (not a verdict: the goal is Gantry's). */
export function floorAgainstGoal(floor: FloorSamples, goal: { perSecond: number; p99Ms: number }): string {
  const f = (s: FloorSample): string => `${s.perSecond.toFixed(0)} events/s, p99 ${s.p99Ms.toFixed(1)} ms`;
  return (
    `  info  floor: ${f(floor.none)} with no Durable client call, ${f(floor.newDigest)} with a new digest's; ` +
    `the memory goal asks Gantry for >= ${goal.perSecond} events/s, p99 < ${goal.p99Ms} ms`
  );
}
