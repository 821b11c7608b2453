import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { GitHubError, githubRequest, type GitHubTransport } from './github-http.js';

/** GitHub App authentication: installation tokens from an app JWT, for `GitHubClient`'s `token` option. */

export interface GitHubAppTokenOptions {
  appId: string | number;
  privateKeyPem: string;
  installationId: string | number;
  apiUrl?: string;
  userAgent?: string;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const REFRESH_MARGIN_MS = 5 * 60_000;

/** The app's JWT: RS256, backdated a minute for clock drift, valid 9 minutes (GitHub allows at most 10). */
export function appJwt(appId: string | number, key: KeyObject, nowMs: number): string {
  const enc = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const iat = Math.floor(nowMs / 1000) - 60;
  const unsigned = `${enc({ alg: 'RS256', typ: 'JWT' })}.${enc({ iat, exp: iat + 600, iss: String(appId) })}`;
  return `${unsigned}.${sign('sha256', Buffer.from(unsigned), key).toString('base64url')}`;
}

/**
 * A token provider for a GitHub App installation: exchanges the app JWT for an installation token and
 * reuses it until 5 minutes before it expires. Concurrent callers share one exchange.
 */
export function githubAppToken(options: GitHubAppTokenOptions): () => Promise<string> {
  if (!/^[0-9]+$/.test(String(options.installationId)))
    throw new GitHubError('github-invalid-input', 'the GitHub App installation id must be numeric');
  let key: KeyObject;
  try {
    key = createPrivateKey(options.privateKeyPem);
  } catch {
    // Never echo the key material (or the parser's view of it).
    throw new GitHubError(
      'github-invalid-input',
      'the GitHub App private key is not a valid PEM private key',
    );
  }
  const now = options.now ?? Date.now;
  const t: GitHubTransport = {
    apiUrl: options.apiUrl ?? 'https://api.github.com',
    userAgent: options.userAgent ?? 'gantry',
    timeoutMs: options.timeoutMs ?? 10_000,
    attempts: 3,
    now,
    ...(options.sleep ? { sleep: options.sleep } : {}),
  };
  let cached: { token: string; refreshAt: number } | undefined;
  let inflight: Promise<string> | undefined;
  const exchange = async (): Promise<string> => {
    const path = `/app/installations/${options.installationId}/access_tokens`;
    const res = await githubRequest<{ token?: unknown; expires_at?: unknown }>(
      t,
      appJwt(options.appId, key, now()),
      'POST',
      path,
    );
    const expires = Date.parse(String(res.body?.expires_at));
    if (typeof res.body?.token !== 'string' || !Number.isFinite(expires)) {
      throw new GitHubError('github-unexpected', 'GitHub returned no installation token', res.status);
    }
    cached = { token: res.body.token, refreshAt: expires - REFRESH_MARGIN_MS };
    return res.body.token;
  };
  return async () => {
    if (cached && now() < cached.refreshAt) return cached.token;
    inflight ??= exchange().finally(() => (inflight = undefined));
    return inflight;
  };
}
