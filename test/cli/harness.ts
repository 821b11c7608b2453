import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { phaseInstanceId } from '../../shared/contracts/events.js';
import { reader, type PipelineHarness, type User } from '../e2e/pipeline-harness.js';

/** The compiled CLI, as `npx gantry` runs it (package.json "bin"). */
export const CLI = resolve('dist/cli/gantry.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  url?: string;
  /**
   * Sent as --principal (the dev host accepts App Service headers from the caller); by default a
   * reader, `null` for no identity at all.
   */
  as?: User | null;
  env?: Record<string, string>;
}

/** An empty HOME, so a developer's own ~/.config/gantry/config.json never leaks into a test. */
const home = mkdtempSync(join(tmpdir(), 'gantry-cli-home-'));

export function cliEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    ...extra,
  };
}

export const principalArg = (u: User): string => `${u.name}:${u.groups.join(',')}:${u.roles.join(',')}`;

function argsFor(args: readonly string[], o: CliOptions): string[] {
  const as = o.as === undefined ? reader : o.as;
  return [...args, ...(o.url ? ['--url', o.url] : []), ...(as ? ['--principal', principalArg(as)] : [])];
}

/** A running CLI: its result when it exits, and a way to wait until it has printed something. */
export interface RunningCli {
  done: Promise<CliResult>;
  /** Resolves once stdout matches (the CLI reached that point); rejects if it exits first. */
  printed(pattern: RegExp): Promise<void>;
}

function start(command: string, args: string[], env: Record<string, string>): RunningCli {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ pattern: RegExp; resolve(): void }> = [];
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    for (const w of waiters.filter((x) => x.pattern.test(stdout))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<CliResult>((resolveDone, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolveDone({ code, stdout, stderr }));
  });
  return {
    done,
    printed: (pattern) =>
      pattern.test(stdout)
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            waiters.push({ pattern, resolve });
            void done.then((r) =>
              reject(new Error(`exited ${r.code} before printing ${pattern}:\n${r.stdout}${r.stderr}`)),
            );
          }),
  };
}

/** Starts `node dist/cli/gantry.js ...` as a child process with pipes (not a terminal). */
export const startGantry = (args: readonly string[], o: CliOptions = {}): RunningCli =>
  start(process.execPath, [CLI, ...argsFor(args, o)], cliEnv(o.env));

/** Runs the CLI to its end. */
export const gantry = (args: readonly string[], o: CliOptions = {}): Promise<CliResult> =>
  startGantry(args, o).done;

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Runs the CLI under a pseudo-terminal with util-linux `script` (Debian's bsdutils, an essential package):
 * stdout is a TTY, so colours and the redrawn progress line are what a person sees. `-e` returns the
 * CLI's exit code. Output keeps the terminal's CRLF line ends.
 */
export function startGantryTty(args: readonly string[], o: CliOptions = {}): RunningCli {
  const line = [process.execPath, CLI, ...argsFor(args, o)].map(quote).join(' ');
  return start(
    'script',
    ['-qfec', line, '/dev/null'],
    cliEnv({ TERM: 'xterm-256color', COLUMNS: '120', ...o.env }),
  );
}

export const gantryTty = (args: readonly string[], o: CliOptions = {}): Promise<CliResult> =>
  startGantryTty(args, o).done;

/** A loopback port with nothing listening: connection refused, quickly and for sure. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

const WORKFLOWS = ['integration', 'e2e', 'performance', 'security'];

/** Completes every dispatched test workflow through the Durable API, as the workflow_run webhook would. */
export async function completeTests(h: PipelineHarness, id: string): Promise<void> {
  await h.waitForPhase(id, 'tests', 'test workflows');
  for (const workflow of WORKFLOWS) {
    const res = await h.host.request(
      `/runtime/webhooks/durabletask/instances/${encodeURIComponent(phaseInstanceId(id, 'tests'))}/raiseEvent/testResult`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ workflow, conclusion: 'success' }),
      },
    );
    if (res.status !== 202) throw new Error(`testResult: HTTP ${res.status}`);
  }
}

const REPOSITORIES: Record<string, string> = { ApiGateway: 'api-gateway', AudioService: 'audio-service' };

export const imageOf = (service: 'ApiGateway' | 'AudioService', digest: string): string =>
  `hearloveen.azurecr.io/${REPOSITORIES[service]}:1.5.0@${digest}`;

/** Pushes an image and brings its run to the approval wait (business hours need a reviewer). */
export async function awaitingApproval(
  h: PipelineHarness,
  service: string,
  image: string,
  pusher: User,
): Promise<string> {
  const d = await h.submit(service, image, pusher);
  await completeTests(h, d.id);
  await h.waitForPhase(d.id, 'approval', 'approval');
  return d.id;
}

// eslint-disable-next-line no-control-regex
export const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/;
