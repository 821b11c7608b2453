/**
 * Loads the app as the Functions worker does, through the dev host's `@azure/functions-core` facade
 * (the function-registration stub), and prints what registered and which files loaded, as JSON:
 *
 *   node dist/bench/coldstart/registered.js
 *
 * test/e2e/coldstart-modules.test.ts checks the files.
 */
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
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  for (const file of functionFiles()) require(file);
  const out: Registered = {
    functions: registry.list().map((f) => f.name),
    loaded: Object.keys(require.cache),
  };
  process.stdout.write(JSON.stringify(out));
}

if (require.main === module) main();
