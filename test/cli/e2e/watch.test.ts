/* eslint-disable no-control-regex -- these tests match terminal escape sequences on purpose */
import { describe, expect, it } from 'vitest';
import { api, useApiHost } from '../../e2e/api-fixtures.js';
import { ada, ci, digest } from '../../e2e/pipeline-harness.js';
import {
  ANSI,
  awaitingApproval,
  closedPort,
  gantry,
  gantryTty,
  imageOf,
  startGantry,
  startGantryTty,
} from '../harness.js';

useApiHost();

const url = () => api.h.host.url;

/** Approves as a reviewer and runs virtual time until the pipeline ends. */
async function approveAndFinish(id: string): Promise<string> {
  const res = await api.h.post(`/api/deployments/${id}/approve`, { comment: 'ok' }, ada);
  expect(res.status).toBe(202);
  return (await api.h.finish(id)).deployment.state;
}

describe('gantry watch against a real run on the virtual clock', { timeout: 60_000 }, () => {
  it('follows a release to Succeeded and exits 0', async () => {
    const id = await awaitingApproval(api.h, 'ApiGateway', imageOf('ApiGateway', digest()), ci);
    const watching = startGantry(['watch', id, '--interval', '100ms'], { url: url() });
    await watching.printed(/approval:required/);
    expect(await approveAndFinish(id)).toBe('Succeeded');
    const r = await watching.done;
    expect([r.code, r.stderr]).toEqual([0, '']);
    const lines = r.stdout.trimEnd().split('\n');
    for (const expected of [
      /^2026-01-05 12:00:00Z {2}Queued$/,
      /^2026-01-05 12:00:\d\dZ {2}approve:accepted {2}pass {2}by ada: ok$/,
      /^2026-01-05 12:30:\d\dZ {2}AwaitingApproval -> Canary$/,
      /^\S+ \S+ {2}traffic -> 10% {2}step 1\/3/,
      /^\S+ \S+ {2}check:request-success-rate {2}pass {2}99\.9 \(min \d+\) at 10%$/,
      /^\S+ \S+ {2}Verifying -> Succeeded {2}released$/,
    ])
      expect(
        lines.some((l) => expected.test(l)),
        String(expected),
      ).toBe(true);
    expect(lines.at(-1)).toBe(`${id} finished Succeeded: released (exit 0)`);
    // Each entry once, in order, though the timeline was polled many times.
    const stamps = lines.slice(0, -1).map((l) => l.slice(0, 20));
    expect(stamps).toEqual([...stamps].sort());
    expect(lines.length - 1).toBe((await api.h.view(id)).timeline.length);
  });

  it('exits 11 when the canary is rolled back, in text and as NDJSON', async () => {
    api.h.world.metric = (q, w) => (q.template.includes('duration') ? 200 : w.weight > 0 ? 90 : 99.9);
    const id = await awaitingApproval(api.h, 'ApiGateway', imageOf('ApiGateway', digest()), ci);
    const text = startGantry(['watch', id, '--interval', '100ms'], { url: url() });
    const json = startGantry(['watch', id, '--interval', '100ms', '--json'], { url: url() });
    // Both watchers see the run waiting before it moves on.
    await Promise.all([text.printed(/approval:required/), json.printed(/"type":"progress"/)]);
    expect(await approveAndFinish(id)).toBe('RolledBack');
    const [t, j] = await Promise.all([text.done, json.done]);
    expect(t.code).toBe(11);
    // Whichever check catches it (interval or fail-fast), a failing verdict precedes the rollback.
    const lines = t.stdout.trimEnd().split('\n');
    const failed = lines.findIndex((l) => / {2}fail {2}.*90\b/.test(l));
    expect(failed).toBeGreaterThan(lines.findIndex((l) => l.endsWith('traffic -> 10%  step 1/3')));
    expect(lines.some((l) => / {2}Canary -> RolledBack {2}/.test(l))).toBe(true);
    expect(lines.at(-1)).toMatch(new RegExp(`^${id} finished RolledBack: .+ \\(exit 11\\)$`));
    expect(j.code).toBe(11);
    const events = j.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; entry?: { title: string } });
    expect(events[0]?.type).toBe('progress');
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(['progress', 'entry', 'done']));
    expect(events.some((e) => e.entry?.title === 'Canary->RolledBack')).toBe(true);
    expect(events.at(-1)).toMatchObject({
      type: 'done',
      exitCode: 11,
      deployment: { id, state: 'RolledBack' },
    });
  });
});

describe('on a terminal (pseudo-terminal through util-linux script)', { timeout: 60_000 }, () => {
  it('redraws a coloured progress line while waiting, restores the cursor and keeps the exit code', async () => {
    const id = await awaitingApproval(api.h, 'ApiGateway', imageOf('ApiGateway', digest()), ci);
    const watching = startGantryTty(['watch', id, '--interval', '100ms'], { url: url() });
    // Approve only once the progress line shows the wait, so the test sees that line for sure.
    await watching.printed(/AwaitingApproval\x1b\[39m {2}0% {2}running: approval/);
    expect(await approveAndFinish(id)).toBe('Succeeded');
    const r = await watching.done;
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('\x1b[?25l')).toBe(true);
    // The spinner line: a braille frame, the state in colour, the weight and what the phase waits for.
    expect(r.stdout).toMatch(
      /\r\x1b\[2K\x1b\[36m[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]\x1b\[39m \x1b\[33mAwaitingApproval\x1b\[39m {2}0% {2}running: approval/,
    );
    expect(r.stdout).toMatch(
      /\r\x1b\[2K\x1b\[36m[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]\x1b\[39m \x1b\[36mCanary\x1b\[39m {2}\d+% {2}running: canary/,
    );
    expect(r.stdout).toContain('\x1b[32mpass\x1b[39m');
    expect(r.stdout).toMatch(
      /\x1b\[\?25h\x1b\[1m\S+\x1b\[22m finished \x1b\[32mSucceeded\x1b\[39m: released \(exit 0\)\r\n$/,
    );
  });

  it('colours status and list on a terminal, and not with NO_COLOR or --no-color', async () => {
    const id = await awaitingApproval(api.h, 'ApiGateway', imageOf('ApiGateway', digest()), ci);
    const coloured = await gantryTty(['status', id], { url: url() });
    expect(coloured.code).toBe(0);
    expect(coloured.stdout).toContain('\x1b[33mAwaitingApproval\x1b[39m');
    expect(coloured.stdout).toContain('\r\n');
    const noColor = await gantryTty(['status', id], { url: url(), env: { NO_COLOR: '1' } });
    expect(noColor.stdout).toContain('AwaitingApproval');
    expect(noColor.stdout).not.toMatch(ANSI);
    const flag = await gantryTty(['list', '--no-color'], { url: url() });
    expect(flag.stdout).toContain(id);
    expect(flag.stdout).not.toMatch(ANSI);
    const piped = await gantry(['status', id], { url: url() });
    expect(piped.stdout).not.toMatch(ANSI);
  });

  it('exits 3 with the URL when the host is gone, under a terminal too', async () => {
    const port = await closedPort();
    const r = await gantryTty(['watch', 'apigateway-000000000000', '--interval', '10ms'], {
      url: `http://127.0.0.1:${port}`,
    });
    expect(r.code).toBe(3);
    // The terminal carries stderr too: the error names the URL, in red, without retrying a dead URL.
    expect(r.stdout).not.toContain('Retrying');
    expect(r.stdout).toContain(
      `gantry: \x1b[31merror\x1b[39m: Cannot reach Gantry at http://127.0.0.1:${port} (connection refused).`,
    );
    expect(r.stdout).toContain('\x1b[?25h');
  });
});
