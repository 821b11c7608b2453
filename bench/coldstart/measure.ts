/**
 * Cold-start measurements, each in a fresh process so nothing is cached in memory between samples
 * (the OS file cache stays warm, as it does on a Functions instance after the first scale-out):
 *  - module load: `node load-functions.js` (every function file of the app) against `node -e 0`, and
 *    the same followed by what a worker's first Durable invocation loads (the Durable SDK and the
 *    orchestrators: functions/durable/register.ts defers them), so the deferred cost stays visible;
 *  - the same load with telemetry on, as deployed (`infra/app/functionapp.bicep` sets the connection
 *    string, so the Azure Monitor distro starts at load): a syntactically valid connection string to an
 *    unroutable loopback ingestion endpoint; starting the distro sends nothing before the first export;
 *  - start-to-first-200: the dev host CLI starting Gantry (GET /api/health) against the dev host
 *    starting the minimal Durable app (GET /api/ping), from spawn to the first 200 response.
 * Samples of the two sides are interleaved so that load on a shared machine hits both alike.
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import path from 'node:path';

/** dist/bench/coldstart -> the repository root (Gantry's function app). */
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const DEVHOST_CLI = path.resolve(__dirname, '..', '..', 'devhost', 'cli.js');
const LOADER = path.join(__dirname, 'load-functions.js');
export const MINIMAL_APP_DIR = path.join(REPO_ROOT, 'bench', 'apps', 'minimal-durable');

export interface ColdStartSamples {
  nodeMs: number[];
  loadMs: number[];
  /** Loading the same files, then what the first Durable invocation loads (load-functions.js --durable). */
  durableMs: number[];
  /** Loading the function files with telemetry on (TELEMETRY_ENV), up to `useAzureMonitor` returning. */
  telemetryMs: number[];
  /** CPU time (user + system) of the same `node -e 0`, load, durable and telemetry-on processes. */
  cpu: { nodeMs: number[]; loadMs: number[]; durableMs: number[]; telemetryMs: number[] };
  minimalMs: number[];
  gantryMs: number[];
  /** The 1-minute load average before and after the runs: on a shared machine, read the figures with it. */
  loadAverage: [number, number];
}

/** The environment of a fresh app: no storage account, no telemetry, nothing from the caller's shell. */
function appEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, TASKHUB_NAME: 'ColdStartBench' };
  return env;
}

const CPU_REPORT = path.join(__dirname, 'cpu-report.js');
const CPU_LINE = /coldstart-cpu-ms ([\d.]+)/;

/**
 * Production's telemetry settings in shape: port 9 (discard) on loopback, so nothing leaves the machine
 * and nothing listens; the distro only connects when it first exports, after the measured start.
 */
export const TELEMETRY_ENV = {
  APPLICATIONINSIGHTS_CONNECTION_STRING:
    'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/',
} as const;

/** Wall time from spawn to exit of `node ...args`, and the process's CPU time; a failure fails the benchmark. */
export function timeProcess(
  args: string[],
  extraEnv: Record<string, string> = {},
): Promise<{ wallMs: number; cpuMs: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, ['-r', CPU_REPORT, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...appEnv(), ...extraEnv },
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      const wallMs = performance.now() - started;
      const cpu = CPU_LINE.exec(stderr)?.[1];
      if (code === 0 && cpu) resolve({ wallMs, cpuMs: Number(cpu) });
      else reject(new Error(`node ${args.join(' ')} exited ${code}: ${stderr.slice(-500)}`));
    });
  });
}

const LISTENING = /listening on (http:\/\/[^\s]+)/;
const FIRST_200_TIMEOUT_MS = 60_000;

/** Spawn of the dev host CLI on `appDir` → first 200 from `route`; the host is stopped afterwards. */
export async function timeFirst200(appDir: string, route: string): Promise<number> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [DEVHOST_CLI, 'start', appDir, '--port', '0', '--store', 'memory', '--log-level', 'error'],
    { stdio: ['ignore', 'pipe', 'pipe'], env: appEnv() },
  );
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => reject(new Error(`no listening line: ${output}`)), FIRST_200_TIMEOUT_MS);
      const read = (chunk: Buffer): void => {
        output += chunk.toString();
        const match = LISTENING.exec(output);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      };
      child.stdout.on('data', read);
      child.stderr.on('data', read);
      child.on('exit', (code) => reject(new Error(`dev host exited ${code} before listening: ${output}`)));
    });
    for (;;) {
      const response = await fetch(`${url}${route}`);
      await response.arrayBuffer();
      if (response.status === 200) return performance.now() - started;
      if (performance.now() - started > FIRST_200_TIMEOUT_MS)
        throw new Error(`${route} answered ${response.status}, never 200`);
    }
  } finally {
    child.kill();
    await exited;
  }
}

/** `runs` interleaved samples of each figure (after one unmeasured warm-up of each, for the file cache). */
export async function measureColdStart(
  runs: number,
  progress: (message: string) => void = () => {},
): Promise<ColdStartSamples> {
  const samples: ColdStartSamples = {
    nodeMs: [],
    loadMs: [],
    durableMs: [],
    telemetryMs: [],
    cpu: { nodeMs: [], loadMs: [], durableMs: [], telemetryMs: [] },
    minimalMs: [],
    gantryMs: [],
    loadAverage: [loadavg()[0] ?? 0, 0],
  };
  const round = async (record: boolean): Promise<void> => {
    const node = await timeProcess(['-e', '0']);
    const load = await timeProcess([LOADER]);
    const durable = await timeProcess([LOADER, '--durable']);
    const telemetry = await timeProcess([LOADER, '--expect-telemetry'], TELEMETRY_ENV);
    const minimal = await timeFirst200(MINIMAL_APP_DIR, '/api/ping');
    const gantry = await timeFirst200(REPO_ROOT, '/api/health');
    if (!record) return;
    samples.nodeMs.push(node.wallMs);
    samples.loadMs.push(load.wallMs);
    samples.durableMs.push(durable.wallMs);
    samples.cpu.nodeMs.push(node.cpuMs);
    samples.cpu.loadMs.push(load.cpuMs);
    samples.cpu.durableMs.push(durable.cpuMs);
    samples.telemetryMs.push(telemetry.wallMs);
    samples.cpu.telemetryMs.push(telemetry.cpuMs);
    samples.minimalMs.push(minimal);
    samples.gantryMs.push(gantry);
  };
  await round(false);
  for (let i = 0; i < runs; i++) {
    await round(true);
    progress(`cold start ${i + 1}/${runs}`);
  }
  samples.loadAverage[1] = loadavg()[0] ?? 0;
  return samples;
}
