import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { startAzurite, type AzuriteHandle } from '../../devhost/durable/azurite.js';
import { phaseInstanceId } from '../../shared/contracts/events.js';
import { branchLog } from '../../sandbox/git-store.js';
import { deliveredHooks } from '../../sandbox/github-webhook.js';
import { PULL_POLL_MS } from '../../orchestrations/lib/git-deploy.js';
import { CI_HEADERS, EXAMPLE_CONFIG, startSandboxRig, TOKENS, type SandboxRig } from './sandbox-rig.js';

/**
 * ApiGateway's production in `gitops: commit` mode on the sandbox: the compiled app writes each release's
 * digest into the sandbox GitHub's environment repository (Git data API, as a GitHub App would) and waits
 * for the sandbox Argo CD, which follows that branch, to sync exactly that commit. A rollback is a revert
 * commit of the promotion. The repository's history is the evidence.
 */

const REPO = 'hearloveen/environments';
const FILE = 'apps/api-gateway/prod/kustomization.yaml';

const dir = mkdtempSync(path.join(tmpdir(), 'gantry-gitops-'));
const config = path.join(dir, 'gantry.yaml');
const doc = parseDocument(readFileSync(EXAMPLE_CONFIG, 'utf8'));
doc.setIn(['services', 'ApiGateway', 'production', 'image', 'gitops'], {
  mode: 'commit',
  repository: REPO,
  branch: 'main',
  path: FILE,
});
writeFileSync(config, doc.toString());

let azurite: AzuriteHandle;
let rig: SandboxRig;

beforeAll(async () => {
  azurite = await startAzurite({ location: undefined });
  rig = await startSandboxRig({ configPath: config, storage: azurite.connectionString });
}, 60_000);

afterAll(async () => {
  await rig?.close();
  await azurite?.stop();
});

const log = () => branchLog(rig.sandbox.world, REPO);

async function argoRevision(): Promise<string | undefined> {
  const res = await fetch(`${rig.sandbox.urls.argocd}/api/v1/applications/api-gateway-prod`, {
    headers: { authorization: `Bearer ${TOKENS.argocd}` },
  });
  return ((await res.json()) as { status: { sync: { revision?: string } } }).status.sync.revision;
}

async function release(tag: string): Promise<{ id: string; digest: string }> {
  const pushed = await rig.registryPush(`api-gateway:${tag}`);
  const done = await rig.finish(pushed.deploymentId as string);
  expect(done.state).toBe('Succeeded');
  return { id: pushed.deploymentId as string, digest: pushed.digest };
}

describe('Git write-back (commit mode) on the sandbox', () => {
  let seeded: string;
  let first: { id: string; digest: string };
  let promotion1: string;

  it('promotes by a commit Argo CD syncs; a failing verification reverts it', async () => {
    const initial = log();
    expect(initial).toHaveLength(1);
    seeded = initial[0]!.sha;

    first = await release('2.1.0');
    const [p1] = log();
    promotion1 = p1!.sha;
    expect(p1!.message).toContain(`Gantry-Deployment: ${first.id}`);
    expect(p1!.message).toContain(first.digest);
    expect(p1!.parents).toEqual([seeded]);
    expect(rig.prodImage()).toBe(`hearloveen.azurecr.io/api-gateway@${first.digest}`);
    expect(await argoRevision()).toBe(promotion1);
    expect(
      (await rig.view(first.id)).timeline.find((e) => e.title === 'git:commit:api-gateway-prod'),
    ).toMatchObject({
      verdict: 'pass',
      evidence: { repository: REPO, branch: 'main', commit: promotion1 },
    });

    // 2.5.0 is promoted by a commit, then fails its verification window: the commit is reverted.
    const pushed = await rig.registryPush('api-gateway:2.5.0');
    const id = pushed.deploymentId as string;
    await rig.host.waitFor(phaseInstanceId(id, 'verification'), 'Running');
    const [promotion] = log();
    expect(promotion!.message).toContain(`Gantry-Deployment: ${id}`);
    expect(await rig.fault(pushed.digest, { errorRate: 0.3 })).toBe(200);
    const done = await rig.finish(id);
    expect(done.state).toBe('RolledBack');
    const [revert] = log();
    expect(revert!.message).toContain(`This reverts commit ${promotion!.sha}.`);
    expect(revert!.parents).toEqual([promotion!.sha]);
    expect(await argoRevision()).toBe(revert!.sha);
    expect(rig.prodImage()).toBe(`hearloveen.azurecr.io/api-gateway@${first.digest}`);
    const entry = (await rig.view(id)).timeline.find((e) => e.title === 'rollback:production');
    expect(entry).toMatchObject({
      verdict: 'pass',
      evidence: { commit: revert!.sha, reverts: promotion!.sha },
    });

    // The automatic rollback held the lane: lift it for the next test.
    const lifted = await rig.host.request('/api/services/ApiGateway/hold/lift', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...CI_HEADERS },
      body: JSON.stringify({ reason: 'bad build understood' }),
    });
    expect(lifted.status).toBe(200);
  }, 180_000);

  it('a service rollback (POST /api/services/{name}/rollback) is a revert commit too', async () => {
    const before = log()[0]!.sha;
    const second = await release('2.2.0');
    const [promotion2] = log();
    expect(promotion2!.parents).toEqual([before]);
    expect(await argoRevision()).toBe(promotion2!.sha);

    const res = await rig.host.request('/api/services/ApiGateway/rollback', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...CI_HEADERS },
      body: JSON.stringify({ comment: 'error budget burn after 2.2.0' }),
    });
    expect(res.status).toBe(202);
    const { rollback } = (await res.json()) as {
      rollback: { instanceId: string; to: { deploymentId: string } };
    };
    expect(rollback.to.deploymentId).toBe(first.id);
    await rig.host.waitForCompletion(rollback.instanceId);
    await rig.host.idle();

    const [revert, ...rest] = log();
    expect(rest[0]!.sha).toBe(promotion2!.sha);
    expect(rest.at(-1)!.sha).toBe(seeded);
    expect(rest.map((c) => c.sha)).toContain(promotion1);
    expect(revert!.message).toMatch(/^Revert "Deploy api-gateway@[0-9a-f]{12}"/);
    expect(revert!.message).toContain(`This reverts commit ${promotion2!.sha}.`);
    expect(rig.prodImage()).toBe(`hearloveen.azurecr.io/api-gateway@${first.digest}`);
    expect(await argoRevision()).toBe(revert!.sha);
    const restored = (await rig.view(first.id)).timeline;
    expect(restored.find((e) => e.title === 'rollback:synced:api-gateway-prod')).toMatchObject({
      verdict: 'pass',
      evidence: { commit: revert!.sha, reverts: promotion2!.sha, revision: revert!.sha },
    });
    expect(second.digest).not.toBe(first.digest);
  }, 180_000);
});

describe('Git write-back (pull-request mode) on the sandbox', () => {
  const prConfig = path.join(dir, 'gantry-pr.yaml');
  const prDoc = parseDocument(readFileSync(EXAMPLE_CONFIG, 'utf8'));
  prDoc.setIn(['services', 'ApiGateway', 'production', 'image', 'gitops'], {
    mode: 'pull-request',
    repository: REPO,
    path: FILE,
  });
  writeFileSync(prConfig, prDoc.toString());

  beforeAll(async () => {
    await rig.close();
    rig = await startSandboxRig({ configPath: prConfig, storage: azurite.connectionString });
  }, 60_000);

  /** Pushes `tag` and waits until its promotion waits for the pull request; its number. */
  const waiting = (s: { customStatus?: unknown }): string => {
    const status =
      typeof s.customStatus === 'string' ? (JSON.parse(s.customStatus) as unknown) : s.customStatus;
    return String((status as { waitingFor?: unknown } | null)?.waitingFor ?? '');
  };

  async function pushAndAwaitPull(tag: string): Promise<{ id: string; digest: string; pull: number }> {
    const pushed = await rig.registryPush(`api-gateway:${tag}`);
    const id = pushed.deploymentId as string;
    const state = await rig.host.waitFor(phaseInstanceId(id, 'promotion'), (s) =>
      /^merge of pull request #\d+$/.test(waiting(s)),
    );
    const pull = Number(/#(\d+)/.exec(waiting(state))![1]);
    return { id, digest: pushed.digest, pull };
  }

  const github = (method: string, p: string, body: unknown) =>
    fetch(`${rig.sandbox.urls.github}/repos/${REPO}${p}`, {
      method,
      headers: { authorization: `Bearer ${TOKENS.github}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('opens a pull request with the evidence, deploys its merge commit once merged', async () => {
    const before = log()[0]!.sha;
    const run = await pushAndAwaitPull('2.3.0');
    expect(log()[0]!.sha).toBe(before); // nothing on main until the merge
    const pull = (await (
      await fetch(`${rig.sandbox.urls.github}/repos/${REPO}/pulls/${run.pull}`, {
        headers: { authorization: `Bearer ${TOKENS.github}` },
      })
    ).json()) as { body: string; state: string };
    expect(pull.state).toBe('open');
    expect(pull.body).toContain(run.digest);
    expect(pull.body).toContain('gate:'); // the evidence bundle: the run's gates so far
    expect((await github('PUT', `/pulls/${run.pull}/merge`, {})).status).toBe(200);
    const done = await rig.finish(run.id);
    expect(done.state).toBe('Succeeded');
    const [merge] = log();
    expect(merge!.message).toMatch(new RegExp(`^Merge pull request #${run.pull}`));
    expect(await argoRevision()).toBe(merge!.sha);
    expect(rig.prodImage()).toBe(`hearloveen.azurecr.io/api-gateway@${run.digest}`);
    expect(
      (await rig.view(run.id)).timeline.find((e) => e.title === 'git:commit:api-gateway-prod'),
    ).toMatchObject({
      evidence: { pullRequest: run.pull, commit: merge!.sha },
    });
  }, 180_000);

  /** A `pull_request` `closed` delivery (merged) for pull request `pull`, signed with `secret` (or not). */
  async function deliverPullRequest(pull: number, secret?: string): Promise<Response> {
    const body = JSON.stringify({
      action: 'closed',
      number: pull,
      pull_request: { number: pull, merged: true, body: '', head: { ref: 'x' }, base: { ref: 'main' } },
      repository: { full_name: REPO },
      sender: { login: 'reviewer' },
    });
    return rig.host.request('/api/webhooks/github', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'pull_request',
        'x-github-delivery': randomUUID(),
        ...(secret && {
          'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
        }),
      },
      body,
    });
  }

  it("the sandbox GitHub's merge webhook wakes the promotion at once, before the next poll", async () => {
    const run = await pushAndAwaitPull('2.4.5');
    await rig.host.idle();
    const waitingSince = rig.host.clock.now();
    const hooks = deliveredHooks(rig.sandbox.world);
    const before = hooks.length;
    // Merging through the API is all it takes: the repository's webhook (signed with the shared secret)
    // reaches Gantry's /api/webhooks/github, as GitHub's would.
    expect((await github('PUT', `/pulls/${run.pull}/merge`, {})).status).toBe(200);
    // Virtual time stands still: only the webhook can move the promotion past the merge.
    await rig.host.waitFor(
      phaseInstanceId(run.id, 'promotion'),
      (s) => !/^merge of pull request/.test(waiting(s)),
      { advanceTime: false, timeoutMs: 30_000 },
    );
    expect(rig.host.clock.now() - waitingSince).toBeLessThan(PULL_POLL_MS);
    expect(hooks.slice(before)).toEqual([
      { event: 'pull_request', action: 'closed', repository: REPO, status: 200 },
    ]);
    const [merge] = log();
    expect(
      (await rig.view(run.id)).timeline.find((e) => e.title === 'git:commit:api-gateway-prod'),
    ).toMatchObject({ evidence: { pullRequest: run.pull, commit: merge!.sha } });
    expect((await rig.finish(run.id)).state).toBe('Succeeded');
  }, 180_000);

  it('a forged or unsigned pull_request delivery is refused', async () => {
    expect((await deliverPullRequest(1, 'not-the-secret')).status).toBe(401);
    expect((await deliverPullRequest(1)).status).toBe(401);
  });

  it('a service rollback is a direct revert commit of the merge (no pull request), synced', async () => {
    // A second merged release, so there is an earlier one (2.3.0) to go back to.
    const run = await pushAndAwaitPull('2.5.0');
    expect((await github('PUT', `/pulls/${run.pull}/merge`, {})).status).toBe(200);
    expect((await rig.finish(run.id)).state).toBe('Succeeded');
    const [merge] = log();
    const res = await rig.host.request('/api/services/ApiGateway/rollback', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...CI_HEADERS },
      body: JSON.stringify({ comment: 'latency after 2.3.0' }),
    });
    expect(res.status).toBe(202);
    const { rollback } = (await res.json()) as {
      rollback: { instanceId: string; to: { deploymentId: string } };
    };
    await rig.host.waitForCompletion(rollback.instanceId);
    await rig.host.idle();
    const [revert] = log();
    expect(revert!.parents).toEqual([merge!.sha]);
    expect(revert!.message).toMatch(/^Revert "Merge pull request #\d+/);
    expect(revert!.message).toContain(`This reverts commit ${merge!.sha}.`);
    expect(await argoRevision()).toBe(revert!.sha);
    const open = (await (await github('GET', '/pulls?state=open', undefined)).json()) as unknown[];
    expect(open).toEqual([]);
    const restored = (await rig.view(rollback.to.deploymentId)).timeline;
    expect(restored.find((e) => e.title === 'rollback:synced:api-gateway-prod')).toMatchObject({
      verdict: 'pass',
      evidence: { commit: revert!.sha, reverts: merge!.sha, revision: revert!.sha },
    });
  }, 180_000);

  it('fails the promotion when the pull request is closed unmerged', async () => {
    const head = log()[0]!.sha;
    const run = await pushAndAwaitPull('2.4.0');
    expect((await github('PATCH', `/pulls/${run.pull}`, { state: 'closed' })).status).toBe(200);
    const done = await rig.finish(run.id);
    expect(done.state).not.toBe('Succeeded');
    expect(done.reason).toContain(`pull request #${run.pull} in ${REPO} was closed without being merged`);
    expect(log()[0]!.sha).toBe(head);
    expect(rig.prodImage()).not.toContain(run.digest);
  }, 180_000);
});
