import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * `npm start`'s launcher (`dist/sandbox/start.js`) run as a user runs it, in an app folder of its own: a
 * temporary folder linking to this checkout's package.json, host.json, dist/, config/ and node_modules/,
 * so that the default `.azurite/` (and everything else kept beside it) is the test's own and the default
 * storage mode is the one under test. The settings are the example settings; only the loopback URLs of
 * the sandbox stand-ins move to free ports through the environment, as a user would override them.
 */

const LINKS = ['package.json', 'host.json', 'dist', 'config', 'node_modules', 'local.settings.example.json'];

export function makeAppDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'gantry-launcher-'));
  for (const name of LINKS) symlinkSync(path.resolve(name), path.join(dir, name));
  return dir;
}

export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve) => {
          const s = createServer();
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

export interface Launched {
  process: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

const loop = (port: number): string => `http://127.0.0.1:${port}`;

/**
 * Environment pointing the sandbox stand-ins at the given ports (host, kube, argo, prom, gh, web, control,
 * registry, slack, teams); the chat stand-ins take a free port when the list stops at the registry.
 */
export function sandboxEnv(ports: number[]): NodeJS.ProcessEnv {
  const [, kube, argo, prom, github, web, control, registry] = ports as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return {
    GANTRY_KUBE_SERVER: loop(kube),
    GANTRY_ARGOCD_URL: loop(argo),
    GANTRY_PROMETHEUS_URL: loop(prom),
    GANTRY_GITHUB_API_URL: loop(github),
    GANTRY_SMOKE_HOST_MAP: JSON.stringify({ 'staging.hearloveen.example': loop(web) }),
    GANTRY_SANDBOX_CONTROL_URL: loop(control),
    GANTRY_REGISTRY_HOST_MAP: JSON.stringify({ 'hearloveen.azurecr.io': loop(registry) }),
    GANTRY_SLACK_API_URL: `${loop(ports[8] ?? 0)}/api/`,
    GANTRY_TEAMS_WEBHOOK_SANDBOX: `${loop(ports[9] ?? 0)}/workflows/sandbox`,
  };
}

/** Starts the launcher in `appDir`; resolves once it has printed `until` (default: the sandbox banner). */
export function launch(
  appDir: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  until = 'Sandbox cluster',
): Promise<Launched> {
  const child = spawn(process.execPath, [path.join(appDir, 'dist/sandbox/start.js'), ...args], {
    cwd: appDir,
    env: { PATH: process.env.PATH, HOME: appDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const seen = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      if (output.includes(until)) resolve({ process: child, output: () => output, exited });
    };
    child.stdout?.on('data', seen);
    child.stderr?.on('data', seen);
    void exited.then((code) => reject(new Error(`launcher exited ${code}:\n${output}`)));
  });
}

/** Runs the compiled `gantry` CLI against a host and sandbox control URL. */
export function gantry(
  args: string[],
  urls: { host: string; control: string },
): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [path.resolve('dist/cli/gantry.js'), ...args], {
    env: { PATH: process.env.PATH, NO_COLOR: '1', GANTRY_URL: urls.host, GANTRY_SANDBOX_URL: urls.control },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

export { loop };
