import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePorts, gantry, launch, loop, makeAppDir, sandboxEnv, type Launched } from './launcher.js';

/**
 * `kill -9` of `npm start` in its default mode (Azurite's data under `./.azurite`, example settings):
 * nothing the host had confirmed is lost, and the deployment in flight finishes after a restart.
 */

const ID = 'apigateway-22fb0e92c0b2';
const CLOCK = ['--time-scale', '300', '--start-time', '2026-01-05T10:00:00Z'];

interface InstanceStatus {
  instanceId: string;
  runtimeStatus: string;
}

const appDir = makeAppDir();
const dirs = [appDir];
let running: Launched | undefined;

afterAll(async () => {
  if (running && running.process.exitCode === null && running.process.signalCode === null) {
    running.process.kill('SIGINT');
    await running.exited;
  }
  for (const dir of dirs) {
    const info = path.join(dir, '.azurite/azurite.json');
    if (existsSync(info)) {
      const { pid } = JSON.parse(readFileSync(info, 'utf8')) as { pid: number };
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
});

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function instances(host: string): Promise<Map<string, string>> {
  const res = await fetch(`${host}/runtime/webhooks/durabletask/instances?top=1000`);
  const list = (await res.json()) as InstanceStatus[];
  return new Map(list.map((i) => [i.instanceId, i.runtimeStatus]));
}

async function clockNow(host: string): Promise<number> {
  const res = await fetch(`${host}/admin/host/clock`);
  return Date.parse(((await res.json()) as { now: string }).now);
}

async function deployment(host: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${host}/api/deployments/${ID}`);
  return { status: res.status, body: await res.json() };
}

describe('npm start survives kill -9', () => {
  it('keeps every confirmed instance and record, and the deployment in flight finishes', async () => {
    const ports = await freePorts(10);
    const env = sandboxEnv(ports);
    const urls = { host: loop(ports[0] ?? 0), control: env.GANTRY_SANDBOX_CONTROL_URL ?? '' };
    const args = ['--port', String(ports[0]), ...CLOCK];
    running = await launch(appDir, args, env);
    expect(running.output()).toMatch(/Azurite at http:\/\/127\.0\.0\.1:\d+/);
    // A scaled clock keeps to its own task hub and tables, away from real-time runs.
    expect(running.output()).toMatch(/task hub: +GantryLocalScaled /);
    expect(running.output()).toContain('tables GantryScaled*');

    expect(gantry(['sandbox', 'push', 'api-gateway:1.4.0'], urls).stdout).toContain(`deployment ${ID}`);
    const waited = gantry(['watch', ID, '--until', 'AwaitingApproval'], urls);
    expect(waited.status, waited.stdout + waited.stderr).toBe(0);
    const before = await instances(urls.host);
    const recordBefore = await deployment(urls.host);
    expect(before.get(`deploy:${ID}`)).toBe('Running');
    expect([...before.values()].filter((s) => s === 'Completed').length).toBeGreaterThan(0);

    const info = JSON.parse(readFileSync(path.join(appDir, '.azurite/azurite.json'), 'utf8')) as {
      pid: number;
    };
    const clockBefore = await clockNow(urls.host);
    running.process.kill('SIGKILL');
    await running.exited;
    expect(alive(info.pid)).toBe(true);

    running = await launch(appDir, args, env);
    // The scaled clock continues where it stopped instead of starting over at --start-time.
    expect(running.output()).toContain('(saved clock)');
    expect(await clockNow(urls.host)).toBeGreaterThanOrEqual(clockBefore);
    const after = await instances(urls.host);
    for (const [id, status] of before) {
      expect(after.get(id), id).toBeDefined();
      if (status === 'Completed') expect(after.get(id), id).toBe('Completed');
    }
    expect(await deployment(urls.host)).toEqual(recordBefore);
    const reused = JSON.parse(readFileSync(path.join(appDir, '.azurite/azurite.json'), 'utf8')) as {
      pid: number;
    };
    expect(reused.pid).toBe(info.pid);

    const approved = gantry(['approve', ID, '-m', 'after a crash', '--as', 'reviewer@localhost'], urls);
    expect(approved.status, approved.stdout + approved.stderr).toBe(0);
    const done = gantry(['watch', ID], urls);
    expect(done.stdout, done.stdout + done.stderr).toMatch(new RegExp(`${ID} finished Succeeded`));

    // A clean stop ends the Azurite process too, and it saves its data as it goes.
    running.process.kill('SIGINT');
    expect(await running.exited).toBe(0);
    expect(alive(info.pid)).toBe(false);
    expect(existsSync(path.join(appDir, '.azurite/azurite.json'))).toBe(false);
  }, 240_000);

  it('keeps the sandbox world: a test workflow dispatched before the kill still reports after it', async () => {
    const ports = await freePorts(10);
    const env = sandboxEnv(ports);
    const urls = { host: loop(ports[0] ?? 0), control: env.GANTRY_SANDBOX_CONTROL_URL ?? '' };
    const args = ['--port', String(ports[0]), ...CLOCK];
    const dir = makeAppDir();
    dirs.push(dir);
    running = await launch(dir, args, env);
    const id = 'apigateway-644b99db525d';
    expect(gantry(['sandbox', 'push', 'api-gateway:1.4.1'], urls).stdout).toContain(`deployment ${id}`);
    const worldFile = path.join(dir, '.azurite/sandbox-world-scaled.json');
    await until(() => pendingRuns(worldFile) > 0);
    running.process.kill('SIGKILL');
    await running.exited;
    expect(pendingRuns(worldFile)).toBeGreaterThan(0);

    running = await launch(dir, args, env);
    expect(running.output()).toContain('world restored from the last run');
    const waited = gantry(['watch', id, '--until', 'AwaitingApproval'], urls);
    expect(waited.status, waited.stdout + waited.stderr).toBe(0);
    expect(pendingRuns(worldFile)).toBe(0);
    const approved = gantry(['approve', id, '-m', 'after a crash', '--as', 'reviewer@localhost'], urls);
    expect(approved.status, approved.stdout + approved.stderr).toBe(0);
    const done = gantry(['watch', id], urls);
    expect(done.stdout, done.stdout + done.stderr).toMatch(new RegExp(`${id} finished Succeeded`));
    running.process.kill('SIGINT');
    expect(await running.exited).toBe(0);
  }, 240_000);
});

describe('npm start survives kill -9 during the canary', () => {
  it('resumes the canary analysis and releases', async () => {
    const ports = await freePorts(10);
    const env = sandboxEnv(ports);
    const urls = { host: loop(ports[0] ?? 0), control: env.GANTRY_SANDBOX_CONTROL_URL ?? '' };
    const args = ['--port', String(ports[0]), ...CLOCK];
    const dir = makeAppDir();
    dirs.push(dir);
    running = await launch(dir, args, env);
    const id = 'apigateway-22fb0e92c0b2';
    expect(gantry(['sandbox', 'push', 'api-gateway:1.4.0'], urls).stdout).toContain(`deployment ${id}`);
    expect(gantry(['watch', id, '--until', 'AwaitingApproval'], urls).status).toBe(0);
    expect(gantry(['approve', id, '-m', 'go', '--as', 'reviewer@localhost'], urls).status).toBe(0);
    const canary = gantry(['watch', id, '--until', 'Canary'], urls);
    expect(canary.status, canary.stdout + canary.stderr).toBe(0);
    running.process.kill('SIGKILL');
    await running.exited;

    running = await launch(dir, args, env);
    const done = gantry(['watch', id], urls);
    expect(done.stdout, done.stdout + done.stderr).toMatch(new RegExp(`${id} finished Succeeded`));
    running.process.kill('SIGINT');
    expect(await running.exited).toBe(0);
  }, 240_000);
});

/** Workflow runs the saved world says were dispatched and have not reported yet. */
function pendingRuns(file: string): number {
  if (!existsSync(file)) return 0;
  const text = readFileSync(file, 'utf8');
  const runs = /"github\.runs",\{"lastId":\d+,"pending":\{"\$map":\[(.*?)\]\}\}/.exec(text);
  return runs?.[1] ? (runs[1].match(/"deploymentId"/g) ?? []).length : 0;
}

/** Polls a condition on the file system (the launcher is another process: there is nothing to await). */
async function until(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
