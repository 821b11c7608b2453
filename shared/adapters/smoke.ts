import type { SmokeCheck } from '../contracts/plan.js';
import type { SmokeResult, SmokeRunner } from '../ports/runners.js';
import { httpRequest, HttpError, safeUrl } from './http.js';

/**
 * HTTP smoke checks against a freshly synced staging environment. Every outcome, including "could not
 * connect", is data: a check that never answered is a failed check, not a reason to retry the activity.
 */

export interface HttpSmokeRunnerOptions {
  /** Wait before retry n (1-based); default 1 s × 2^(n-1), at most 15 s. */
  backoffMs?: (attempt: number) => number;
  sleep?: (ms: number) => Promise<void>;
  /** Monotonic milliseconds for latency (default `performance.now`). */
  now?: () => number;
  userAgent?: string;
}

export interface HttpSmokeResult extends SmokeResult {
  /** The URL without query string or credentials (they may hold tokens). */
  url: string;
  /** Of the last attempt. */
  latencyMs?: number;
}

const ALL_STATUSES = Array.from({ length: 500 }, (_, i) => i + 100);
const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class HttpSmokeRunner implements SmokeRunner {
  private readonly backoffMs: (attempt: number) => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(private readonly options: HttpSmokeRunnerOptions = {}) {
    this.backoffMs = options.backoffMs ?? ((n) => Math.min(1000 * 2 ** (n - 1), 15_000));
    this.sleep = options.sleep ?? realSleep;
    this.now = options.now ?? (() => performance.now());
  }

  async run(check: SmokeCheck): Promise<HttpSmokeResult> {
    const url = safeUrl(check.url);
    const expect = check.expectStatus || 200;
    if (!/^https?:$/.test(URL.canParse(check.url) ? new URL(check.url).protocol : '')) {
      return { check: check.name, ok: false, attempts: 0, url, error: 'the URL is not an http(s) URL' };
    }
    const attempts = 1 + Math.max(0, check.retries);
    let last: Omit<HttpSmokeResult, 'check' | 'attempts' | 'url'> = { ok: false };
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) await this.sleep(this.backoffMs(attempt - 1));
      last = await this.attempt(check, expect);
      if (last.ok) return { check: check.name, ...last, attempts: attempt, url };
    }
    return { check: check.name, ...last, attempts, url };
  }

  private async attempt(
    check: SmokeCheck,
    expect: number,
  ): Promise<Omit<HttpSmokeResult, 'check' | 'attempts' | 'url'>> {
    const started = this.now();
    const latency = () => Math.round(this.now() - started);
    try {
      const res = await httpRequest(check.url, {
        timeoutMs: check.timeout,
        // Retries are counted here, per check, so the helper makes exactly one attempt.
        attempts: 1,
        accept: ALL_STATUSES,
        headers: { accept: '*/*', 'user-agent': this.options.userAgent ?? 'gantry-smoke' },
      });
      const ok = res.status === expect;
      return {
        ok,
        status: res.status,
        latencyMs: latency(),
        ...(ok ? {} : { error: `expected HTTP ${expect}, got ${res.status}` }),
      };
    } catch (error) {
      // A success status with a malformed JSON body still answered: judge it by its status.
      if (error instanceof HttpError && error.code === 'invalid-json' && error.status !== undefined) {
        const ok = error.status === expect;
        return {
          ok,
          status: error.status,
          latencyMs: latency(),
          ...(ok ? {} : { error: `expected HTTP ${expect}, got ${error.status}` }),
        };
      }
      // HttpError messages already omit query strings; anything else is reduced to its name.
      const text =
        error instanceof HttpError
          ? error.message
          : `request failed (${error instanceof Error ? error.name : 'error'})`;
      return { ok: false, latencyMs: latency(), error: text };
    }
  }
}
