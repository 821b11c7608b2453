import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type AzuriteHandle } from '../../devhost/durable/azurite.js';

const CLI = 'dist/devhost/cli.js';
const APP = 'test/fixtures/apps/conformance';

interface Child {
  process: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

/** Starts the compiled dev host CLI in its own process and resolves once it prints its URL. */
function startChild(connectionString: string, hook: string): Promise<Child> {
  const child = spawn(
    process.execPath,
    [CLI, 'start', APP, '--port', '0', '--store', 'table', '--storage', connectionString],
    {
      env: { ...process.env, CONFORMANCE_STEP_HOOK: hook },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
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

describe('crash recovery', () => {
  let azurite: AzuriteHandle;
  let hook: Server;
  let hookUrl: string;
  const calls = new Map<number, number>();
  let killAt: { step: number; child?: Child; killed?: () => void } = { step: 3 };

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run 'npm run build' first (npm test does)`);
    azurite = await startAzurite({ location: undefined });
    hook = createServer((req, res) => {
      const step = Number(/\/step\/(\d+)/.exec(req.url ?? '')?.[1]);
      calls.set(step, (calls.get(step) ?? 0) + 1);
      if (step === killAt.step && killAt.child && calls.get(step) === 1) {
        // The activity is in flight: kill its host before it can report a result.
        killAt.child.process.kill('SIGKILL');
        killAt.killed?.();
        req.socket.destroy();
        return;
      }
      res.end('ok');
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    killAt.child?.process.kill('SIGKILL');
    await new Promise((resolve) => hook?.close(resolve));
    await azurite?.stop();
  });

  it('resumes a multi-step orchestration after SIGKILL without recording any step twice', async () => {
    const first = await startChild(azurite.connectionString, hookUrl);
    killAt = { step: 3, child: first };
    const killed = new Promise<void>((resolve) => (killAt.killed = resolve));
    const start = await fetch(`${first.url}/api/orchestrators/steps/crash-1`, { method: 'POST', body: '5' });
    expect(start.status).toBe(202);
    await killed;
    expect(await first.exited).toBeNull();

    const second = await startChild(azurite.connectionString, hookUrl);
    killAt = { step: -1, child: second };
    try {
      let status: { runtimeStatus: string; output: unknown; historyEvents: Array<Record<string, unknown>> };
      for (;;) {
        const res = await fetch(
          `${second.url}/runtime/webhooks/durabletask/instances/crash-1?showHistory=true&showHistoryOutput=true`,
        );
        status = (await res.json()) as typeof status;
        if (res.status === 200) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(status.runtimeStatus).toBe('Completed');
      expect(status.output).toEqual([1, 2, 3, 4, 5].map((n) => `step ${n} done`));
      const completed = status.historyEvents.filter((e) => e.EventType === 'TaskCompleted');
      expect(completed.map((e) => e.Result)).toEqual([1, 2, 3, 4, 5].map((n) => `step ${n} done`));
      // Steps finished before the crash ran once; the one in flight ran again (at-least-once).
      expect(Object.fromEntries(calls)).toEqual({ 1: 1, 2: 1, 3: 2, 4: 1, 5: 1 });
    } finally {
      second.process.kill('SIGTERM');
      await second.exited;
    }
  });
});
