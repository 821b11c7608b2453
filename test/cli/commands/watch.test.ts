/* eslint-disable no-control-regex -- these tests match terminal escape sequences on purpose */
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../../cli/main.js';
import type { DeploymentState, TimelineEntry } from '../../../shared/domain/deployment.js';
import { captured, startLoopback, type Loopback, type Reply } from '../loopback.js';

const ID = 'apigateway-1111aaaa2222';
const T0 = Date.UTC(2026, 0, 5, 10);
let server: Loopback | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const entry = (n: number, title: string, extra: Partial<TimelineEntry> = {}): TimelineEntry => ({
  deploymentId: ID,
  seq: n,
  at: new Date(T0 + n * 60_000).toISOString(),
  kind: title.includes('->') ? 'transition' : title.startsWith('check:') ? 'check' : 'action',
  title,
  ...extra,
});

const TIMELINE = [
  entry(1, '->Queued'),
  entry(2, 'Queued->Canary'),
  entry(3, 'weight:10', { evidence: { weight: 10 } }),
  entry(4, 'check:success-rate', { verdict: 'fail', evidence: { value: 90, min: 99, weight: 10 } }),
  entry(5, 'Canary->RolledBack', { comment: '1 failed check reached the threshold of 1 at 10%' }),
];

function view(state: DeploymentState, upTo: number, live: Record<string, unknown> = {}): Reply {
  return {
    status: 200,
    body: {
      deployment: {
        id: ID,
        service: 'ApiGateway',
        state,
        reason: state === 'RolledBack' ? 'failed checks' : undefined,
        image: {
          registry: 'r.io',
          repository: 'api-gateway',
          tag: '1.0.0',
          digest: `sha256:${'1'.repeat(64)}`,
        },
        source: 'manual',
        createdAt: new Date(T0).toISOString(),
        updatedAt: new Date(T0).toISOString(),
        weight: state === 'Canary' ? 10 : 0,
      },
      // Newest first on purpose: the CLI orders by seq itself.
      timeline: TIMELINE.slice(0, upTo).reverse(),
      live: { running: state === 'Canary', ...live },
    },
  };
}

/** Serves the replies in order, repeating the last one. */
async function serve(replies: Reply[]): Promise<string> {
  let i = 0;
  server = await startLoopback(() => replies[Math.min(i++, replies.length - 1)]);
  return server.url;
}

async function watch(url: string, extra: string[] = [], tty = false) {
  const { stdout, stderr } = captured(tty);
  let clock = T0;
  const code = await run({
    argv: ['watch', ID, '--url', url, ...extra],
    env: {},
    stdout,
    stderr,
    readFile: () => undefined,
    now: () => clock,
    sleep: async (ms) => {
      clock += ms;
    },
  });
  return { code, stdout: stdout.text, stderr: stderr.text, polls: server?.requests.length ?? 0 };
}

const gantryError = (status: number, code: string): Reply => ({
  status,
  body: { error: { code, message: `${code} happened.`, details: {} } },
});

describe('watch', () => {
  it('prints each timeline entry once, oldest first, and exits 11 on RolledBack', async () => {
    const url = await serve([view('Canary', 2), view('Canary', 2), view('Canary', 4), view('RolledBack', 5)]);
    const r = await watch(url, ['--interval', '1s']);
    expect(r.code).toBe(11);
    expect(r.polls).toBe(4);
    expect(r.stdout.trim().split('\n')).toEqual([
      '2026-01-05 10:01:00Z  Queued',
      '2026-01-05 10:02:00Z  Queued -> Canary',
      '2026-01-05 10:03:00Z  traffic -> 10%',
      '2026-01-05 10:04:00Z  check:success-rate  fail  90 (min 99) at 10%',
      '2026-01-05 10:05:00Z  Canary -> RolledBack  1 failed check reached the threshold of 1 at 10%',
      `${ID} finished RolledBack: failed checks (exit 11)`,
    ]);
  });

  it.each<[DeploymentState, number]>([
    ['Succeeded', 0],
    ['Failed', 10],
    ['RolledBack', 11],
    ['Cancelled', 12],
    ['Superseded', 13],
  ])('exits with the documented code for %s', async (state, code) => {
    const r = await watch(await serve([view(state, 1)]));
    expect([r.code, r.polls]).toEqual([code, 1]);
  });

  it('rides out a restarting host: retries 5xx answers and dropped connections, then carries on', async () => {
    const url = await serve([
      view('Canary', 2),
      gantryError(503, 'unavailable'),
      { status: 0 },
      { status: 502, body: 'Bad Gateway', contentType: 'text/plain' },
      view('Succeeded', 1),
    ]);
    const r = await watch(url);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('unavailable happened. Retrying (1/5).');
    expect(r.stdout).toContain(
      '(connection closed by the server). Is it running? Set the URL with --url or GANTRY_URL. Retrying (2/5).',
    );
    expect(r.stdout).toContain('Bad Gateway. Retrying (3/5).');
  });

  it('gives up after 5 retries with the last error', async () => {
    const r = await watch(await serve([view('Canary', 2), gantryError(503, 'unavailable')]));
    expect([r.code, r.polls]).toEqual([1, 7]);
    expect(r.stderr).toBe('gantry: error: HTTP 503 unavailable: unavailable happened.\n');
  });

  it('fails at once when the very first poll fails: a wrong URL is not worth retrying', async () => {
    const r = await watch(await serve([gantryError(503, 'unavailable')]));
    expect([r.code, r.polls, r.stdout]).toEqual([1, 1, '']);
  });

  it('does not retry an answer about the deployment itself', async () => {
    const r = await watch(await serve([gantryError(404, 'deployment-not-found')]));
    expect([r.code, r.polls]).toEqual([1, 1]);
    expect(r.stderr).toContain('HTTP 404 deployment-not-found');
  });

  it('stops with exit 4 when --timeout passes first', async () => {
    const r = await watch(await serve([view('Canary', 2)]), ['--interval', '1m', '--timeout', '5m']);
    expect([r.code, r.polls]).toEqual([4, 6]);
    expect(r.stdout).toContain(`${ID} is still Canary after 5m00s (exit 4)`);
  });

  it('streams NDJSON with --json: entries, progress on change only, then done', async () => {
    const url = await serve([view('Canary', 2), view('Canary', 2), view('Canary', 3), view('RolledBack', 5)]);
    const r = await watch(url, ['--json']);
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; entry?: { seq: number }; exitCode?: number });
    expect(events.map((e) => e.type)).toEqual([
      'progress',
      'entry',
      'entry',
      'entry',
      'entry',
      'entry',
      'done',
    ]);
    expect(events.filter((e) => e.entry).map((e) => e.entry?.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(events.at(-1)).toMatchObject({ type: 'done', exitCode: 11, deployment: { state: 'RolledBack' } });
  });

  it('redraws one progress line on a terminal and restores the cursor', async () => {
    const url = await serve([
      view('Canary', 3, { stage: 'canary', waitingFor: 'next check', failedChecks: 1 }),
      view('RolledBack', 5),
    ]);
    const r = await watch(url, ['--interval', '90s', '--no-color'], true);
    expect(r.code).toBe(11);
    expect(r.stdout.startsWith('\x1b[?25l')).toBe(true);
    expect(r.stdout).toContain(
      '\r\x1b[2K⠋ Canary  10%  running: canary, waiting for next check, 1 failed check  0s',
    );
    expect(r.stdout).toContain('\r\x1b[2K2026-01-05 10:04:00Z  check:success-rate  fail');
    expect(r.stdout).toMatch(/\r\x1b\[2K\x1b\[\?25h.*finished RolledBack: failed checks \(exit 11\)\n$/);
  });
});

describe('watch --until', () => {
  it('stops with 0 once the deployment is in the state, or exits with its outcome when it ends first', async () => {
    const url = await serve([view('Queued', 1), view('Canary', 3)]);
    const r = await watch(url, ['--until', 'Canary']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${ID} is Canary (exit 0)`);
    await server?.close();
    const ended = await serve([view('Canary', 3), view('RolledBack', 5)]);
    expect((await watch(ended, ['--until', 'AwaitingApproval'])).code).toBe(11);
  });

  it('refuses a state that does not exist', async () => {
    const url = await serve([view('Queued', 1)]);
    const r = await watch(url, ['--until', 'Approving']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--until must be a deployment state');
  });
});
