import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/**
 * Loading every function file (what the Functions worker does before the first request) must not load a
 * heavy module: each costs a cold worker tens to hundreds of milliseconds and only some code paths use
 * it. Runs the compiled app (`npm run build` first) in a fresh process, as `bench/coldstart/` does.
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
  // not an SDK, but 90-250 ms: parsers build their schemas on first use (shared/zod.ts)
  'zod',
];

const SCRIPT = `
const { functionFiles } = require('./dist/bench/coldstart/load-functions.js');
for (const file of functionFiles()) require(file);
process.stdout.write(JSON.stringify(Object.keys(require.cache)));
`;

describe('cold start: loading the function files', () => {
  it('leaves every heavy module out of require.cache', () => {
    const out = execFileSync(process.execPath, ['-e', SCRIPT], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const loaded = JSON.parse(out) as string[];
    expect(loaded.some((file) => file.includes('/dist/functions/'))).toBe(true);
    const heavy = HEAVY.filter((name) => loaded.some((file) => file.includes(`/node_modules/${name}/`)));
    expect(heavy).toEqual([]);
  }, 60_000);
});
