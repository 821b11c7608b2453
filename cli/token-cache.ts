import { join } from 'node:path';

/** How a cached token was obtained, and so how it can be renewed. */
export type LoginMethod = 'azure-cli' | 'device-code';

export interface CachedToken {
  accessToken: string;
  /** ISO 8601; the token is not sent within EXPIRY_MARGIN_MS of it. */
  expiresOn: string;
  /** `api://<client id>` or the API's application ID URI: what the token was issued for. */
  audience: string;
  method: LoginMethod;
  tenant?: string;
  /** For device code: the public client the token was requested with. */
  clientId?: string;
}

/** Tokens by Gantry URL (as `displayUrl` prints it): one sign-in never leaks to another deployment. */
export type TokenCache = Record<string, CachedToken>;

/** A token this close to expiring is renewed rather than sent: the request could outlive it. */
export const EXPIRY_MARGIN_MS = 2 * 60_000;

/** `$XDG_CONFIG_HOME/gantry/tokens.json`, else `~/.config/gantry/tokens.json` (next to config.json). */
export function tokenCachePath(env: Record<string, string | undefined>): string | undefined {
  const base = env.XDG_CONFIG_HOME || (env.HOME ? join(env.HOME, '.config') : undefined);
  return base ? join(base, 'gantry', 'tokens.json') : undefined;
}

const isEntry = (v: unknown): v is CachedToken => {
  const e = v as Partial<CachedToken> | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.accessToken === 'string' &&
    /^[^\s\p{Cc}]+$/u.test(e.accessToken) &&
    typeof e.expiresOn === 'string' &&
    Number.isFinite(Date.parse(e.expiresOn)) &&
    typeof e.audience === 'string' &&
    (e.method === 'azure-cli' || e.method === 'device-code')
  );
};

/** The cache as stored; a damaged file or entry counts as absent (signing in again rewrites it). */
export function parseTokenCache(text: string | undefined): TokenCache {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return {};
  }
  const tokens = (value as { tokens?: unknown } | null)?.tokens;
  if (typeof tokens !== 'object' || tokens === null) return {};
  return Object.fromEntries(Object.entries(tokens).filter(([, e]) => isEntry(e))) as TokenCache;
}

export const serializeTokenCache = (tokens: TokenCache): string =>
  `${JSON.stringify({ version: 1, tokens }, null, 2)}\n`;

export const stillValid = (entry: CachedToken, now: number): boolean =>
  Date.parse(entry.expiresOn) - EXPIRY_MARGIN_MS > now;
