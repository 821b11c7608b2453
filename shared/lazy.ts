import type { TokenCredential } from '@azure/identity';

/**
 * An adapter built on first use. A port's adapter often pulls a heavy SDK (the Kubernetes client alone
 * costs a third of a second to load), and a fresh Functions worker must not pay that to answer a health
 * check or accept a webhook: the composition root wraps such adapters in `lazy()` and `require`s their
 * module only when a method is first called. `require`, not `import()`: the app is CommonJS, and the
 * ESM loader would bypass the module cache the rest of the app shares (a second copy of a module, and
 * of its error classes, is a bug waiting for an `instanceof`).
 *
 * Works for interfaces whose methods return promises (every port does); a method that returns nothing
 * (a cache's `invalidate`) is called directly once the adapter is loaded, and before that it loads the
 * adapter first (there is nothing cached to forget yet).
 */
export function lazy<T extends object>(load: () => Promise<T>): T {
  let loaded: T | undefined;
  let loading: Promise<T> | undefined;
  const instance = (): Promise<T> => {
    loading ??= load().then(
      (adapter) => (loaded = adapter),
      (error: unknown) => {
        loading = undefined; // the next call tries again
        throw error;
      },
    );
    return loading;
  };
  return new Proxy({} as T, {
    get: (_target, property) => {
      if (property === 'then') return undefined; // not a thenable: `await port` must not load it
      if (loaded) return method(loaded, property);
      return (...args: unknown[]) =>
        instance().then((adapter) => (method(adapter, property) as (...a: unknown[]) => unknown)(...args));
    },
  });
}

function method<T extends object>(adapter: T, property: string | symbol): unknown {
  const value = (adapter as Record<string | symbol, unknown>)[property];
  return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(adapter) : value;
}

/**
 * A token credential whose implementation loads on the first token request. Not a `lazy()` proxy: the
 * Azure SDKs recognise a credential by its shape (`getToken` with parameters and no `signRequest`).
 */
export function lazyCredential(load: () => Promise<TokenCredential>): TokenCredential {
  let credential: Promise<TokenCredential> | undefined;
  return {
    getToken: async (scopes, options) => {
      credential ??= load().catch((error: unknown) => {
        credential = undefined;
        throw error;
      });
      return (await credential).getToken(scopes, options);
    },
  };
}

/**
 * A value built on the first call and kept. Zod schemas are built this way in the modules a fresh worker
 * loads with every function file: building them all at module load cost a cold start tens of
 * milliseconds, for parsers most requests never use.
 */
export function once<T>(build: () => T): () => T {
  let value: T | undefined;
  let built = false;
  return () => {
    if (!built) {
      value = build();
      built = true;
    }
    return value as T;
  };
}
