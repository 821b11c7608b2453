import { describe, expect, it } from 'vitest';
import { lazy, lazyCredential } from '../../shared/lazy.js';

interface Cache {
  get(name: string): Promise<string>;
  invalidate(name: string): void;
}

function counting(): { loads: number; load: () => Promise<Cache>; forgotten: string[] } {
  const state = {
    loads: 0,
    forgotten: [] as string[],
    load: async (): Promise<Cache> => {
      state.loads++;
      return {
        get: async (name) => `value of ${name}`,
        invalidate: (name) => void state.forgotten.push(name),
      };
    },
  };
  return state;
}

describe('lazy', () => {
  it('does not load the adapter until a method is called, then loads it once', async () => {
    const state = counting();
    const cache = lazy(state.load);
    expect(state.loads).toBe(0);
    const [a, b] = await Promise.all([cache.get('a'), cache.get('b')]);
    expect([a, b]).toEqual(['value of a', 'value of b']);
    await cache.get('c');
    expect(state.loads).toBe(1);
  });

  it('calls a method that returns nothing synchronously once loaded', async () => {
    const state = counting();
    const cache = lazy(state.load);
    await cache.get('a');
    expect(cache.invalidate('a')).toBeUndefined();
    expect(state.forgotten).toEqual(['a']);
  });

  it('is not a thenable, so awaiting the port does not load it', async () => {
    const state = counting();
    const cache = lazy(state.load);
    expect(await Promise.resolve(cache)).toBe(cache);
    expect(state.loads).toBe(0);
  });

  it('tries the load again on the next call after a failed one', async () => {
    let attempts = 0;
    const cache = lazy<Cache>(async () => {
      if (++attempts === 1) throw new Error('module not there yet');
      return { get: async () => 'ok', invalidate: () => {} };
    });
    await expect(cache.get('a')).rejects.toThrow('module not there yet');
    await expect(cache.get('a')).resolves.toBe('ok');
    expect(attempts).toBe(2);
  });
});

describe('lazyCredential', () => {
  it('loads the credential on the first token request and keeps the SDK shape', async () => {
    let loads = 0;
    const credential = lazyCredential(async () => {
      loads++;
      return { getToken: async (scopes) => ({ token: `t:${String(scopes)}`, expiresOnTimestamp: 1 }) };
    });
    // How @azure/core-auth's isTokenCredential recognises a credential.
    expect(typeof credential.getToken).toBe('function');
    expect(credential.getToken.length).toBeGreaterThan(0);
    expect((credential as { signRequest?: unknown }).signRequest).toBeUndefined();
    expect(loads).toBe(0);
    await expect(credential.getToken('scope/.default')).resolves.toMatchObject({ token: 't:scope/.default' });
    await credential.getToken('other');
    expect(loads).toBe(1);
  });
});
