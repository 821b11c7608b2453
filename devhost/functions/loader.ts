import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { install, uninstall, type Registry } from './core-module.js';
import { findFiles } from './glob.js';
import type { HostLogger } from './types.js';

export interface LoadAppOptions {
  logger?: HostLogger;
}

export interface LoadedApp {
  /** Absolute app directory (the folder holding package.json and host.json). */
  appDir: string;
  /** Entry files that were loaded, relative to appDir, in load order. */
  files: string[];
  /** Runs the app's `appTerminate` hooks (call once, on shutdown). */
  terminate(): Promise<void>;
}

/** App directories loaded before in this process, and ESM URLs imported before (see reloads below). */
const loadedDirs = new Set<string>();
const importedUrls = new Map<string, number>();

/**
 * Loads a Node v4 function app like the worker does: installs `@azure/functions-core` for `registry`,
 * loads every file `package.json` `main` names, runs `appStart` hooks, then closes registration.
 * On failure the registry is detached again and the error names the cause (and the file).
 */
export async function loadApp(
  appDir: string,
  registry: Registry,
  opts: LoadAppOptions = {},
): Promise<LoadedApp> {
  const dir = path.resolve(appDir);
  const files = resolveEntryFiles(dir);
  install(registry);
  try {
    if (loadedDirs.has(dir)) forgetCachedAppModules(dir);
    loadedDirs.add(dir);
    for (const file of files) await loadFile(dir, file);
    opts.logger?.(
      'debug',
      `Loaded ${files.length} app file(s) from ${dir}; ${registry.list().length} function(s)`,
    );
    await registry.runHooks('appStart', {
      hookData: {},
      appHookData: registry.appHookData,
      functionAppDirectory: dir,
    });
  } catch (err) {
    uninstall(registry);
    throw err;
  }
  registry.lock();
  return {
    appDir: dir,
    files,
    terminate: () => registry.runHooks('appTerminate', { hookData: {}, appHookData: registry.appHookData }),
  };
}

/** The files `main` names (a path or a glob), relative to `dir`, sorted so loading is deterministic. */
export function resolveEntryFiles(dir: string): string[] {
  const pkgFile = path.join(dir, 'package.json');
  if (!existsSync(pkgFile)) throw new Error(`No package.json in ${dir}: is this a function app folder?`);
  const pkg = readJson(pkgFile) as { main?: unknown };
  if (typeof pkg.main !== 'string' || pkg.main.trim() === '') {
    throw new Error(
      `${pkgFile} has no "main": set it to the app's entry point(s), e.g. "dist/src/functions/*.js".`,
    );
  }
  const files = findFiles(dir, pkg.main.trim());
  if (files.length === 0) {
    throw new Error(`"main" in ${pkgFile} ("${pkg.main}") matches no file in ${dir}. Did you build the app?`);
  }
  return files;
}

async function loadFile(dir: string, file: string): Promise<void> {
  const full = path.join(dir, file);
  try {
    if (isEsm(full, dir)) {
      // ESM has no cache to clear: a query string makes a reload of the same app run its code again.
      const url = pathToFileURL(full).href;
      const count = importedUrls.get(url) ?? 0;
      importedUrls.set(url, count + 1);
      await import(count === 0 ? url : `${url}?devhost-reload=${count}`);
    } else {
      createRequire(path.join(dir, 'package.json'))(full);
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`Failed to load function app file "${file}": ${message}`, { cause: err });
  }
}

/** `.mjs`, or `.js` under a package.json with `"type": "module"` (nearest one, up to the app dir). */
function isEsm(file: string, appDir: string): boolean {
  if (file.endsWith('.mjs')) return true;
  if (!file.endsWith('.js')) return false;
  for (let d = path.dirname(file); d.startsWith(appDir); d = path.dirname(d)) {
    const pkg = path.join(d, 'package.json');
    if (existsSync(pkg)) return (readJson(pkg) as { type?: unknown }).type === 'module';
    if (d === appDir) break;
  }
  return false;
}

/*
 * A second load of the same app in one process (tests) must run its registrations again, which the
 * CommonJS cache would skip. Dropping the app's own modules (not node_modules: `@azure/functions`
 * must stay the one copy that holds the core-module facade) gives fresh instances.
 */
function forgetCachedAppModules(dir: string): void {
  const cache = createRequire(path.join(dir, 'package.json')).cache;
  const prefix = dir + path.sep;
  for (const key of Object.keys(cache)) {
    if (key.startsWith(prefix) && !key.includes(`${path.sep}node_modules${path.sep}`)) delete cache[key];
  }
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`Cannot parse ${file}: ${(err as Error).message}`, { cause: err });
  }
}
