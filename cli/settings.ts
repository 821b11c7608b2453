import { join } from 'node:path';
import { stringFlag, type FlagValues } from './args.js';
import { usageError } from './errors.js';

export type Source = 'flag' | 'env' | 'file' | 'default';

export interface CliPrincipal {
  name: string;
  groups: string[];
}

/** Where and as whom the CLI talks to Gantry. Secrets are kept here and only ever sent as headers. */
export interface Settings {
  url: URL;
  token?: string;
  principal?: CliPrincipal;
  functionKey?: string;
  /** Local only: which development principal to act as (`--as`, sent as X-Gantry-Dev-Principal). */
  as?: string;
  /** Local only: the sandbox control API (`GANTRY_SANDBOX_URL`), for `gantry sandbox`. */
  sandboxUrl?: string;
  sources: { url: Source; token?: Source; principal?: Source; functionKey?: Source };
  /** The config file that was read, if any. */
  configFile?: string;
}

export const DEFAULT_URL = 'http://localhost:7071';
const FILE_KEYS = ['url', 'token', 'principal', 'functionKey'] as const;
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

/** `name`, `name:group1,group2`, or JSON `{"name": ..., "groups": [...]}` (the dev host's own format). */
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
    const [name = '', groups = ''] = value.split(':', 2);
    value = { name, groups: groups === '' ? [] : groups.split(',') };
  }
  const p = value as { name?: unknown; groups?: unknown };
  const clean = (s: unknown): s is string => typeof s === 'string' && /^[^\p{Cc},:]{1,128}$/u.test(s.trim());
  if (!clean(p.name) || !Array.isArray(p.groups) || !p.groups.every(clean))
    throw usageError(
      `${where} must be 'name' or 'name:group1,group2' (printable, at most 128 characters each).`,
    );
  return { name: p.name.trim(), groups: p.groups.map((g: string) => g.trim()) };
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

/** Flags win over the environment, which wins over the config file. */
export function resolveSettings(
  flags: FlagValues,
  env: Record<string, string | undefined>,
  readFile: (path: string) => string | undefined,
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

/** The URL as printed: origin and base path, never a query string or user info. */
export const displayUrl = (url: URL): string =>
  `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
