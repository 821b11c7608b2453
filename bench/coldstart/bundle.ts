/**
 * The compiled app's function files bundled into one CommonJS file, as a production build could deploy
 * it (docs/benchmarks.md, "Cold start: durable-functions and a bundle"). Not deployed: measured by the
 * cold-start benchmark beside the plain build, and held to register the same functions
 * (test/e2e/coldstart-bundle.test.ts).
 *
 *   npm run build --silent && node dist/bench/coldstart/bundle.js    # writes dist/bundle/functions.js
 *
 * Bundled: Gantry's modules and `durable-functions` with its dependencies (axios, validator, lodash,
 * moment...: about 500 small files a fresh worker resolves, reads and compiles one by one). External:
 * `@azure/functions` (the one copy the worker's `@azure/functions-core` facade and the dev host share:
 * devhost/functions/invoker.ts), the facade itself, and every other dependency of the app: those load on
 * first use (shared/lazy.ts, functions/modules.ts) or must stay one copy (`@opentelemetry/api`).
 * Lazy `require`s of Gantry's own modules stay lazy: the bundler wraps each CommonJS module in a function
 * that runs on its first `require`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { functionFiles } from './load-functions.js';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const BUNDLE_FILE = path.join(REPO_ROOT, 'dist', 'bundle', 'functions.js');
const ENTRY = '\0gantry-function-files';

/** `@scope/name/sub` -> `@scope/name`, `name/sub` -> `name`; undefined for relative and absolute paths. */
export function packageName(id: string): string | undefined {
  if (id.startsWith('.') || path.isAbsolute(id) || id.startsWith('\0') || id.startsWith('node:'))
    return undefined;
  const parts = id.split('/');
  return id.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The packages the bundle leaves to `node_modules`: see above. */
export function externalPackages(): Set<string> {
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const external = new Set([...Object.keys(pkg.dependencies), '@azure/functions-core']);
  external.delete('durable-functions');
  return external;
}

/** Writes BUNDLE_FILE from the compiled function files (`npm run build` first). */
export async function buildBundle(): Promise<string> {
  const { build } = await import('rolldown');
  const external = externalPackages();
  await build({
    input: ENTRY,
    platform: 'node',
    logLevel: 'warn',
    external: (id) => {
      const name = packageName(id);
      return name !== undefined && external.has(name);
    },
    plugins: [
      {
        name: 'gantry-function-files',
        resolveId: (id) => (id === ENTRY ? ENTRY : null),
        // Every function file, in the order the worker's glob would load them.
        load: (id) =>
          id === ENTRY
            ? functionFiles()
                .map((file) => `require(${JSON.stringify(file)});`)
                .join('\n')
            : null,
      },
    ],
    output: { file: BUNDLE_FILE, format: 'cjs', sourcemap: true },
  });
  return BUNDLE_FILE;
}

if (require.main === module)
  buildBundle().then(
    (file) => console.log(`wrote ${path.relative(process.cwd(), file)}`),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
