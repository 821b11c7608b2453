import { TableServiceClient } from '@azure/data-tables';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startAzurite } from '../../devhost/durable/azurite.js';
import { freePorts, launch, loop, makeAppDir, sandboxEnv, type Launched } from './launcher.js';

/** Options of `npm start`'s launcher (`dist/sandbox/start.js`), run as a user runs it. */

const dirs: string[] = [];
const running: Launched[] = [];

afterAll(async () => {
  for (const r of running) {
    if (r.process.exitCode === null && r.process.signalCode === null) {
      r.process.kill('SIGINT');
      await r.exited;
    }
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('npm start --storage', () => {
  it('moves all of the app storage: the task hub and Gantry tables', async () => {
    const azurite = await startAzurite({ location: undefined });
    try {
      const dir = makeAppDir();
      dirs.push(dir);
      const ports = await freePorts(10);
      const env = sandboxEnv(ports);
      const launched = await launch(
        dir,
        ['--port', String(ports[0]), '--storage', azurite.connectionString],
        env,
      );
      running.push(launched);
      // Gantry's API reads and writes its own tables: it answers from the given storage.
      const res = await fetch(`${loop(ports[0] ?? 0)}/api/deployments`);
      expect(res.status, await res.text()).toBe(200);
      const tables: string[] = [];
      for await (const t of TableServiceClient.fromConnectionString(azurite.connectionString, {
        allowInsecureConnection: true,
      }).listTables())
        tables.push(t.name ?? '');
      expect(tables.filter((t) => t.startsWith('GantryLocal')).length).toBeGreaterThan(0); // task hub
      expect(tables.filter((t) => /^Gantry(?!Local)/.test(t)).length).toBeGreaterThan(0); // Gantry's own
      // No local Azurite was started beside the app.
      expect(existsSync(path.join(dir, '.azurite/azurite.json'))).toBe(false);
      launched.process.kill('SIGINT');
      expect(await launched.exited).toBe(0);
    } finally {
      await azurite.stop();
    }
  }, 120_000);
});

/** Runs the launcher to its end (it fails, or prints help) and returns what it said. */
function runToEnd(dir: string, args: string[], env: NodeJS.ProcessEnv) {
  const run = spawnSync(process.execPath, [path.join(dir, 'dist/sandbox/start.js'), ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH, HOME: dir, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function occupy(port = 0): Promise<Server> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => resolve(s));
  });
}

/** A base port with itself and the seven after it free (tried from free ports the system hands out). */
async function freeBase(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const [base] = (await freePorts(1)) as [number];
    if (base + 7 > 65535) continue;
    const held = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => occupy(base + i)));
    await Promise.all(
      held.map((h) => (h.status === 'fulfilled' ? new Promise((r) => h.value.close(r)) : null)),
    );
    if (held.every((h) => h.status === 'fulfilled')) return base;
  }
  throw new Error('no run of 8 free ports found');
}

describe('npm start ports and help', () => {
  it('--help prints the usage, with --port-base', () => {
    const dir = makeAppDir();
    dirs.push(dir);
    const run = runToEnd(dir, ['--help'], {});
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Usage: npm start -- [options]');
    expect(run.stdout).toContain('--port-base <n>');
    expect(run.stdout).toContain('--storage <conn>');
  });

  it('names the component and its setting when a sandbox port is taken, without a stack trace', async () => {
    const dir = makeAppDir();
    dirs.push(dir);
    const ports = await freePorts(10);
    const taken = await occupy();
    const port = (taken.address() as { port: number }).port;
    try {
      const env = { ...sandboxEnv(ports), GANTRY_ARGOCD_URL: `http://127.0.0.1:${port}` };
      const run = runToEnd(dir, ['--port', String(ports[0]), '--azurite-in-memory'], env);
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(
        `Port ${port} is already in use: the sandbox Argo CD (setting GANTRY_ARGOCD_URL)`,
      );
      expect(run.stderr).toContain('--port-base <n>');
      expect(run.stderr).not.toMatch(/^\s+at /m);
    } finally {
      await new Promise((r) => taken.close(r));
    }
  });

  it('names the dev host and --port when the host port is taken', async () => {
    const dir = makeAppDir();
    dirs.push(dir);
    const ports = await freePorts(10);
    const taken = await occupy();
    const port = (taken.address() as { port: number }).port;
    try {
      const run = runToEnd(dir, ['--port', String(port), '--azurite-in-memory'], sandboxEnv(ports));
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`Port ${port} is already in use: the Gantry dev host (--port`);
      expect(run.stderr).not.toMatch(/^\s+at /m);
    } finally {
      await new Promise((r) => taken.close(r));
    }
  });

  it('--port-base moves the host and every sandbox stand-in together', async () => {
    const dir = makeAppDir();
    dirs.push(dir);
    const base = await freeBase();
    const launched = await launch(dir, ['--port-base', String(base), '--azurite-in-memory'], {});
    running.push(launched);
    const out = launched.output();
    expect(out).toContain(`listening on http://127.0.0.1:${base}`);
    for (const [name, offset] of [
      ['kubernetes', 1],
      ['argocd', 2],
      ['prometheus', 3],
      ['github', 4],
      ['staging web', 5],
      ['control', 6],
      ['registry', 7],
    ] as const)
      expect(out).toContain(`${name} http://127.0.0.1:${base + offset}`);
    // The app's settings follow: a push through the control API reaches Gantry on the host port.
    const pushed = await fetch(`${loop(base + 6)}/sandbox/registry/api-gateway:1.4.0`, { method: 'PUT' });
    expect(pushed.status, await pushed.text()).toBeLessThan(300);
    const list = await fetch(`${loop(base)}/api/deployments`);
    expect(JSON.stringify(await list.json())).toContain('apigateway-22fb0e92c0b2');
    launched.process.kill('SIGINT');
    expect(await launched.exited).toBe(0);
  }, 120_000);
});
