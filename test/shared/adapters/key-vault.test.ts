import { DefaultAzureCredential } from '@azure/identity';
import { describe, expect, it } from 'vitest';
import {
  KeyVaultSecrets,
  SecretError,
  SettingsSecrets,
  secretClientFetch,
  type SecretFetch,
} from '../../../shared/adapters/key-vault.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

/** A vault whose answers the test scripts; each fetch stays pending until the test settles it. */
function fakeVault() {
  const calls: string[] = [];
  const pending: Array<{ resolve: (v: string) => void; reject: (e: unknown) => void }> = [];
  const fetch: SecretFetch = (name) => {
    calls.push(name);
    return new Promise<string>((resolve, reject) => pending.push({ resolve, reject }));
  };
  const next = () => {
    const p = pending.shift();
    if (!p) throw new Error('no fetch pending');
    return p;
  };
  return { calls, fetch, pending, next };
}

function setup(options: { ttlMs?: number; maxStaleMs?: number; retryMs?: number } = {}) {
  const vault = fakeVault();
  const clock = { t: 1_000_000, now: () => clock.t };
  const refreshErrors: Array<[string, SecretError]> = [];
  const secrets = new KeyVaultSecrets(vault.fetch, {
    clock,
    ...options,
    onRefreshError: (name, error) => refreshErrors.push([name, error]),
  });
  return { vault, clock, secrets, refreshErrors };
}

describe('KeyVaultSecrets cache', () => {
  it('serves from cache within the TTL and refreshes after it', async () => {
    const { vault, clock, secrets } = setup();
    const first = secrets.get('github-key');
    vault.next().resolve('v1');
    expect(await first).toBe('v1');

    clock.t += 5 * MIN - 1;
    expect(await secrets.get('github-key')).toBe('v1');
    expect(vault.calls).toHaveLength(1);

    clock.t += 1;
    const refreshed = secrets.get('github-key');
    expect(vault.calls).toHaveLength(2);
    vault.next().resolve('v2');
    expect(await refreshed).toBe('v2');
  });

  it('asks the vault again after invalidate, inside the TTL, and keeps the old value if it cannot answer', async () => {
    const { vault, secrets } = setup();
    const first = secrets.get('argocd-token');
    vault.next().resolve('old');
    expect(await first).toBe('old');
    secrets.invalidate('argocd-token');
    secrets.invalidate('never-read'); // nothing cached: nothing to do
    const rotated = secrets.get('argocd-token');
    expect(vault.calls).toEqual(['argocd-token', 'argocd-token']);
    vault.next().resolve('new');
    expect(await rotated).toBe('new');
    expect(await secrets.get('argocd-token')).toBe('new');
    expect(vault.calls).toHaveLength(2);
    secrets.invalidate('argocd-token');
    const again = secrets.get('argocd-token');
    vault.next().reject(new Error('vault unreachable'));
    expect(await again).toBe('new');
  });

  it('shares one fetch between concurrent gets, first load and refresh alike', async () => {
    const { vault, clock, secrets } = setup();
    const a = secrets.get('k');
    const b = secrets.get('k');
    expect(vault.calls).toEqual(['k']);
    vault.next().resolve('v1');
    expect(await Promise.all([a, b])).toEqual(['v1', 'v1']);

    clock.t += 10 * MIN;
    const c = secrets.get('k');
    const d = secrets.get('k');
    expect(vault.calls).toEqual(['k', 'k']);
    vault.next().resolve('v2');
    expect(await Promise.all([c, d])).toEqual(['v2', 'v2']);
  });

  it('caches each secret separately', async () => {
    const { vault, secrets } = setup();
    const a = secrets.get('a');
    const b = secrets.get('b');
    expect(vault.calls).toEqual(['a', 'b']);
    vault.next().resolve('va');
    vault.next().resolve('vb');
    expect([await a, await b]).toEqual(['va', 'vb']);
  });

  it('keeps serving the last good value when a refresh fails, reports it, and waits before retrying', async () => {
    const { vault, clock, secrets, refreshErrors } = setup({ retryMs: 30_000 });
    const load = secrets.get('k');
    vault.next().resolve('good');
    await load;

    clock.t += 6 * MIN;
    const stale = secrets.get('k');
    vault.next().reject(Object.assign(new Error('boom'), { statusCode: 503 }));
    expect(await stale).toBe('good');
    expect(refreshErrors).toHaveLength(1);
    expect(refreshErrors[0]?.[0]).toBe('k');
    expect(refreshErrors[0]?.[1].code).toBe('secret-unavailable');

    // Within retryMs the stale value is served without hammering the vault.
    clock.t += 29_999;
    expect(await secrets.get('k')).toBe('good');
    expect(vault.calls).toHaveLength(2);

    clock.t += 1;
    const retried = secrets.get('k');
    expect(vault.calls).toHaveLength(3);
    vault.next().resolve('new');
    expect(await retried).toBe('new');
  });

  it('throws secret-unavailable once the last good value is older than maxStaleMs', async () => {
    const { vault, clock, secrets } = setup({ maxStaleMs: 24 * HOUR });
    const load = secrets.get('k');
    vault.next().resolve('hunter2');
    await load;

    clock.t += 24 * HOUR;
    const atLimit = secrets.get('k');
    vault.next().reject(new Error('down'));
    expect(await atLimit).toBe('hunter2');

    clock.t += 30_001;
    const tooOld = secrets.get('k');
    vault.next().reject(new Error('down'));
    const error = await tooOld.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretError);
    expect(error).toMatchObject({ code: 'secret-unavailable', reason: 'too-stale', secretName: 'k' });
    expect(String((error as Error).message)).not.toContain('hunter2');

    // The vault coming back heals it.
    const healed = secrets.get('k');
    vault.next().resolve('fresh');
    expect(await healed).toBe('fresh');
  });

  it('rejects a first load that fails, and fetches again on the next get', async () => {
    const { vault, secrets, refreshErrors } = setup();
    const first = secrets.get('k');
    vault.next().reject(new SecretError('k', 'not-found', 'secret "k" not found', 404));
    await expect(first).rejects.toMatchObject({ code: 'secret-unavailable', reason: 'not-found' });
    expect(refreshErrors).toHaveLength(0);

    const second = secrets.get('k');
    expect(vault.calls).toHaveLength(2);
    vault.next().resolve('v');
    expect(await second).toBe('v');
  });

  it('all waiters of a shared refresh get the stale value when it fails', async () => {
    const { vault, clock, secrets, refreshErrors } = setup();
    const load = secrets.get('k');
    vault.next().resolve('good');
    await load;
    clock.t += 6 * MIN;
    const waiters = [secrets.get('k'), secrets.get('k'), secrets.get('k')];
    vault.next().reject(new Error('throttled'));
    expect(await Promise.all(waiters)).toEqual(['good', 'good', 'good']);
    expect(refreshErrors).toHaveLength(1);
  });
});

describe('secretClientFetch (the SDK seam)', () => {
  const client = (answer: () => Promise<{ value?: string }>) => ({
    seen: [] as string[],
    getSecret(name: string) {
      this.seen.push(name);
      return answer();
    },
  });

  it('returns the value', async () => {
    const c = client(async () => ({ value: 's3cr3t' }));
    expect(await secretClientFetch(c)('db-password')).toBe('s3cr3t');
    expect(c.seen).toEqual(['db-password']);
  });

  it.each([
    ['404 SecretNotFound', { statusCode: 404, code: 'SecretNotFound' }, 'not-found', 404],
    ['403 Forbidden', { statusCode: 403, code: 'Forbidden' }, 'fetch-failed', 403],
    ['network error', { code: 'ECONNRESET' }, 'fetch-failed', undefined],
  ])('maps %s to a coded error without the SDK error', async (_, props, reason, status) => {
    const sdkError = Object.assign(new Error('Authorization: Bearer eyJ-token'), props);
    const fetch = secretClientFetch(client(() => Promise.reject(sdkError)));
    const error = await fetch('db-password').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'secret-unavailable', reason, status });
    expect((error as Error).message).not.toContain('Bearer');
    expect((error as Error & { cause?: unknown }).cause).toBeUndefined();
  });

  it('treats a missing value (disabled secret) as not found', async () => {
    const fetch = secretClientFetch(client(async () => ({})));
    await expect(fetch('k')).rejects.toMatchObject({ reason: 'not-found' });
  });

  it('rejects names Key Vault would refuse without calling it', async () => {
    const c = client(async () => ({ value: 'x' }));
    await expect(secretClientFetch(c)('bad_name')).rejects.toMatchObject({
      reason: 'invalid-name',
    });
    expect(c.seen).toEqual([]);
  });

  it('KeyVaultSecrets.create builds an SDK-backed instance without network I/O', () => {
    const secrets = KeyVaultSecrets.create('https://example.vault.azure.net', new DefaultAzureCredential(), {
      clock: { now: () => 0 },
    });
    expect(secrets).toBeInstanceOf(KeyVaultSecrets);
    expect(typeof secrets.get).toBe('function');
  });
});

describe('SettingsSecrets', () => {
  it('reads GANTRY_SECRET_<NAME> with dashes as underscores', async () => {
    const secrets = new SettingsSecrets({ GANTRY_SECRET_GITHUB_APP_KEY: 'pem' });
    expect(await secrets.get('github-app-key')).toBe('pem');
  });

  it('rejects a missing or empty setting with a coded error naming the setting', async () => {
    const secrets = new SettingsSecrets({ GANTRY_SECRET_EMPTY: '' });
    await expect(secrets.get('empty')).rejects.toMatchObject({
      code: 'secret-unavailable',
      reason: 'not-found',
      message: expect.stringContaining('GANTRY_SECRET_EMPTY'),
    });
    await expect(secrets.get('absent')).rejects.toBeInstanceOf(SecretError);
  });
});
