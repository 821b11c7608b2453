/**
 * The dev host's default storage: Azurite's Table service in its own detached process (see
 * `azurite-server.ts`), so a `kill -9` of the host loses nothing Azurite had acknowledged. The child's
 * pid and port are kept in `<location>/azurite.json`; a restarted host finds it there, checks that the
 * process is alive and answers as Azurite, and reuses it. `stop()` (a clean Ctrl-C) ends it, and Azurite
 * saves its database as it exits.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { devConnectionString, DEV_ACCOUNT_NAME, type AzuriteHandle } from './azurite.js';
import { INFO_FILE, type AzuriteProcessInfo } from './azurite-server.js';

export interface AzuriteProcessHandle extends AzuriteHandle {
  readonly pid: number;
  /** True when an Azurite left running by an earlier host was found and reused. */
  readonly reused: boolean;
}

export interface AzuriteProcessOptions {
  location: string;
  /** 0 (default) picks a free port. Ignored when a running Azurite is reused. */
  port?: number;
}

const HOST = '127.0.0.1';

export async function startAzuriteProcess(options: AzuriteProcessOptions): Promise<AzuriteProcessHandle> {
  const location = path.resolve(options.location);
  mkdirSync(location, { recursive: true });
  const running = readInfo(location);
  if (running && isAlive(running.pid) && (await answersAsAzurite(running.port))) return handle(running, true);
  return handle(await spawnServer(location, options.port ?? 0), false);
}

function readInfo(location: string): AzuriteProcessInfo | undefined {
  const file = path.join(location, INFO_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const info = JSON.parse(readFileSync(file, 'utf8')) as Partial<AzuriteProcessInfo>;
    return typeof info.pid === 'number' && typeof info.port === 'number'
      ? { pid: info.pid, port: info.port }
      : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Any answer from Azurite's Table service (a 403 for an unsigned request) carries its Server header. */
async function answersAsAzurite(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://${HOST}:${port}/${DEV_ACCOUNT_NAME}/Tables`, {
      signal: AbortSignal.timeout(2000),
    });
    await res.body?.cancel();
    return (res.headers.get('server') ?? '').startsWith('Azurite-Table');
  } catch {
    return false;
  }
}

/** The compiled child entry; tests running from sources use the build in dist/. */
function serverEntry(): string {
  const beside = path.join(__dirname, 'azurite-server.js');
  if (existsSync(beside)) return beside;
  const built = path.resolve(__dirname, '../../dist/devhost/durable/azurite-server.js');
  if (existsSync(built)) return built;
  throw new Error(`cannot find azurite-server.js beside ${__dirname} or in dist/: run 'npm run build'`);
}

function spawnServer(location: string, port: number): Promise<AzuriteProcessInfo> {
  const log = openSync(path.join(location, 'azurite.log'), 'a');
  const child = spawn(process.execPath, [serverEntry(), location, String(port)], {
    detached: true,
    stdio: ['ignore', log, log, 'ipc'],
  });
  closeSync(log);
  return new Promise((resolve, reject) => {
    child.once('message', (message: { ready?: AzuriteProcessInfo; error?: string }) => {
      child.disconnect();
      child.unref();
      if (message.ready) resolve(message.ready);
      else reject(new Error(`Azurite (storage) could not start: ${message.error ?? 'unknown error'}`));
    });
    child.once('exit', (code) =>
      reject(new Error(`Azurite (storage) exited with ${code}; see ${path.join(location, 'azurite.log')}`)),
    );
    child.once('error', reject);
  });
}

function handle(info: AzuriteProcessInfo, reused: boolean): AzuriteProcessHandle {
  const tableEndpoint = `http://${HOST}:${info.port}/${DEV_ACCOUNT_NAME}`;
  let stopped: Promise<void> | undefined;
  return {
    pid: info.pid,
    port: info.port,
    reused,
    tableEndpoint,
    connectionString: devConnectionString(tableEndpoint),
    stop: () => (stopped ??= stopProcess(info.pid)),
  };
}

/** SIGTERM lets Azurite save its database; it is killed outright only if it has not exited in 10 s. */
async function stopProcess(pid: number): Promise<void> {
  if (!isAlive(pid)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
