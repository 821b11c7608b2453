/**
 * Loads every function file of the compiled app, as the Functions worker does at start-up, and exits.
 * `bench/coldstart/measure.ts` times this process against `node -e 0`.
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

if (require.main === module) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  for (const file of functionFiles()) require(file);
}
