import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { VirtualClock } from '../../devhost/durable/clock.js';
import { readPullRequestClosed } from '../../shared/app/github-pull-events.js';
import { verifyGitHubSignature } from '../../shared/app/github-events.js';
import { seedRepository } from '../../sandbox/git-store.js';
import { createGitHubRoutes } from '../../sandbox/github.js';
import { deliveredHooks, deliverGitHubWebhook } from '../../sandbox/github-webhook.js';
import { SandboxWorld } from '../../sandbox/world.js';

const TOKEN = 'sandbox-github-token';
const SECRET = 'sandbox-github-webhook-secret';
const REPO = 'hearloveen/environments';

/** A receiver standing in for Gantry's /api/webhooks/github: keeps what arrived, exactly as sent. */
async function receiver(status = 200) {
  const received: Array<{ path: string; headers: IncomingHttpHeaders; raw: Buffer }> = [];
  let arrived: () => void = () => {};
  const next = new Promise<void>((resolve) => (arrived = resolve));
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, raw: Buffer.concat(chunks) });
      res.writeHead(status).end();
      arrived();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, received, next, close: () => new Promise<void>((r) => server.close(() => r())) };
}

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

function sandbox(deliver?: ReturnType<typeof deliverGitHubWebhook>) {
  const world = new SandboxWorld(new VirtualClock());
  seedRepository(world, REPO, { 'apps/web/kustomization.yaml': 'images: []\n' });
  const routes = createGitHubRoutes(world, {
    token: TOKEN,
    deliver: async () => {},
    ...(deliver && { deliverWebhook: deliver }),
  });
  const call = async (method: string, path: string, body?: unknown) => {
    const origin = 'http://github.sandbox';
    const res = await routes({
      method,
      url: new URL(`/repos/${REPO}${path}`, origin),
      origin,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: Buffer.from(body === undefined ? '' : JSON.stringify(body)),
    });
    return { status: res?.status, json: JSON.parse(String(res?.body ?? '{}')) as Record<string, unknown> };
  };
  return { world, call };
}

/** Opens a pull request from a branch at main's commit, naming a Gantry deployment as Gantry's do. */
async function openPull(call: ReturnType<typeof sandbox>['call']): Promise<number> {
  const main = (await call('GET', '/git/ref/heads/main')).json as { object: { sha: string } };
  expect(
    (await call('POST', '/git/refs', { ref: 'refs/heads/gantry/web', sha: main.object.sha })).status,
  ).toBe(201);
  const pull = await call('POST', '/pulls', {
    head: 'gantry/web',
    base: 'main',
    title: 'web: v2',
    body: 'Promotes web v2 (deployment web-0123456789ab)',
  });
  expect(pull.status).toBe(201);
  return pull.json.number as number;
}

describe("the sandbox GitHub's repository webhook", () => {
  it("a merge through the API delivers GitHub's signed pull_request closed event", async () => {
    const hook = await receiver();
    close = hook.close;
    const { world, call } = sandbox(deliverGitHubWebhook(() => hook.url, SECRET));
    const number = await openPull(call);
    const merged = await call('PUT', `/pulls/${number}/merge`, {});
    expect(merged.status).toBe(200);
    await hook.next;
    const [delivery] = hook.received;
    expect(delivery?.path).toBe('/api/webhooks/github');
    expect(delivery?.headers).toMatchObject({
      'content-type': 'application/json',
      'x-github-event': 'pull_request',
      'x-github-hook-installation-target-type': 'repository',
    });
    expect(delivery?.headers['user-agent']).toMatch(/^GitHub-Hookshot\//);
    expect(delivery?.headers['x-github-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    // Signed over the raw body with the shared secret, exactly as Gantry verifies it.
    const raw = delivery?.raw ?? Buffer.alloc(0);
    const signature = String(delivery?.headers['x-hub-signature-256']);
    expect(await verifyGitHubSignature(SECRET, raw, signature)).toBe(true);
    expect(await verifyGitHubSignature('another-secret-value', raw, signature)).toBe(false);
    const payload = JSON.parse(raw.toString('utf8')) as { pull_request: { merged_at: string } };
    expect(payload).toMatchObject({
      action: 'closed',
      number,
      pull_request: {
        number,
        state: 'closed',
        merged: true,
        merge_commit_sha: merged.json.sha,
        head: { ref: 'gantry/web' },
        base: { ref: 'main' },
      },
      repository: { full_name: REPO, name: 'environments', owner: { login: 'hearloveen' } },
      sender: { login: expect.any(String) },
    });
    expect(Date.parse(payload.pull_request.merged_at)).toBe(world.now());
    // Gantry's own reading of it: the deployment's pull request merged.
    expect(readPullRequestClosed(payload)).toEqual({
      kind: 'ok',
      value: {
        deploymentId: 'web-0123456789ab',
        repository: REPO,
        number,
        merged: true,
        headRef: 'gantry/web',
        baseRef: 'main',
      },
    });
    // Recorded once the receiver has answered.
    await vi.waitFor(() =>
      expect(deliveredHooks(world)).toEqual([
        { event: 'pull_request', action: 'closed', repository: REPO, status: 200 },
      ]),
    );
  });

  it('no webhook configured: a merge delivers nothing; a refused delivery is not retried', async () => {
    const quiet = sandbox();
    expect((await quiet.call('PUT', `/pulls/${await openPull(quiet.call)}/merge`, {})).status).toBe(200);
    expect(deliveredHooks(quiet.world)).toEqual([]);
    const hook = await receiver(401);
    close = hook.close;
    const { world, call } = sandbox(deliverGitHubWebhook(() => hook.url, 'the-wrong-secret'));
    expect((await call('PUT', `/pulls/${await openPull(call)}/merge`, {})).status).toBe(200);
    await hook.next;
    await vi.waitFor(() => expect(deliveredHooks(world).map((h) => h.status)).toEqual([401]));
    expect(hook.received).toHaveLength(1);
  });
});
