import type { TokenCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import type { AppClock } from '../ports/clock.js';
import type { Secrets } from '../ports/secrets.js';

export type SecretErrorReason = 'not-found' | 'invalid-name' | 'fetch-failed' | 'too-stale';

/** Carries the secret's name and a reason, never its value nor the SDK error (which holds request headers). */
export class SecretError extends Error {
  readonly code = 'secret-unavailable';
  constructor(
    readonly secretName: string,
    readonly reason: SecretErrorReason,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'SecretError';
  }
}

/** Reads one secret's current value from the store; the only part that does I/O. */
export type SecretFetch = (name: string) => Promise<string>;

export interface SecretCacheOptions {
  clock: AppClock;
  /** How long a fetched value is served without asking the vault again (default 5 min). */
  ttlMs?: number;
  /** After a failed refresh, how long the last good value is served before asking again (default 30 s). */
  retryMs?: number;
  /** Beyond this age a value is not served even when the vault is down (default 24 h). */
  maxStaleMs?: number;
  /** Told about refresh failures that were covered by a stale value (otherwise invisible to callers). */
  onRefreshError?: (name: string, error: SecretError) => void;
}

interface Entry {
  value?: string;
  fetchedAt: number;
  /** Earliest time to ask the vault again; pushed out by the TTL on success and by retryMs on failure. */
  refreshAt: number;
  inflight?: Promise<string>;
}

const MINUTE = 60_000;
/** Key Vault's own rule; checking it here turns a typo into a clear error instead of a 400. */
const SECRET_NAME = /^[0-9A-Za-z-]{1,127}$/;

/** Minimal shape of `SecretClient` used here, so tests can hand in a fake. */
export interface SecretClientLike {
  getSecret(name: string): Promise<{ value?: string }>;
}

/** Maps the SDK's answers and `RestError`s onto `SecretError`s that are safe to log. */
export function secretClientFetch(client: SecretClientLike): SecretFetch {
  return async (name) => {
    if (!SECRET_NAME.test(name)) {
      throw new SecretError(name.slice(0, 127), 'invalid-name', 'invalid Key Vault secret name');
    }
    let secret: { value?: string };
    try {
      secret = await client.getSecret(name);
    } catch (error) {
      const status = (error as { statusCode?: unknown }).statusCode;
      const code = (error as { code?: unknown }).code;
      const s = typeof status === 'number' ? status : undefined;
      const c = typeof code === 'string' ? code : 'error';
      if (s === 404) throw new SecretError(name, 'not-found', `secret "${name}" not found`, s);
      throw new SecretError(name, 'fetch-failed', `secret "${name}" fetch failed: ${s ?? c}`, s);
    }
    // Disabled secrets come back without a value; an empty string is not a usable secret either.
    if (!secret.value) throw new SecretError(name, 'not-found', `secret "${name}" has no value`);
    return secret.value;
  };
}

/**
 * Key Vault secrets with a per-secret TTL cache. A refresh that fails keeps serving the last good
 * value (reported via `onRefreshError`) so a vault outage or throttling does not stop deployments,
 * until the value is older than `maxStaleMs`; concurrent `get`s of one secret share one fetch.
 */
export class KeyVaultSecrets implements Secrets {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly retryMs: number;
  private readonly maxStaleMs: number;

  constructor(
    private readonly fetch: SecretFetch,
    private readonly options: SecretCacheOptions,
  ) {
    this.ttlMs = options.ttlMs ?? 5 * MINUTE;
    this.retryMs = options.retryMs ?? 30_000;
    this.maxStaleMs = options.maxStaleMs ?? 24 * 60 * MINUTE;
  }

  /** The production wiring: `vaultUrl` like `https://<vault>.vault.azure.net`, identity-based. */
  static create(vaultUrl: string, credential: TokenCredential, options: SecretCacheOptions): KeyVaultSecrets {
    return new KeyVaultSecrets(secretClientFetch(new SecretClient(vaultUrl, credential)), options);
  }

  /**
   * The cached value is no longer trusted (e.g. the service it is for rejected it): the next `get` asks
   * the vault, and still falls back to this value if the vault cannot answer.
   */
  invalidate(name: string): void {
    const entry = this.entries.get(name);
    if (entry) entry.refreshAt = Number.NEGATIVE_INFINITY;
  }

  get(name: string): Promise<string> {
    const now = this.options.clock.now();
    const entry = this.entries.get(name);
    if (entry?.inflight) return entry.inflight;
    if (entry?.value !== undefined && now < entry.refreshAt) {
      if (now - entry.fetchedAt <= this.maxStaleMs) return Promise.resolve(entry.value);
    }
    const current: Entry = entry ?? { fetchedAt: now, refreshAt: now };
    current.inflight = this.refresh(name, current, now).finally(() => {
      current.inflight = undefined;
    });
    this.entries.set(name, current);
    return current.inflight;
  }

  private async refresh(name: string, entry: Entry, startedAt: number): Promise<string> {
    try {
      const value = await this.fetch(name);
      // Freshness counts from the request, not the answer: the value was current when we asked.
      entry.value = value;
      entry.fetchedAt = startedAt;
      entry.refreshAt = startedAt + this.ttlMs;
      return value;
    } catch (thrown) {
      const error =
        thrown instanceof SecretError
          ? thrown
          : new SecretError(name, 'fetch-failed', `secret "${name}" fetch failed`);
      const now = this.options.clock.now();
      if (entry.value === undefined) {
        this.entries.delete(name);
        throw error;
      }
      if (now - entry.fetchedAt > this.maxStaleMs) {
        throw new SecretError(
          name,
          'too-stale',
          `secret "${name}" unavailable: last good value is older than ${this.maxStaleMs} ms (${error.message})`,
          error.status,
        );
      }
      entry.refreshAt = now + this.retryMs;
      try {
        this.options.onRefreshError?.(name, error);
      } catch {
        // A broken logger must not turn a servable value into a failure.
      }
      return entry.value;
    }
  }
}

/**
 * Local and test use: values from settings. `github-app-key` is read from `GANTRY_SECRET_GITHUB_APP_KEY`
 * (app setting names cannot portably contain `-`).
 */
export class SettingsSecrets implements Secrets {
  constructor(
    private readonly values: Readonly<Record<string, string | undefined>>,
    private readonly prefix = 'GANTRY_SECRET_',
  ) {}

  static settingName(name: string, prefix = 'GANTRY_SECRET_'): string {
    return prefix + name.toUpperCase().replace(/-/g, '_');
  }

  get(name: string): Promise<string> {
    const setting = SettingsSecrets.settingName(name, this.prefix);
    const value = this.values[setting];
    if (!value) {
      return Promise.reject(
        new SecretError(name, 'not-found', `secret "${name}" not set (setting ${setting})`),
      );
    }
    return Promise.resolve(value);
  }
}
