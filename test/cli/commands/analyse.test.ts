import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../../cli/main.js';
import type { BacktestResult } from '../../../cli/render/backtest.js';
import { gantry } from '../harness.js';
import { captured, startLoopback, type Loopback, type Reply } from '../loopback.js';

const dir = mkdtempSync(join(tmpdir(), 'gantry-analyse-'));
const SPEC = join(dir, 'stricter.yaml');
writeFileSync(SPEC, 'canary:\n  interval: 1m\n  threshold: 2\n  steps: [{ weight: 10, duration: 5m }]\n');
const WHOLE = join(dir, 'gantry.yaml');
writeFileSync(
  WHOLE,
  'version: 1\ndefaults:\n  canary: { interval: 2m, threshold: 3 }\nservices:\n  ApiGateway:\n    canary: { threshold: 4 }\n',
);

const check = (at: string, round: 'interval' | 'fast', v: number, verdict: string, reason?: string) => ({
  at,
  round,
  step: 0,
  weight: 10,
  metric: 'request-success-rate',
  kind: round === 'fast' ? 'fail-fast' : 'metric',
  value: v,
  verdict,
  ...(reason && { reason }),
  query: 'sum(...)',
});

/** The documented answer of POST /api/analysis/backtest: rolled back at the second failed interval. */
const RESULT: BacktestResult = {
  service: 'ApiGateway',
  from: '2026-01-05T10:00:00.000Z',
  to: '2026-01-05T11:00:00.000Z',
  spec: 'configured',
  outcome: 'rolled-back',
  reason: '2 failed checks reached the threshold of 2 (last: request-success-rate: 97 < min 99) at 10%',
  at: '2026-01-05T10:02:00.000Z',
  failedChecks: 2,
  rounds: 4,
  decisions: [],
  checks: [
    check('2026-01-05T10:00:30.000Z', 'fast', 99.9, 'pass'),
    check('2026-01-05T10:01:00.000Z', 'interval', 97, 'fail', '97 < min 99'),
    check('2026-01-05T10:01:30.000Z', 'fast', 97, 'pass'),
    check('2026-01-05T10:02:00.000Z', 'interval', 97, 'fail', '97 < min 99'),
  ],
};

let server: Loopback | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function analyse(reply: Reply, args: string[]) {
  server = await startLoopback(() => reply);
  const { stdout, stderr } = captured();
  const code = await run({
    argv: ['analyse', ...args, '--url', server.url],
    env: {},
    stdout,
    stderr,
    readFile: (p) => (p === SPEC || p === WHOLE ? readFileSync(p, 'utf8') : undefined),
    now: () => Date.parse('2026-01-05T12:00:00Z'),
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

const body = () => JSON.parse(server?.requests[0]?.body ?? '') as Record<string, unknown>;

describe('gantry analyse', () => {
  it('asks for a backtest of the window and shows the decision, its time and the verdict table', async () => {
    const r = await analyse({ status: 200, body: RESULT }, [
      'ApiGateway',
      '--from',
      '2026-01-05T10:00:00Z',
      '--to',
      '2026-01-05T11:00:00Z',
    ]);
    expect(r.code).toBe(0);
    expect([server?.requests[0]?.method, server?.requests[0]?.path]).toEqual([
      'POST',
      '/api/analysis/backtest',
    ]);
    expect(body()).toEqual({
      service: 'ApiGateway',
      from: '2026-01-05T10:00:00Z',
      to: '2026-01-05T11:00:00Z',
    });
    expect(r.stdout.split('\n')).toEqual([
      'Backtest of ApiGateway',
      'window   2026-01-05 10:00:00Z -> 2026-01-05 11:00:00Z',
      "spec     the service's configured canary",
      'outcome  rolled-back at 2026-01-05 10:02:00Z',
      'reason   2 failed checks reached the threshold of 2 (last: request-success-rate: 97 < min 99) at 10%',
      'checks   2 failed interval check(s) in 4 round(s)',
      '',
      'Checks',
      'AT                    ROUND     WEIGHT  METRIC                VALUE  VERDICT  REASON',
      '2026-01-05 10:01:00Z  interval     10%  request-success-rate     97  fail     97 < min 99',
      '2026-01-05 10:02:00Z  interval     10%  request-success-rate     97  fail     97 < min 99',
      '',
    ]);
  });

  it('takes durations ago and a canary block from a file; --all lists the passing fast checks', async () => {
    const r = await analyse({ status: 200, body: { ...RESULT, spec: 'request' } }, [
      'ApiGateway',
      '--from',
      '2h',
      '--to',
      '90m',
      '--config',
      SPEC,
      '--all',
    ]);
    expect(r.code).toBe(0);
    expect(body()).toEqual({
      service: 'ApiGateway',
      from: '2026-01-05T10:00:00.000Z',
      to: '2026-01-05T10:30:00.000Z',
      config: { interval: '1m', threshold: 2, steps: [{ weight: 10, duration: '5m' }] },
    });
    expect(r.stdout).toContain(`Canary spec: ${SPEC} (canary)`);
    expect(r.stdout).toContain('spec     the one given');
    expect(r.stdout.match(/^2026-01-05 10:0\d:\d\dZ {2}fast/gm)).toHaveLength(2);
  });

  it("takes the service's block from a whole configuration, merged over the defaults", async () => {
    await analyse({ status: 200, body: RESULT }, ['ApiGateway', '--from', '2h', '--to', '1h', '-c', WHOLE]);
    expect(body().config).toEqual({ interval: '2m', threshold: 4 });
  });

  it.each<[string, string[], RegExp]>([
    ['no --from', ['ApiGateway', '--to', '1h'], /needs --from/],
    ['a bad time', ['ApiGateway', '--from', 'yesterday', '--to', '1h'], /--from must be an ISO 8601 time/],
    [
      'an unreadable file',
      ['ApiGateway', '--from', '2h', '--to', '1h', '--config', '/nope.yaml'],
      /Cannot read/,
    ],
  ])('refuses %s before calling the API', async (_name, args, message) => {
    const r = await analyse({ status: 200, body: RESULT }, args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(server?.requests).toEqual([]);
  });

  it('reports the API refusal (400 naming the field) with exit 1', async () => {
    const refusal = {
      status: 400,
      body: {
        error: {
          code: 'invalid-field',
          message: "'to' is in the future: a backtest reads history only.",
          details: { field: 'to' },
        },
      },
    };
    const r = await analyse(refusal, ['ApiGateway', '--from', '2h', '--to', '2026-01-06T00:00:00Z']);
    expect([r.code, r.stdout]).toEqual([1, '']);
    expect(r.stderr).toContain("HTTP 400 invalid-field: 'to' is in the future");
  });

  it('prints the API answer unchanged with --json (child process, compiled CLI)', async () => {
    server = await startLoopback(() => ({ status: 200, body: RESULT }));
    const r = await gantry(['analyse', 'ApiGateway', '--from', '2h', '--to', '1h', '--json'], {
      url: server.url,
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(RESULT);
  });
});
