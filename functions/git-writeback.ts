import { ArgoCdGitOps } from '../shared/adapters/argocd.js';
import { githubAppToken } from '../shared/adapters/github-app.js';
import { GitHubGitRepo } from '../shared/adapters/github-git.js';
import { GitHubError } from '../shared/adapters/github-http.js';
import { GitWriteBackGitOps } from '../shared/adapters/git-writeback.js';
import type { AppSettings } from '../shared/config.js';
import type { GitOps } from '../shared/ports/gitops.js';
import type { Secrets } from '../shared/ports/secrets.js';

/** Key Vault secret with the GitHub App's private key (PEM). */
export const GITHUB_APP_KEY_SECRET = 'github-app-key';

/**
 * The GitHub credential of Git write-back: the GitHub App installation (its commits show as Verified)
 * when GANTRY_GITHUB_APP_ID and GANTRY_GITHUB_APP_INSTALLATION_ID are set, else GANTRY_GITHUB_TOKEN
 * (the sandbox, or a fine-grained token).
 */
function writeBackToken(
  settings: AppSettings,
  secrets: Secrets | undefined,
): (() => Promise<string>) | undefined {
  const appId = settings.GANTRY_GITHUB_APP_ID;
  const installationId = settings.GANTRY_GITHUB_APP_INSTALLATION_ID;
  if (appId && installationId && secrets) {
    let provider: Promise<() => Promise<string>> | undefined;
    return async () => {
      provider ??= secrets
        .get(GITHUB_APP_KEY_SECRET)
        .then((privateKeyPem) =>
          githubAppToken({ appId, installationId, privateKeyPem, apiUrl: settings.GANTRY_GITHUB_API_URL }),
        );
      provider.catch(() => (provider = undefined));
      return (await provider)();
    };
  }
  const token = settings.GANTRY_GITHUB_TOKEN;
  return token ? async () => token : undefined;
}

/** Wraps the Argo CD adapter so targets in a Git mode (`image.gitops`) write to their repository. */
export function withGitWriteBack(
  gitops: GitOps,
  settings: AppSettings,
  secrets: Secrets | undefined,
): GitOps {
  if (!(gitops instanceof ArgoCdGitOps)) return gitops;
  const token = writeBackToken(settings, secrets);
  const transport = {
    apiUrl: settings.GANTRY_GITHUB_API_URL,
    userAgent: 'gantry',
    timeoutMs: 10_000,
    attempts: 3,
    now: Date.now,
  };
  return new GitWriteBackGitOps({
    argo: gitops,
    repo: (repository) => {
      if (!token)
        throw new GitHubError(
          'github-unauthorized',
          'Git write-back needs GANTRY_GITHUB_APP_ID and GANTRY_GITHUB_APP_INSTALLATION_ID (key in Key Vault ' +
            `secret ${GITHUB_APP_KEY_SECRET}) or GANTRY_GITHUB_TOKEN`,
        );
      return new GitHubGitRepo(transport, token, repository);
    },
  });
}
