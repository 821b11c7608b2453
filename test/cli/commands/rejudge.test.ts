import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../../cli/main.js';
import { renderRejudge, type RejudgeResult } from '../../../cli/render/rejudge.js';
import { makeStyle, stripAnsi } from '../../../cli/style.js';
import { gantry } from '../harness.js';
import { captured, startLoopback, type Loopback, type Reply } from '../loopback.js';

const ID = 'apigateway-1111aaaa2222';
const dir = mkdtempSync(join(tmpdir(), 'gantry-rejudge-'));
const SPEC = join(dir, 'stricter.yaml');
writeFileSync(SPEC, 'canary:\n  interval: 1m\n  threshold: 2\n  steps: [{ weight: 10, duration: 5m }]\n');

/** The documented answer of POST /api/deployments/{id}/rejudge: one verdict flips, so does the outcome. */
const RESULT: RejudgeResult = {
  deploymentId: ID,
  original: { outcome: 'passed', failedChecks: 1 },
  rejudged: {
    outcome: 'rolled-back',
    reason: '2 failed checks reached the threshold of 2 at 10%',
    failedChecks: 2,
  },
  outcomeChanged: true,
  changedChecks: 1,
  checks: [
    {
      seq: 1,
      at: '2026-01-05T10:01:00.000Z',
      metric: 'request-success-rate',
      value: 98.5,
      original: 'fail',
      rejudged: 'fail',
      changed: false,
    },
    {
      seq: 2,
      at: '2026-01-05T10:02:00.000Z',
      metric: 'request-duration-p95',
      value: 450,
      original: 'pass',
      rejudged: 'fail',
      reason: 'above max 400',
      changed: true,
    },
    {
      seq: 3,
      at: '2026-01-05T10:03:00.000Z',
      metric: 'request-success-rate',
      value: null,
      kind: 'fail-fast',
      original: 'inconclusive',
      rejudged: 'inconclusive',
      changed: false,
    },
  ],
  unevaluated: ['latency-p99'],
};

let server: Loopback | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serving(reply: Reply): Promise<string> {
  server = await startLoopback(() => reply);
  return server.url;
}

async function rejudge(url: string, extra: string[] = []) {
  const { stdout, stderr } = captured();
  const code = await run({
    argv: ['rejudge', ID, '--config', SPEC, '--url', url, ...extra],
    env: {},
    stdout,
    stderr,
    readFile: (p) => (p === SPEC ? readFileSync(SPEC, 'utf8') : undefined),
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('gantry rejudge', () => {
  it('sends the canary block from the file and shows which verdicts and which outcome would change', async () => {
    const r = await rejudge(await serving({ status: 200, body: RESULT }));
    expect(r.code).toBe(0);
    const [request] = server?.requests ?? [];
    expect([request?.method, request?.path]).toEqual(['POST', `/api/deployments/${ID}/rejudge`]);
    expect(JSON.parse(request?.body ?? '')).toEqual({
      canary: { interval: '1m', threshold: 2, steps: [{ weight: 10, duration: '5m' }] },
    });
    expect(r.stdout.split('\n')).toEqual([
      `Canary spec: ${SPEC} (canary)`,
      `Rejudged ${ID}`,
      'outcome   passed (1 failed check) -> rolled-back (2 failed checks)  CHANGED',
      'reason    2 failed checks reached the threshold of 2 at 10%',
      'verdicts  1 of 3 would change',
      'unjudged  latency-p99 (no recorded evidence)',
      '',
      'Changed verdicts',
      'AT                    METRIC                VALUE  WAS   NOW   REASON',
      '2026-01-05 10:02:00Z  request-duration-p95    450  pass  fail  above max 400',
      '',
    ]);
  });

  it('lists every check with --all, naming fail-fast checks and missing data', async () => {
    const r = await rejudge(await serving({ status: 200, body: RESULT }), ['--all']);
    expect(r.stdout).toContain('Checks\n');
    expect(r.stdout).toContain('request-success-rate (fail-fast)  no data  inconclusive  inconclusive');
    expect(r.stdout.match(/^2026-01-05/gm)).toHaveLength(3);
  });

  it('says so when nothing would change', () => {
    const same = {
      ...RESULT,
      outcomeChanged: false,
      changedChecks: 0,
      checks: RESULT.checks.map((c) => ({ ...c, rejudged: c.original, changed: false })),
      unevaluated: [],
    };
    const lines = renderRejudge(
      { ...same, rejudged: { outcome: 'passed', failedChecks: 1 } },
      makeStyle(true),
      100,
      false,
    ).map(stripAnsi);
    expect(lines).toEqual([
      `Rejudged ${ID}`,
      'outcome   passed (1 failed check) -> passed (1 failed check)  unchanged',
      'verdicts  0 of 3 would change',
      '',
      'No verdict would change.',
    ]);
  });

  it('prints the API answer unchanged with --json (child process, compiled CLI)', async () => {
    const url = await serving({ status: 200, body: RESULT });
    const r = await gantry(['rejudge', ID, '--config', SPEC, '--json'], { url });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(RESULT);
  });

  it.each<[string, Reply, string]>([
    [
      'an invalid spec (400), one line per issue',
      {
        status: 400,
        body: {
          error: {
            code: 'invalid-spec',
            message: 'Invalid analysis spec: canary.threshold: Too small',
            details: {
              issues: [
                { path: 'canary.threshold', message: 'Too small' },
                { path: 'canary.interval', message: 'not a duration' },
              ],
            },
          },
        },
      },
      'gantry: error: HTTP 400 invalid-spec: Invalid analysis spec: canary.threshold: Too small\n  canary.threshold: Too small\n  canary.interval: not a duration\n',
    ],
    [
      'an unknown deployment (404)',
      {
        status: 404,
        body: { error: { code: 'deployment-not-found', message: `No deployment '${ID}'.`, details: {} } },
      },
      `gantry: error: HTTP 404 deployment-not-found: No deployment '${ID}'.\n`,
    ],
    [
      'a deployment without canary checks (409)',
      {
        status: 409,
        body: {
          error: {
            code: 'no-evidence',
            message: `Deployment ${ID} has no canary checks recorded yet.`,
            details: {},
          },
        },
      },
      `gantry: error: HTTP 409 no-evidence: Deployment ${ID} has no canary checks recorded yet.\n`,
    ],
  ])('reports %s with exit 1', async (_name, reply, stderr) => {
    const r = await rejudge(await serving(reply));
    expect([r.code, r.stdout, r.stderr]).toEqual([1, '', stderr]);
  });
});
