import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Loading every function file (what the Functions worker does before the first request) must not load a
 * heavy module: each costs a cold worker tens to hundreds of milliseconds and only some code paths use
 * it. Runs the compiled app (`npm run build` first) in a fresh process, as `bench/coldstart/` does,
 * through the dev host's `@azure/functions-core` facade so that the functions really register.
 */
const HEAVY = [
  '@kubernetes/client-node',
  '@azure/container-registry',
  '@azure/identity',
  '@azure/msal-node',
  '@azure/arm-containerservice',
  '@azure/eventgrid',
  '@azure/service-bus',
  '@azure/data-tables',
  '@azure/keyvault-secrets',
  'yaml',
  // ~150 ms with axios, validator and lodash: loaded on the first Durable invocation (register.ts)
  'durable-functions',
  // only with a connection string (shared/adapters/azure-monitor.ts)
  '@opentelemetry/api',
  // not an SDK, but 90-250 ms: parsers build their schemas on first use (shared/zod.ts)
  'zod',
];

const ROOT = path.resolve(__dirname, '..', '..');
const REGISTERED = path.join(ROOT, 'dist/bench/coldstart/registered.js');

interface Registered {
  functions: string[];
  loaded: string[];
}

/** What registers and loads in a fresh process: the build's function files. */
function load(): Registered {
  const out = execFileSync(process.execPath, [REGISTERED], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return JSON.parse(out) as Registered;
}

const heavyIn = (loaded: string[]): string[] =>
  HEAVY.filter((name) => loaded.some((file) => file.includes(`/node_modules/${name}/`)));

describe('cold start: loading the function files', () => {
  it('leaves every heavy module out of require.cache', () => {
    const { functions, loaded } = load();
    expect(loaded.some((file) => file.includes('/dist/functions/'))).toBe(true);
    expect(functions.length).toBeGreaterThan(0);
    expect(heavyIn(loaded)).toEqual([]);
  }, 60_000);
});

describe('cold start with telemetry on, as deployed (bench/coldstart "telemetry on")', () => {
  const LOADER = path.join(ROOT, 'dist/bench/coldstart/load-functions.js');

  /** Exit code of the benchmark's loader in a fresh process with `env` and nothing else. */
  const loaderExit = (env: Record<string, string>): number | null => {
    const result = spawnSync(process.execPath, [LOADER, '--expect-telemetry'], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: 'ignore',
      timeout: 60_000,
    });
    return result.status;
  };

  it('starts the Azure Monitor distro at load and exits once it has (the benchmark times that)', async () => {
    const { TELEMETRY_ENV } = (await import(path.join(ROOT, 'dist/bench/coldstart/measure.js'))) as {
      TELEMETRY_ENV: Record<string, string>;
    };
    expect(loaderExit(TELEMETRY_ENV)).toBe(0);
    // Without a connection string the distro does not start, and the loader says so rather than
    // timing a start that did not happen.
    expect(loaderExit({})).toBe(1);
  }, 120_000);
});
