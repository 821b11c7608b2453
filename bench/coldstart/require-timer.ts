/**
 * What each module costs at start-up: preload it with `-r` in front of any CommonJS entry point, and at
 * exit it prints, to stderr, the self time (time in a module's own evaluation, its `require`s of other
 * packages subtracted) summed per package, and the inclusive time of each package as first required by
 * the app. App files are grouped by directory (`dist/shared/app`), packages by name; with
 * `REQUIRE_TIMER_BY=file`, every file stands alone.
 *
 *   node -r ./dist/bench/coldstart/require-timer.js dist/bench/coldstart/load-functions.js
 *   REQUIRE_TIMER_TOP=40 REQUIRE_TIMER_BY=file node -r ./dist/bench/coldstart/require-timer.js ...
 *
 * The hook itself costs a few microseconds per `require`; the figures are for ranking, not for goals
 * (bench/coldstart/measure.ts times whole processes for those).
 */
import Module from 'node:module';
import path from 'node:path';

interface Frame {
  group: string;
  started: number;
  children: number;
}

const selfMs = new Map<string, number>();
const inclusiveMs = new Map<string, number>();
const stack: Frame[] = [];
const started = performance.now();

/** `node_modules/@scope/name/...` -> `@scope/name`; an app file -> its directory under the repository. */
export function packageOf(file: string): string {
  if (process.env.REQUIRE_TIMER_BY === 'file' && path.isAbsolute(file))
    return path.relative(process.cwd(), file);
  const marker = `${path.sep}node_modules${path.sep}`;
  const at = file.lastIndexOf(marker);
  if (at >= 0) {
    const parts = file.slice(at + marker.length).split(path.sep);
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1] ?? ''}` : (parts[0] ?? file);
  }
  if (!path.isAbsolute(file)) return `node:${file.replace(/^node:/, '')}`;
  return path.relative(process.cwd(), path.dirname(file)) || '.';
}

type Load = (request: string, parent: unknown, isMain: boolean) => unknown;
const moduleInternals = Module as unknown as {
  _load: Load;
  _resolveFilename: (request: string, parent: unknown, isMain: boolean) => string;
};
const originalLoad = moduleInternals._load;

moduleInternals._load = function timedLoad(request, parent, isMain) {
  let group: string;
  try {
    group = packageOf(moduleInternals._resolveFilename(request, parent, isMain));
  } catch {
    return originalLoad.call(this, request, parent, isMain); // let Node report the failure
  }
  const frame: Frame = { group, started: performance.now(), children: 0 };
  const outer = stack.at(-1);
  stack.push(frame);
  try {
    return originalLoad.call(this, request, parent, isMain);
  } finally {
    stack.pop();
    const total = performance.now() - frame.started;
    selfMs.set(group, (selfMs.get(group) ?? 0) + total - frame.children);
    if (outer) outer.children += total;
    // inclusive time of a package, counted where another group first enters it
    if (!outer || outer.group !== group) inclusiveMs.set(group, (inclusiveMs.get(group) ?? 0) + total);
  }
};

function table(title: string, values: Map<string, number>, top: number): string[] {
  const rows = [...values].filter(([, ms]) => ms >= 0.5).sort((a, b) => b[1] - a[1]);
  return [title, ...rows.slice(0, top).map(([group, ms]) => `  ${ms.toFixed(1).padStart(8)} ms  ${group}`)];
}

process.on('exit', () => {
  const top = Number(process.env.REQUIRE_TIMER_TOP ?? 25);
  const lines = [
    `require timer: ${(performance.now() - started).toFixed(1)} ms from preload to exit`,
    ...table('self time by package (own evaluation, nested packages subtracted):', selfMs, top),
    ...table(
      'inclusive time by package (where another package or the app first requires it):',
      inclusiveMs,
      top,
    ),
  ];
  process.stderr.write(`${lines.join('\n')}\n`);
});
