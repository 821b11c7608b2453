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
let running: Launched | undefined;

afterAll(async () => {
  if (running && running.process.exitCode === null && running.process.signalCode === null) {
    running.process.kill('SIGINT');
    await running.exited;
  }
  const info = path.join(appDir, '.azurite/azurite.json');
  if (existsSync(info)) {
    const { pid } = JSON.parse(readFileSync(info, 'utf8')) as { pid: number };
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  rmSync(appDir, { recursive: true, force: true });
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

async function deployment(host: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${host}/api/deployments/${ID}`);
  return { status: res.status, body: await res.json() };
}

describe('npm start survives kill -9', () => {
  it('keeps every confirmed instance and record, and the deployment in flight finishes', async () => {
    const ports = await freePorts(8);
    const env = sandboxEnv(ports);
    const urls = { host: loop(ports[0] ?? 0), control: env.GANTRY_SANDBOX_CONTROL_URL ?? '' };
    const args = ['--port', String(ports[0]), ...CLOCK];
    running = await launch(appDir, args, env);
    expect(running.output()).toMatch(/Azurite at http:\/\/127\.0\.0\.1:\d+/);

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
    running.process.kill('SIGKILL');
    await running.exited;
    expect(alive(info.pid)).toBe(true);

    running = await launch(appDir, args, env);
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
});
