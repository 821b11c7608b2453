import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

/** Running a real Prometheus for a test: backfill with promtool, start, wait until ready, stop. */

export function onPath(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    try {
      accessSync(join(dir, binary), constants.X_OK);
      return join(dir, binary);
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Polls `/-/ready` (bounded) until Prometheus answers, failing early if the process exits. */
async function waitReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}): ${log()}`);
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`prometheus not ready within 30 s: ${log()}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Whether a test file can use a real Prometheus: outside CI a machine without the Debian package skips it
 * (with a warning); in CI the file runs and `binaries()` fails loudly instead.
 */
export function realPrometheusAvailability(file: string): {
  skip: boolean;
  binaries(): { prometheus: string; promtool: string };
} {
  const prometheus = onPath('prometheus');
  const promtool = onPath('promtool');
  const skip = (!prometheus || !promtool) && process.env.CI !== 'true';
  if (skip) console.warn(`${file}: SKIPPED, prometheus/promtool not installed (apt-get install prometheus)`);
  return {
    skip,
    binaries() {
      if (!prometheus || !promtool)
        throw new Error('CI needs prometheus and promtool on PATH (.ci/run installs the Debian package)');
      return { prometheus, promtool };
    },
  };
}

export interface RealPrometheus {
  url: string;
  stop(): Promise<void>;
}

/**
 * Backfills `openMetrics` with `promtool tsdb create-blocks-from openmetrics` into a fresh directory and
 * starts `prometheus` on it, on a free loopback port, with no scrape targets.
 */
export async function startRealPrometheus(
  bins: { prometheus: string; promtool: string },
  openMetrics: string,
): Promise<RealPrometheus> {
  const dir = await mkdtemp(join(tmpdir(), 'gantry-prom-'));
  let child: ChildProcess | undefined;
  const stop = async (): Promise<void> => {
    if (child) await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await writeFile(join(dir, 'data.om'), openMetrics);
    const args = ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'data.om'), join(dir, 'data')];
    await promisify(execFile)(bins.promtool, args);
    await writeFile(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1h\n');
    const port = await freePort();
    const flags = [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ];
    child = spawn(bins.prometheus, flags, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer): void => void (output = (output + chunk.toString()).slice(-4000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const url = `http://127.0.0.1:${port}`;
    await waitReady(url, child, () => output);
    return { url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
