import { exampleWithoutRings } from '../fixtures/example-config.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type AzuriteHandle } from '../../devhost/durable/azurite.js';
import { appServicePrincipalHeaders } from '../../shared/app/principal.js';
import { phaseInstanceId, pipelineInstanceId, type Phase } from '../../shared/contracts/events.js';
import type { DeploymentRecord, ReleaseRecord, TimelineEntry } from '../../shared/domain/deployment.js';
import { FakeWorld, worldPorts } from '../fakes/world.js';

/**
 * `kill -9` of the host at each stage of a run. The compiled app runs in a dev host child process; the
 * task hub and Gantry's tables live in Azurite, and the outside systems (a FakeWorld) in this process,
 * reached through test/fixtures/kill/ports-bridge.mjs: everything but the host survives the kill. The
 * kill lands while an activity of the stage is talking to an outside system, so that activity never
 * reports; a second host on the same storage must finish the run with every one-time entry once.
 */

const CLI = 'dist/devhost/cli.js';
const BRIDGE = 'test/fixtures/kill/ports-bridge.mjs';
const WORKFLOWS = ['integration', 'e2e', 'performance', 'security'];
const POLL_MS = 50;

interface Child {
  process: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

type Call = { port: string; method: string; args: unknown[] };

/** The first outside-system call of each stage: where its host dies. */
const KILL_AT: Record<Phase, (c: Call) => boolean> = {
  gates: (c) => c.port === 'scans' && c.method === 'start',
  staging: (c) => c.method === 'deployImage' && c.args[0] === 'api-gateway-staging',
  tests: (c) => c.method === 'dispatch',
  approval: (c) => c.method === 'publish' && hasTitle(c.args[0], 'Testing->AwaitingApproval'),
  canary: (c) => c.method === 'setWeight' && c.args[2] === 25,
  promotion: (c) => c.method === 'deployImage' && c.args[0] === 'api-gateway-prod',
  verification: (c) => c.method === 'rollout' && c.args[1] === 'api-gateway',
};

const hasTitle = (n: unknown, title: string): boolean => (n as { title?: string }).title === title;

/**
 * The example configuration with a short canary and verification: what is killed and resumed is the
 * same, at a fraction of the episodes (this suite is about durability, not analysis).
 */
function shortConfig(): string {
  const text = exampleWithoutRings()
    .replace(/duration: (5|10)m \}/g, 'duration: 1m }')
    .replace(/\n\s*fastCheckInterval: 15s[^\n]*/, '')
    .replace(/window: 5m/, 'window: 3m');
  const path = join(mkdtempSync(join(tmpdir(), 'gantry-kill-')), 'gantry.yaml');
  writeFileSync(path, text);
  return path;
}

/** The next Tuesday 03:00 UTC after now: production approval is automatic (02:00-06:00 UTC). */
function nextTuesday3am(): number {
  const d = new Date();
  d.setUTCHours(3, 0, 0, 0);
  do d.setUTCDate(d.getUTCDate() + 1);
  while (d.getUTCDay() !== 2);
  return d.getTime();
}

function startChild(env: Record<string, string>): Promise<Child> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      `./${BRIDGE}`,
      CLI,
      'start',
      '.',
      '--port',
      '0',
      '--store',
      'table',
      '--clock',
      'virtual',
      '--log-level',
      'warning',
    ],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        child.stdout?.off('data', onData);
        resolve({ process: child, url: match[1], exited });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) =>
      reject(new Error(`dev host exited with ${code} before listening:\n${output}`)),
    );
  });
}

/** The caller of every API request: an operator (which includes reading). */
const CI = appServicePrincipalHeaders({ name: 'ci-bot', groups: [], roles: ['Gantry.Operator'] });

async function json<T>(url: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

const setClock = (child: Child, to: number) =>
  json(`${child.url}/admin/host/clock`, {
    method: 'POST',
    body: JSON.stringify({ advanceTo: new Date(to).toISOString(), autoAdvance: true }),
  });

describe('kill -9 of the host at each stage', () => {
  let azurite: AzuriteHandle;
  let bridge: Server;
  let bridgeUrl = '';
  let world = new FakeWorld();
  let current: Child | undefined;
  let killWhen: ((c: Call) => boolean) | undefined;
  let killed: (() => void) | undefined;
  let lastClock = 0;
  let configPath = '';

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const [, port = '', method = ''] = (req.url ?? '').split('/');
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    const call: Call = { port, method, args: JSON.parse(raw) as unknown[] };
    if (killWhen?.(call) && current) {
      killWhen = undefined;
      lastClock = Date.parse((await json<{ now: string }>(`${current.url}/admin/host/clock`)).body.now);
      // The activity is in flight: its host dies before it can report a result.
      current.process.kill('SIGKILL');
      req.socket.destroy();
      killed?.();
      return;
    }
    const target = (
      worldPorts(world) as unknown as Record<string, Record<string, (...a: unknown[]) => unknown>>
    )[port];
    try {
      const fn = target?.[method]?.bind(target);
      const value = await fn?.(...call.args);
      if (method === 'dispatch' && current) await reportTest(current, call);
      res.end(JSON.stringify({ value }));
    } catch (error) {
      res.statusCode = 500;
      res.end(JSON.stringify({ message: error instanceof Error ? error.message : String(error) }));
    }
  }

  /** GitHub reports the dispatched workflow's success (as its workflow_run webhook would). */
  async function reportTest(child: Child, call: Call): Promise<void> {
    const [workflow, deploymentId] = call.args as [{ name: string }, string];
    const instance = encodeURIComponent(phaseInstanceId(deploymentId, 'tests'));
    await fetch(`${child.url}/runtime/webhooks/durabletask/instances/${instance}/raiseEvent/testResult`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ workflow: workflow.name, conclusion: 'success' }),
    });
  }

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run 'npm run build' first (npm test does)`);
    azurite = await startAzurite({ location: undefined });
    configPath = shortConfig();
    bridge = createServer((req, res) => void serve(req, res));
    await new Promise<void>((resolve) => bridge.listen(0, '127.0.0.1', resolve));
    bridgeUrl = `http://127.0.0.1:${(bridge.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    current?.process.kill('SIGKILL');
    await new Promise((resolve) => bridge?.close(resolve));
    await azurite?.stop();
  });

  it.each(Object.keys(KILL_AT) as Phase[])(
    'killed during %s, the run resumes with nothing twice',
    async (stage) => {
      world = new FakeWorld();
      const env = {
        GANTRY_TEST_PORTS_BRIDGE: bridgeUrl,
        AzureWebJobsStorage: azurite.connectionString,
        TASKHUB_NAME: `Kill${stage}${randomBytes(3).toString('hex')}`,
        GANTRY_STORAGE: azurite.connectionString,
        GANTRY_TABLE_PREFIX: `K${randomBytes(4).toString('hex')}`,
        GANTRY_CONFIG_PATH: configPath,
        GANTRY_DEV_PRINCIPAL: '',
      };
      const first = await startChild(env);
      current = first;
      await setClock(first, nextTuesday3am());
      killWhen = KILL_AT[stage];
      const dead = new Promise<void>((resolve) => (killed = resolve));
      const submitted = await json<{ deployment: DeploymentRecord }>(`${first.url}/api/deployments`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...CI,
        },
        body: JSON.stringify({
          service: 'ApiGateway',
          image: `hearloveen.azurecr.io/api-gateway:2.0.0@sha256:${randomBytes(32).toString('hex')}`,
          commitSha: randomBytes(20).toString('hex'),
        }),
      });
      expect(submitted.status).toBe(201);
      const { id } = submitted.body.deployment;
      await dead;
      expect(await first.exited).toBeNull();

      const second = await startChild(env);
      current = second;
      try {
        await setClock(second, lastClock);
        const instance = `${second.url}/runtime/webhooks/durabletask/instances/${encodeURIComponent(pipelineInstanceId(id))}`;
        let status: { runtimeStatus: string; output: { state: string; reason: string } };
        for (;;) {
          status = (await json<typeof status>(instance)).body;
          if (status?.runtimeStatus === 'Completed' || status?.runtimeStatus === 'Failed') break;
          // Another process: poll, gently (a hot loop would cost both processes most of their CPU).
          await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        }
        await json(`${second.url}/admin/host/idle`);
        const view = (
          await json<{ deployment: DeploymentRecord; timeline: TimelineEntry[] }>(
            `${second.url}/api/deployments/${id}`,
            { headers: CI },
          )
        ).body;
        expect(status.runtimeStatus).toBe('Completed');
        expect(status.output).toEqual({ state: 'Succeeded', reason: 'released' });
        expect([view.deployment.state, view.deployment.reason]).toEqual([
          status.output.state,
          status.output.reason,
        ]);
        const titles = view.timeline.map((e) => e.title);
        const once = (title: string) =>
          expect(
            titles.filter((t) => t === title),
            title,
          ).toHaveLength(1);
        for (const t of [
          'approval:auto',
          'synced:api-gateway-prod',
          'release:last-known-good',
          'weight:10',
          'weight:25',
          'weight:50',
          'Verifying->Succeeded',
        ])
          once(t);
        expect(new Set(view.timeline.map((e) => e.seq)).size).toBe(view.timeline.length);
        const releases = (
          await json<{ releases: ReleaseRecord[] }>(`${second.url}/api/services/ApiGateway/releases`, {
            headers: CI,
          })
        ).body;
        expect(releases.releases.filter((r) => r.deploymentId === id)).toHaveLength(1);
        expect(world.apps.get('api-gateway-prod')?.image?.digest).toBe(view.deployment.image.digest);
        expect(world.dispatched.map((d) => d.workflow).sort()).toEqual(
          expect.arrayContaining([...WORKFLOWS].sort()),
        );
      } finally {
        second.process.kill('SIGTERM');
        await second.exited;
        current = undefined;
      }
    },
  );
});
