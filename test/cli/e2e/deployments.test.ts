import { describe, expect, it } from 'vitest';
import { api, getJson, iso, seedDeployments, useApiHost, type Page } from '../../e2e/api-fixtures.js';
import { ada, ci, digest, linus, mallory, titles } from '../../e2e/pipeline-harness.js';
import { awaitingApproval, closedPort, completeTests, gantry, imageOf } from '../harness.js';

useApiHost();

const url = () => api.h.host.url;

describe('gantry against the dev host: trigger, status, list', { timeout: 60_000 }, () => {
  it('submits an image, then shows the run waiting for approval, as a table and as JSON', async () => {
    const image = imageOf('ApiGateway', digest());
    const first = await gantry(['trigger', 'ApiGateway', image], { url: url(), as: ci });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const id = /Submitted (\S+) \(ApiGateway, Queued\)\./.exec(first.stdout)?.[1] ?? '';
    expect(id).toMatch(/^apigateway-[0-9a-f]{12}$/);
    const again = await gantry(['trigger', 'ApiGateway', image, '--json'], { url: url(), as: ci });
    expect(JSON.parse(again.stdout)).toMatchObject({ created: false, deployment: { id } });

    await completeTests(api.h, id);
    await api.h.waitForPhase(id, 'approval', 'approval');
    const status = await gantry(['status', id], { url: url() });
    expect(status.code).toBe(0);
    const lines = status.stdout.split('\n');
    expect(lines[0]).toBe(id);
    expect(lines).toContain('weight   0%');
    expect(status.stdout).toMatch(
      /^state {4}AwaitingApproval {2}running: approval, auto-approves at \S+, waiting for approval by devops-team or tech-lead/m,
    );
    expect(status.stdout).toMatch(/^AwaitingApproval {2}2026-01-05 12:00:\d\dZ {3}now$/m);
    expect(status.stdout).toMatch(/^2026-01-05 12:00:\d\dZ {2}test:security +pass$/m);

    const asJson = JSON.parse((await gantry(['status', id, '--json'], { url: url() })).stdout);
    const direct = await api.h.view(id);
    expect(asJson).toEqual(JSON.parse(JSON.stringify(direct)));

    // Who may do what now: the pusher may not approve their own image, a reviewer may.
    const pusher = await gantry(['whoami', id], { url: url(), as: ci });
    expect(pusher.code).toBe(0);
    expect(pusher.stdout).toMatch(/^caller +ci-bot \[\] \(app-service\)$/m);
    expect(pusher.stdout).toMatch(/^approve +no: /m);
    expect(pusher.stdout).toMatch(/^cancel +allowed$/m);
    const reviewer = JSON.parse((await gantry(['whoami', id, '--json'], { url: url(), as: ada })).stdout);
    expect(reviewer).toMatchObject({
      authenticated: true,
      principal: { name: 'ada' },
      deployment: {
        id,
        state: 'AwaitingApproval',
        actions: { approve: { allowed: true }, resume: { allowed: false } },
      },
    });
    const nobody = await gantry(['whoami'], { url: url(), as: null });
    expect(nobody.stdout).toBe('caller  anonymous (no identity reached Gantry)\n');
    const rita = await gantry(['whoami'], { url: url() });
    expect(rita.stdout).toBe('caller  rita [] (app-service)\nroles   Gantry.Reader\n');

    const list = await gantry(['list', '--service', 'apigateway'], { url: url() });
    expect(list.stdout.split('\n')[1]).toMatch(
      new RegExp(`^${id} +ApiGateway +AwaitingApproval +0% +2026-01-05 12:00:00Z +api-gateway:1.5.0@`),
    );
  });

  it('lists newest first so --limit shows the latest, fetches everything with --all, and filters', async () => {
    const seeded = await seedDeployments();
    const all = JSON.parse((await gantry(['list', '--all', '--json'], { url: url() })).stdout) as Page;
    expect(seeded.every((d) => all.items.some((a) => a.id === d.id))).toBe(true);
    const created = all.items.map((d) => d.createdAt);
    expect(created).toEqual([...created].sort().reverse());
    expect(all.continuationToken).toBeNull();
    const first = JSON.parse(
      (await gantry(['list', '--limit', '7', '--json'], { url: url() })).stdout,
    ) as Page & { more?: number };
    expect(first.items.map((d) => d.id)).toEqual(all.items.slice(0, 7).map((d) => d.id));
    expect(first.more).toBe(all.items.length - 7);

    // --continue pages through the API in its own order, from a token the API handed out.
    const page = await getJson<Page>('/api/deployments?pageSize=7');
    const next = await gantry(
      ['list', '-n', '7', '--continue', page.body.continuationToken ?? '', '--json'],
      {
        url: url(),
      },
    );
    const second = JSON.parse(next.stdout) as Page;
    expect(second.items).toHaveLength(7);
    expect(second.items.map((d) => d.id).filter((x) => page.body.items.some((f) => f.id === x))).toEqual([]);

    const since = iso(60);
    const filtered = await gantry(
      ['list', '--service', 'AudioService', '--status', 'Failed', '--since', since, '--json'],
      { url: url() },
    );
    const expected = seeded.filter(
      (d) => d.service === 'AudioService' && d.state === 'Failed' && d.createdAt >= since,
    );
    expect(expected.length).toBeGreaterThan(0);
    expect((JSON.parse(filtered.stdout) as Page).items.map((d) => d.id).sort()).toEqual(
      expected.map((d) => d.id).sort(),
    );

    const human = await gantry(['list', '--limit', '3'], { url: url() });
    const rows = human.stdout.trimEnd().split('\n');
    expect(rows).toHaveLength(5);
    expect(rows[0]).toMatch(/^ID +SERVICE +STATE +WEIGHT +CREATED +IMAGE$/);
    expect(rows[1]).toMatch(new RegExp(`^${all.items[0]?.id} `));
    expect(rows[4]).toBe(`${all.items.length - 3} older deployments match: raise --limit, or use --all.`);
  });
});

describe('gantry approve and reject', { timeout: 60_000 }, () => {
  it('refuses a caller outside the reviewer groups, then approves as a reviewer', async () => {
    const id = await awaitingApproval(api.h, 'ApiGateway', imageOf('ApiGateway', digest()), ci);
    const refused = await gantry(['approve', id, '-m', 'ship it'], { url: url(), as: mallory });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^gantry: error: HTTP 403 approval-refused: not-a-reviewer/);
    expect(refused.stderr).toContain('  approver: mallory');
    const ok = await gantry(['approve', id, '-m', 'dashboards are green'], { url: url(), as: ada });
    expect([ok.code, ok.stderr]).toEqual([0, '']);
    expect(ok.stdout).toBe(
      `Approved ${id} as ada (ApiGateway, AwaitingApproval).\nFollow it with: gantry watch ${id}\n`,
    );
    const approval = (await api.h.view(id)).timeline.find((e) => e.title === 'approve:accepted');
    expect(approval).toMatchObject({ actor: 'ada', comment: 'dashboards are green' });
  });

  it('needs a reason to reject, records it, and the run fails (watch exits 10)', async () => {
    const id = await awaitingApproval(api.h, 'AudioService', imageOf('AudioService', digest()), ci);
    const bare = await gantry(['reject', id], { url: url(), as: linus });
    expect([bare.code, bare.stderr]).toEqual([2, `gantry: error: 'reject' needs a reason: -m "<text>".\n`]);
    expect((await api.h.view(id)).deployment.state).toBe('AwaitingApproval');
    const rejected = await gantry(['reject', id, '-m', 'p95 regression in perf tests'], {
      url: url(),
      as: linus,
    });
    expect(rejected.code).toBe(0);
    expect(rejected.stdout).toMatch(
      new RegExp(`^Rejected ${id} as linus \\(AudioService, AwaitingApproval\\)\\.`),
    );
    const done = await api.h.finish(id);
    expect(done.deployment.state).toBe('Failed');
    expect(titles(done.timeline)).toContain('reject:accepted');
    const watch = await gantry(['watch', id, '--interval', '100ms'], { url: url() });
    expect(watch.code).toBe(10);
    expect(watch.stdout.trimEnd().split('\n').at(-1)).toMatch(
      new RegExp(`^${id} finished Failed: .*\\(exit 10\\)$`),
    );
  });
});

describe('gantry errors', { timeout: 60_000 }, () => {
  it.each<[string[], boolean, RegExp]>([
    [
      ['status', 'apigateway-000000000000'],
      false,
      /^gantry: error: HTTP 404 deployment-not-found: No deployment 'apigateway-000000000000'\.\n$/,
    ],
    [['status', 'Not_An_Id'], false, /^gantry: error: HTTP 400 invalid-deployment-id: /],
    [
      ['list', '--status', 'Running'],
      false,
      /^gantry: error: HTTP 400 invalid-parameter: 'status' must be one of .*\n {2}parameter: status\n$/,
    ],
    [
      ['list', '--since', 'yesterday'],
      false,
      /HTTP 400 invalid-parameter: 'since' must be an ISO 8601 time.*\n {2}parameter: since\n$/,
    ],
    [
      ['trigger', 'ApiGateway', 'hearloveen.azurecr.io/api-gateway:1.0.0'],
      true,
      /^gantry: error: HTTP 400 image-digest-required: /,
    ],
    [['trigger', 'ApiGateway', 'not an image'], true, /^gantry: error: HTTP 400 invalid-image: /],
    [
      ['trigger', 'ApiGateway', imageOf('ApiGateway', digest())],
      false,
      /^gantry: error: HTTP 403 role-required: Triggering a deployment needs the Gantry.Operator role, which rita does not hold/,
    ],
    [
      ['trigger', 'ApiGateway', imageOf('ApiGateway', digest()), '--commit', 'abc'],
      true,
      /HTTP 400 invalid-field: 'commitSha' must be/,
    ],
    [['cancel', 'apigateway-000000000000'], true, /HTTP 404 deployment-not-found/],
    [['abort', 'apigateway-000000000000'], true, /HTTP 400 comment-required: abort needs a comment/],
    [['resume', 'apigateway-000000000000'], true, /HTTP 404 deployment-not-found/],
  ])('%j answers with the API error and exit 1, changing nothing', async (args, signedIn, stderr) => {
    const r = await gantry(args, { url: url(), as: signedIn ? ada : undefined });
    expect([r.code, r.stdout]).toEqual([1, '']);
    expect(r.stderr).toMatch(stderr);
    const after = JSON.parse((await gantry(['list', '--json'], { url: url() })).stdout) as Page;
    expect(after.items).toEqual([]);
  });

  it('says which URL it could not reach (exit 3), in words and as JSON', async () => {
    const port = await closedPort();
    const r = await gantry(['status', 'apigateway-000000000000'], { url: `http://127.0.0.1:${port}` });
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(
      `gantry: error: Cannot reach Gantry at http://127.0.0.1:${port} (connection refused). Is it running? Set the URL with --url or GANTRY_URL.\n`,
    );
    const viaEnv = await gantry(['list', '--json'], { env: { GANTRY_URL: `http://127.0.0.1:${port}` } });
    expect(viaEnv.code).toBe(3);
    expect(JSON.parse(viaEnv.stderr).error).toMatchObject({
      code: 'unreachable',
      details: { url: `http://127.0.0.1:${port}` },
    });
  });

  it('reads the URL and principal from the config file when neither flag nor environment says', async () => {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'gantry-cfg-')), 'config.json');
    writeFileSync(file, JSON.stringify({ url: url(), principal: 'ci-bot::Operator' }));
    const r = await gantry(['trigger', 'ApiGateway', imageOf('ApiGateway', digest())], {
      env: { GANTRY_CONFIG: file },
      as: null,
    });
    expect([r.code, r.stderr]).toEqual([0, '']);
    const [d] = (JSON.parse((await gantry(['list', '--json'], { url: url() })).stdout) as Page).items;
    expect(d?.pushedBy).toBe('ci-bot');
  });
});
