import { join } from 'node:path';
import { stringFlag, type FlagValues } from './args.js';
import { usageError } from './errors.js';
import { parseTokenCache, stillValid, tokenCachePath, type CachedToken } from './token-cache.js';

export type Source = 'flag' | 'env' | 'file' | 'default' | 'login';

export interface CliPrincipal {
  name: string;
  groups: string[];
  /** Gantry app roles, e.g. `Gantry.Operator` (short `Operator` accepted on input). */
  roles: string[];
}

/** Where and as whom the CLI talks to Gantry. Secrets are kept here and only ever sent as headers. */
export interface Settings {
  url: URL;
  token?: string;
  principal?: CliPrincipal;
  functionKey?: string;
  /** Gantry's API for `gantry login`: `api://<client id>` or its application ID URI. */
  audience?: string;
  /** The Microsoft Entra tenant to sign in to (id or domain). */
  tenant?: string;
  /** The token cache entry for this URL (from `gantry login`), even when expired: it says how to renew. */
  login?: { entry: CachedToken; path: string; valid: boolean };
  /** Local only: which development principal to act as (`--as`, sent as X-Gantry-Dev-Principal). */
  as?: string;
  /** Local only: the sandbox control API (`GANTRY_SANDBOX_URL`), for `gantry sandbox`. */
  sandboxUrl?: string;
  sources: {
    url: Source;
    token?: Source;
    principal?: Source;
    functionKey?: Source;
    audience?: Source;
    tenant?: Source;
  };
  /** The config file that was read, if any. */
  configFile?: string;
}

export const DEFAULT_URL = 'http://localhost:7071';
const FILE_KEYS = ['url', 'token', 'principal', 'functionKey', 'audience', 'tenant'] as const;
type FileSettings = Partial<Record<(typeof FILE_KEYS)[number], unknown>>;

/** `$GANTRY_CONFIG`, else `$XDG_CONFIG_HOME/gantry/config.json`, else `~/.config/gantry/config.json`. */
export function configFilePath(env: Record<string, string | undefined>): {
  path?: string;
  explicit: boolean;
} {
  if (env.GANTRY_CONFIG) return { path: env.GANTRY_CONFIG, explicit: true };
  const base = env.XDG_CONFIG_HOME || (env.HOME ? join(env.HOME, '.config') : undefined);
  return { path: base ? join(base, 'gantry', 'config.json') : undefined, explicit: false };
}

function readConfigFile(
  env: Record<string, string | undefined>,
  readFile: (path: string) => string | undefined,
): { file: FileSettings; path?: string } {
  const { path, explicit } = configFilePath(env);
  const text = path ? readFile(path) : undefined;
  if (text === undefined) {
    if (explicit) throw usageError(`GANTRY_CONFIG names ${path}, which cannot be read.`);
    return { file: {} };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw usageError(`${path} is not valid JSON.`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw usageError(`${path} must hold a JSON object such as {"url": "https://gantry.example.com"}.`);
  const unknown = Object.keys(value).filter((k) => !(FILE_KEYS as readonly string[]).includes(k));
  if (unknown.length > 0)
    throw usageError(`${path}: unknown key(s) ${unknown.join(', ')}; allowed: ${FILE_KEYS.join(', ')}.`);
  return { file: value as FileSettings, path };
}

/** `Operator` is short for `Gantry.Operator`; anything else is taken as written (the API ignores it). */
const roleName = (r: string): string =>
  /^(reader|operator|approver)$/i.test(r) ? `Gantry.${r[0]?.toUpperCase()}${r.slice(1).toLowerCase()}` : r;

/**
 * `name`, `name:group1,group2`, `name:groups:role1,role2`, or JSON `{"name", "groups", "roles"}` (the
 * dev host's own format).
 */
export function parsePrincipal(raw: unknown, where: string): CliPrincipal {
  let value = raw;
  if (typeof raw === 'string' && raw.trim().startsWith('{')) {
    try {
      value = JSON.parse(raw);
    } catch {
      throw usageError(`${where} is not valid JSON.`);
    }
  }
  if (typeof value === 'string') {
    const [name = '', groups = '', roles = ''] = value.split(':', 3);
    const list = (s: string) => (s === '' ? [] : s.split(','));
    value = { name, groups: list(groups), roles: list(roles) };
  }
  const p = value as { name?: unknown; groups?: unknown; roles?: unknown };
  const clean = (s: unknown): s is string => typeof s === 'string' && /^[^\p{Cc},:]{1,128}$/u.test(s.trim());
  const roles = p.roles ?? [];
  if (
    !clean(p.name) ||
    !Array.isArray(p.groups) ||
    !p.groups.every(clean) ||
    !Array.isArray(roles) ||
    !roles.every(clean)
  )
    throw usageError(
      `${where} must be 'name', 'name:group1,group2' or 'name:groups:role1,role2' (printable, at most 128 characters each).`,
    );
  return {
    name: p.name.trim(),
    groups: p.groups.map((g: string) => g.trim()),
    roles: roles.map((r: string) => roleName(r.trim())),
  };
}

function parseUrl(raw: string, source: Source): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw usageError(`The Gantry URL from ${source} is not a URL: '${raw.slice(0, 200)}'.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw usageError(`The Gantry URL must be http:// or https:// (got ${url.protocol}).`);
  if (url.username || url.password)
    throw usageError('The Gantry URL must not carry a user name or password; use --token or GANTRY_TOKEN.');
  url.search = '';
  url.hash = '';
  url.pathname = url.pathname.replace(/\/+$/, '');
  return url;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A client id means `api://<client id>`; otherwise an application ID URI (`api://...` or `https://...`). */
export function parseAudience(raw: unknown, where: string): string {
  const text = typeof raw === 'string' ? raw.trim().replace(/\/+$/, '') : '';
  if (GUID.test(text)) return `api://${text.toLowerCase()}`;
  if (/^(api|https):\/\/[^\s\p{Cc}/?#]+(\/[^\s\p{Cc}?#]*)?$/u.test(text) && !text.endsWith('/.default'))
    return text;
  throw usageError(
    `${where} must be Gantry's client id (a GUID) or its application ID URI (api://... or https://...).`,
  );
}

/** Flags win over the environment, which wins over the config file, which wins over `gantry login`. */
export function resolveSettings(
  flags: FlagValues,
  env: Record<string, string | undefined>,
  readFile: (path: string) => string | undefined,
  now: number = Date.now(),
): Settings {
  const { file, path } = readConfigFile(env, readFile);
  const pick = (flag: string, envName: string, key: keyof FileSettings): [unknown, Source] | undefined => {
    const f = stringFlag(flags, flag);
    if (f !== undefined) return [f, 'flag'];
    const e = env[envName];
    if (e !== undefined && e !== '') return [e, 'env'];
    return file[key] !== undefined ? [file[key], 'file'] : undefined;
  };
  const [rawUrl, urlSource] = pick('url', 'GANTRY_URL', 'url') ?? [DEFAULT_URL, 'default' as Source];
  if (typeof rawUrl !== 'string') throw usageError(`${path}: 'url' must be a string.`);
  const settings: Settings = {
    url: parseUrl(rawUrl, urlSource),
    sources: { url: urlSource },
    configFile: path,
  };
  const token = pick('token', 'GANTRY_TOKEN', 'token');
  if (token) {
    if (typeof token[0] !== 'string' || token[0].trim() === '' || /[\s\p{Cc}]/u.test(token[0].trim()))
      throw usageError(`The token from ${token[1]} must be a single printable word.`);
    settings.token = token[0].trim();
    settings.sources.token = token[1];
    // A bearer token over plain HTTP to another machine would be readable on the way.
    if (settings.url.protocol === 'http:' && !LOOPBACK.test(settings.url.hostname))
      throw usageError(`Refusing to send a token over plain http to ${settings.url.host}; use https.`);
  }
  const audience = pick('audience', 'GANTRY_AUDIENCE', 'audience');
  if (audience) {
    settings.audience = parseAudience(audience[0], `The audience from ${audience[1]}`);
    settings.sources.audience = audience[1];
  }
  const tenant = pick('tenant', 'GANTRY_TENANT', 'tenant');
  if (tenant) {
    if (typeof tenant[0] !== 'string' || !/^[A-Za-z0-9.-]{1,256}$/.test(tenant[0]))
      throw usageError(`The tenant from ${tenant[1]} must be a tenant id or domain.`);
    settings.tenant = tenant[0];
    settings.sources.tenant = tenant[1];
  }
  useLogin(settings, env, readFile, now);
  const principal = pick('principal', 'GANTRY_PRINCIPAL', 'principal');
  if (principal) {
    settings.principal = parsePrincipal(principal[0], `The principal from ${principal[1]}`);
    settings.sources.principal = principal[1];
  }
  const as = stringFlag(flags, 'as') ?? (env.GANTRY_AS || undefined);
  if (as !== undefined) {
    if (!/^[^\s\p{Cc}]{1,200}$/u.test(as)) throw usageError(`--as '${as}' is not a principal name.`);
    settings.as = as;
  }
  if (env.GANTRY_SANDBOX_URL) settings.sandboxUrl = env.GANTRY_SANDBOX_URL;
  const key = pick('function-key', 'GANTRY_FUNCTION_KEY', 'functionKey');
  if (key) {
    if (typeof key[0] !== 'string' || !/^[\w\-=/+.]{1,512}$/.test(key[0]))
      throw usageError(`The function key from ${key[1]} is not a function key.`);
    settings.functionKey = key[0];
    settings.sources.functionKey = key[1];
  }
  return settings;
}

/** The token `gantry login` cached for this URL, when no token was given any other way. */
function useLogin(
  settings: Settings,
  env: Record<string, string | undefined>,
  readFile: (path: string) => string | undefined,
  now: number,
): void {
  const path = tokenCachePath(env);
  const entry = path ? parseTokenCache(readFile(path))[displayUrl(settings.url)] : undefined;
  if (!path || !entry) return;
  settings.login = { entry, path, valid: stillValid(entry, now) };
  if (settings.token !== undefined || !settings.login.valid) return;
  // Cached for this exact URL, but the URL's scheme still decides whether a token may travel.
  if (settings.url.protocol === 'http:' && !LOOPBACK.test(settings.url.hostname)) return;
  settings.token = entry.accessToken;
  settings.sources.token = 'login';
}

/** The URL as printed: origin and base path, never a query string or user info. */
export const displayUrl = (url: URL): string =>
  `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
