/**
 * Summarises the CPU profiles written by `run.js --profile DIR` or `pipeline.js --profile DIR`: for each
 * engine and workload (all its measured runs together), sampled CPU time by component. A sample is charged to the nearest frame of
 * its stack that belongs to a package or to our code (so `JSON.parse` called by the Table client counts
 * as the client); samples with no such frame stay with Node's core (HTTP parsing, sockets, streams).
 *
 *   node dist/bench/profile-summary.js DIR [topFunctions]
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const COMPONENTS: Array<[string, RegExp]> = [
  ['SDK replay (durable-functions, moment)', /node_modules\/(durable-functions|moment)\//],
  ['peer (durabletask-js, protobuf)', /node_modules\/(@microsoft\/durabletask-js|google-protobuf)\//],
  ['dev host Durable engine + store', /dist\/devhost\/durable\//],
  ['dev host function host + @azure/functions', /dist\/devhost\/|node_modules\/@azure\/functions\//],
  ['Table client (@azure/data-tables, core)', /node_modules\/(@azure|@typespec)\//],
  ['Azurite (server, Loki, express)', /node_modules\/(azurite|lokijs|express|body-parser|router)\//],
  ['Gantry app (functions, orchestrations, shared)', /dist\/(functions|orchestrations|shared)\//],
  ['test fakes (FakeWorld, MemoryRunStore)', /dist\/test\/fakes\//],
  ['benchmark harness', /dist\/bench\//],
];

/** The component of a frame, or undefined for Node core and V8 builtins. */
function componentOf(url: string): string | undefined {
  if (url === '' || url.startsWith('node:')) return undefined;
  for (const [name, pattern] of COMPONENTS) if (pattern.test(url)) return name;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
  return pkg ? `other: ${pkg}` : 'other';
}

function coreOf(node: ProfileNode): string {
  const { functionName, url } = node.callFrame;
  if (functionName === '(garbage collector)') return 'garbage collector';
  if (functionName === '(idle)' || functionName === '(program)') return 'idle / VM';
  if (/node:(_http|net|internal\/(streams|http|net|stream_base|deps\/undici))/.test(url))
    return 'Node core: HTTP, sockets, streams';
  return 'Node core / V8 builtins (other)';
}

interface Totals {
  totalUs: number;
  byComponent: Map<string, number>;
  byFunction: Map<string, number>;
}

function add(map: Map<string, number>, key: string, us: number): void {
  map.set(key, (map.get(key) ?? 0) + us);
}

function accumulate(profile: Profile, totals: Totals): void {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stack = (leafId: number): ProfileNode[] => {
    const frames: ProfileNode[] = [];
    for (let id: number | undefined = leafId; id !== undefined; id = parent.get(id)) {
      const node = nodes.get(id);
      if (node) frames.push(node);
    }
    return frames;
  };
  profile.samples.forEach((leafId, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const frames = stack(leafId);
    const leaf = frames[0];
    // Starting and stopping the profiler itself (inside profiler.ts, outside the stopwatch) is not the run.
    if (!leaf || frames.some((f) => f.callFrame.url.includes('/dist/bench/devhost/profiler.js'))) return;
    totals.totalUs += us;
    let component: string | undefined;
    for (const frame of frames) {
      component = componentOf(frame.callFrame.url);
      if (component) break;
    }
    add(totals.byComponent, component ?? coreOf(leaf), us);
    const { functionName, url, lineNumber } = leaf.callFrame;
    const where = url ? `${url.split('/').slice(-2).join('/')}:${lineNumber + 1}` : '(native)';
    add(totals.byFunction, `${functionName || '(anonymous)'} ${where}`, us);
  });
}

function print(title: string, runs: number, totals: Totals, top: number): void {
  const ms = (us: number): string => (us / 1000 / runs).toFixed(1).padStart(8);
  const pct = (us: number): string => `${((100 * us) / totals.totalUs).toFixed(1).padStart(5)}%`;
  const sorted = (map: Map<string, number>): Array<[string, number]> => [...map].sort((a, b) => b[1] - a[1]);
  console.log(`\n${title}: ${ms(totals.totalUs).trim()} ms sampled per run (${runs} run(s))`);
  for (const [name, us] of sorted(totals.byComponent)) console.log(`  ${ms(us)} ms ${pct(us)}  ${name}`);
  console.log(`  top self-time functions:`);
  for (const [name, us] of sorted(totals.byFunction).slice(0, top))
    console.log(`  ${ms(us)} ms ${pct(us)}  ${name}`);
}

function main(): void {
  const [dir, topArg] = process.argv.slice(2);
  if (!dir) throw new Error('usage: node dist/bench/profile-summary.js DIR [topFunctions]');
  const groups = new Map<string, string[]>();
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort()) {
    const group = file.replace(/-run_\d+\.cpuprofile$/, '');
    groups.set(group, [...(groups.get(group) ?? []), file]);
  }
  for (const [group, files] of groups) {
    const totals: Totals = { totalUs: 0, byComponent: new Map(), byFunction: new Map() };
    for (const file of files)
      accumulate(JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Profile, totals);
    print(group, files.length, totals, Number(topArg ?? 12));
  }
}

main();
