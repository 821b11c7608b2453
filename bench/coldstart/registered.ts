/**
 * Loads the app as the Functions worker does, through the dev host's `@azure/functions-core` facade
 * (the function-registration stub), and prints what registered and which files loaded, as JSON:
 *
 *   node dist/bench/coldstart/registered.js            # the plain build: every dist/functions file
 *   node dist/bench/coldstart/registered.js BUNDLE     # a bundle file (bench/coldstart/bundle.ts)
 *
 * test/e2e/coldstart-bundle.test.ts compares the two; test/e2e/coldstart-modules.test.ts checks the files.
 */
import path from 'node:path';
import { install, Registry } from '../../devhost/functions/core-module.js';
import { functionFiles } from './load-functions.js';

export interface Registered {
  functions: string[];
  /** Every file in `require.cache` after loading. */
  loaded: string[];
}

function main(): void {
  const registry = new Registry();
  install(registry);
  const bundle = process.argv[2];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  for (const file of bundle ? [path.resolve(bundle)] : functionFiles()) require(file);
  const out: Registered = {
    functions: registry.list().map((f) => f.name),
    loaded: Object.keys(require.cache),
  };
  process.stdout.write(JSON.stringify(out));
}

if (require.main === module) main();
