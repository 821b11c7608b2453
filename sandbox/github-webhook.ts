import { createHmac, randomUUID } from 'node:crypto';
import type { SandboxPull } from './git-store.js';
import type { SandboxWorld } from './world.js';

/**
 * The sandbox GitHub's repository webhook: what GitHub posts to a configured delivery URL, signed with
 * the hook's secret (`X-Hub-Signature-256`: HMAC-SHA256 of the raw body, hex, `sha256=` prefix) and with
 * GitHub's delivery headers. GitHub does not retry a failed delivery, and neither does the sandbox.
 */

export interface GitHubWebhookDelivery {
  /** Posts one event; resolves with the receiver's HTTP status (0: not reachable). */
  (event: string, payload: Record<string, unknown>): Promise<number>;
}

/** What the sandbox GitHub delivered, in order (world extension `github.hooks`, for tests and the CLI). */
export interface DeliveredHook {
  event: string;
  action: string;
  repository: string;
  /** The receiver's HTTP status (0: not reachable). */
  status: number;
}

const HOOK_ID = 4_242_001;
const REPOSITORY_ID = 7_100_000;

/** Delivers to the dev host's GitHub webhook route (`/api/webhooks/github`), as a repository hook would. */
export function deliverGitHubWebhook(hostUrl: () => string, secret: string): GitHubWebhookDelivery {
  return async (event, payload) => {
    const body = JSON.stringify(payload);
    try {
      const res = await fetch(`${hostUrl()}/api/webhooks/github`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'GitHub-Hookshot/sandbox',
          'x-github-event': event,
          'x-github-delivery': randomUUID(),
          'x-github-hook-id': String(HOOK_ID),
          'x-github-hook-installation-target-type': 'repository',
          'x-github-hook-installation-target-id': String(REPOSITORY_ID),
          'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
        },
        body,
      });
      await res.body?.cancel();
      return res.status;
    } catch {
      return 0;
    }
  };
}

export function deliveredHooks(world: SandboxWorld): DeliveredHook[] {
  let hooks = world.extensions.get('github.hooks') as DeliveredHook[] | undefined;
  if (!hooks) world.extensions.set('github.hooks', (hooks = []));
  return hooks;
}

/** GitHub's `repository` object of a webhook payload, for an `owner/name` repository. */
export function repositoryJson(name: string): Record<string, unknown> {
  const [owner = '', repo = ''] = name.split('/');
  return {
    id: REPOSITORY_ID,
    name: repo,
    full_name: name,
    private: true,
    owner: { login: owner, type: 'Organization' },
    html_url: `https://github.com/${name}`,
    url: `https://api.github.com/repos/${name}`,
    default_branch: 'main',
  };
}

/**
 * The `pull_request` event GitHub sends when a pull request is merged (`action: closed`, `merged: true`):
 * the pull request as it is after the merge, the repository and the user who merged it.
 */
export function pullRequestMerged(
  name: string,
  pull: SandboxPull,
  pullJson: Record<string, unknown>,
  at: string,
  baseSha: string,
): Record<string, unknown> {
  const repository = repositoryJson(name);
  const [owner = ''] = name.split('/');
  const sender = { login: 'sandbox-reviewer', id: 5_000_001, type: 'User' };
  return {
    action: 'closed',
    number: pull.number,
    pull_request: {
      ...pullJson,
      url: `https://api.github.com/repos/${name}/pulls/${pull.number}`,
      id: 900_000_000 + pull.number,
      locked: false,
      user: { login: 'gantry-sandbox[bot]', type: 'Bot' },
      updated_at: at,
      closed_at: at,
      merged_at: at,
      merged_by: sender,
      head: { label: `${owner}:${pull.head}`, ref: pull.head, sha: pull.headSha, repo: repository },
      base: { label: `${owner}:${pull.base}`, ref: pull.base, sha: baseSha, repo: repository },
    },
    repository,
    sender,
  };
}
