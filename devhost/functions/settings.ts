import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface DurableTaskSettings {
  hubName: string;
  maxConcurrentActivityFunctions: number;
  maxConcurrentOrchestratorFunctions: number;
  /** The whole `extensions.durableTask` section, for settings the engine may read later. */
  raw: Record<string, unknown>;
}

export interface HostSettings {
  appDir: string;
  /** The local settings file that was read, if any. */
  localSettingsFile: string | undefined;
  /** `Values` of that file (before `process.env` precedence). */
  values: Record<string, string>;
  /** `Host.LocalHttpPort`, when set. */
  localHttpPort: number | undefined;
  /** `extensions.http.routePrefix` without surrounding slashes; `''` means no prefix. */
  routePrefix: string;
  durableTask: DurableTaskSettings;
  hostJson: Record<string, unknown>;
  /** Things worth telling the user at start-up (fallbacks taken). */
  notes: string[];
}

const DEFAULT_HUB = 'TestHubName';
const DEFAULT_CONCURRENCY = 10;

/**
 * Reads `local.settings.json` (falling back to `local.settings.example.json`) and `host.json` of an app,
 * copying `Values` into `env` where a variable is not already set (Core Tools does the same, so the
 * real environment wins). Throws with the file name on malformed files or an unresolvable hub name.
 */
export function readHostSettings(appDir: string, env: NodeJS.ProcessEnv = process.env): HostSettings {
  const dir = path.resolve(appDir);
  const notes: string[] = [];
  const local = readLocalSettings(dir, notes);
  for (const [name, value] of Object.entries(local.values)) {
    if (env[name] === undefined) env[name] = value;
  }
  const hostFile = path.join(dir, 'host.json');
  let hostJson: Record<string, unknown> = {};
  if (existsSync(hostFile)) hostJson = asObject(readJson(hostFile), hostFile);
  else notes.push(`No host.json in ${dir}; using defaults.`);
  const extensions = asObject(hostJson.extensions ?? {}, `${hostFile} "extensions"`);
  const http = asObject(extensions.http ?? {}, `${hostFile} "extensions.http"`);
  return {
    appDir: dir,
    localSettingsFile: local.file,
    values: local.values,
    localHttpPort: local.port,
    routePrefix: routePrefix(http.routePrefix, hostFile),
    durableTask: durableTaskSettings(extensions.durableTask, env, hostFile),
    hostJson,
    notes,
  };
}

function readLocalSettings(
  dir: string,
  notes: string[],
): { file: string | undefined; values: Record<string, string>; port: number | undefined } {
  let file = path.join(dir, 'local.settings.json');
  if (!existsSync(file)) {
    const example = path.join(dir, 'local.settings.example.json');
    if (!existsSync(example)) {
      notes.push('No local.settings.json; app settings come from the environment only.');
      return { file: undefined, values: {}, port: undefined };
    }
    notes.push('No local.settings.json; using local.settings.example.json (copy it to customise).');
    file = example;
  }
  const json = asObject(readJson(file), file);
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(asObject(json.Values ?? {}, `${file} "Values"`))) {
    // The host treats every app setting as a string.
    if (value !== null && value !== undefined)
      values[name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  const host = asObject(json.Host ?? {}, `${file} "Host"`);
  const port = host.LocalHttpPort === undefined ? undefined : Number(host.LocalHttpPort);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) {
    throw new Error(
      `${file}: "Host.LocalHttpPort" must be a port number, got ${JSON.stringify(host.LocalHttpPort)}.`,
    );
  }
  return { file, values, port };
}

function routePrefix(value: unknown, file: string): string {
  if (value === undefined || value === null) return 'api';
  if (typeof value !== 'string') throw new Error(`${file}: "extensions.http.routePrefix" must be a string.`);
  return value.replace(/^\/+|\/+$/g, '');
}

function durableTaskSettings(section: unknown, env: NodeJS.ProcessEnv, file: string): DurableTaskSettings {
  const raw = asObject(section ?? {}, `${file} "extensions.durableTask"`);
  const hubName = resolveSettingReferences(
    typeof raw.hubName === 'string' && raw.hubName !== '' ? raw.hubName : DEFAULT_HUB,
    env,
    `${file} "extensions.durableTask.hubName"`,
  );
  // Azure Storage task hubs: 3-45 alphanumerics starting with a letter; fail here, not at the first start.
  if (!/^[A-Za-z][A-Za-z0-9]{2,44}$/.test(hubName)) {
    throw new Error(
      `Task hub name "${hubName}" is invalid: use 3-45 letters or digits, starting with a letter.`,
    );
  }
  return {
    hubName,
    maxConcurrentActivityFunctions: positiveInt(
      raw.maxConcurrentActivityFunctions,
      'maxConcurrentActivityFunctions',
      file,
    ),
    maxConcurrentOrchestratorFunctions: positiveInt(
      raw.maxConcurrentOrchestratorFunctions,
      'maxConcurrentOrchestratorFunctions',
      file,
    ),
    raw,
  };
}

/** Replaces `%NAME%` with the app setting `NAME` (how host.json and bindings refer to settings). */
export function resolveSettingReferences(text: string, env: NodeJS.ProcessEnv, where: string): string {
  return text.replace(/%([^%]+)%/g, (_match, name: string) => {
    const value = env[name];
    if (value === undefined || value === '') {
      throw new Error(`${where} refers to %${name}%, but app setting "${name}" is not set.`);
    }
    return value;
  });
}

function positiveInt(value: unknown, name: string, file: string): number {
  if (value === undefined || value === null) return DEFAULT_CONCURRENCY;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`${file}: "extensions.durableTask.${name}" must be a positive integer.`);
  }
  return n;
}

function asObject(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${where} must be a JSON object.`);
  }
  return value as Record<string, unknown>;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`Cannot parse ${file}: ${(err as Error).message}`, { cause: err });
  }
}
