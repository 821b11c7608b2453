/**
 * Loads every function file of the compiled app, as the Functions worker does at start-up, and exits.
 * `bench/coldstart/measure.ts` times this process against `node -e 0`, without and with a connection
 * string: with one, `functions/composition.ts` starts the Azure Monitor distro at load, as in production.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';

/** dist/bench/coldstart -> dist/functions */
export const FUNCTIONS_DIR = path.resolve(__dirname, '..', '..', 'functions');

export function functionFiles(dir: string = FUNCTIONS_DIR): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return functionFiles(file);
    return entry.name.endsWith('.js') ? [file] : [];
  });
}

/**
 * Waits for the telemetry the composition root started (a no-op without a connection string). With
 * `--expect-telemetry`, fails unless the distro did start: a benchmark of a start that failed quietly
 * (the composition root logs "telemetry disabled" and goes on) would look fast.
 */
async function telemetryStarted(expected: boolean): Promise<void> {
  // Required after the function files, so that the load order is the worker's.
  type Registry = typeof import('../../shared/telemetry/registry.js');
  type Noop = typeof import('../../shared/telemetry/noop.js');
  /* eslint-disable @typescript-eslint/no-require-imports */
  const registry = require('../../shared/telemetry/registry.js') as Registry;
  const { NoopTelemetry } = require('../../shared/telemetry/noop.js') as Noop;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const telemetry = await registry.getTelemetry();
  if (expected && telemetry instanceof NoopTelemetry)
    throw new Error('the Azure Monitor distro did not start');
}

if (require.main === module) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  for (const file of functionFiles()) require(file);
  // `--durable`: then what a worker's first Durable invocation loads (functions/durable/register.ts).
  if (process.argv.includes('--durable')) {
    /* eslint-disable @typescript-eslint/no-require-imports */
    require('durable-functions');
    require('../../orchestrations/index.js');
    /* eslint-enable @typescript-eslint/no-require-imports */
  }
  // With telemetry on, the distro's exporters and metric reader keep the process alive (20 s and more):
  // the start-up ends once `useAzureMonitor` has run, so exit then.
  telemetryStarted(process.argv.includes('--expect-telemetry')).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
