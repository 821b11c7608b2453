/* eslint-disable @typescript-eslint/no-require-imports -- the point of this file: see below */
import type * as Zod from 'zod';
import { once } from './lazy.js';

/**
 * zod, loaded on first use: a schema is built by `lazySchema((z) => z.object(...))` (or with `zod()` in a
 * helper such a builder calls), with `import type { z } from 'zod'` for the types. zod takes 90-250 ms to
 * load, more than any other module a fresh worker loaded with its function files, and no function needs
 * it to register: only a request that parses something does. Modules whose schemas are built at import
 * (the pipeline file's, loaded with the config source on first use) import zod directly.
 *
 * `require`, not `import()`: the app is CommonJS and must share one module cache (shared/lazy.ts).
 */
export const zod = once((): typeof Zod.z => (require('zod') as typeof Zod).z);

/** A schema (or a set of them) built with zod on first use and kept: `lazySchema((z) => z.object(...))`. */
export function lazySchema<T>(build: (z: typeof Zod.z) => T): () => T {
  return once(() => build(zod()));
}
