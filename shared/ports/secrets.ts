/**
 * Named secrets (Key Vault in Azure, settings locally). Implementations cache and never put a secret's
 * value in an error or a log line; callers must not either.
 */
export interface Secrets {
  /** The current value; rejects with a coded error (no value in it) when none can be served. */
  get(name: string): Promise<string>;
}
