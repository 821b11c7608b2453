import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NoopTelemetry } from '../../../shared/telemetry/noop.js';
import type { Measurement, Telemetry } from '../../../shared/ports/telemetry.js';
import {
  getTelemetry,
  processRedactor,
  reportSecretRefreshFailure,
  setTelemetry,
  TELEMETRY_OVERRIDE,
} from '../../../shared/telemetry/registry.js';

const STATE = Symbol.for('gantry.telemetry.state');
type Globals = Record<symbol, unknown>;

class Recording implements Telemetry {
  readonly measured: Measurement[] = [];
  span<T>(_n: string, _o: unknown, fn: (s: { setAttributes(): void }) => Promise<T>): Promise<T> {
    return fn({ setAttributes: () => {} });
  }
  measure(m: Measurement): void {
    this.measured.push(m);
  }
}

let saved: unknown;
beforeEach(() => {
  saved = (globalThis as Globals)[STATE];
  delete (globalThis as Globals)[STATE];
});
afterEach(() => {
  (globalThis as Globals)[STATE] = saved;
  delete (globalThis as Globals)[TELEMETRY_OVERRIDE];
  vi.restoreAllMocks();
});

describe('telemetry registry', () => {
  it('is a no-op until the composition root starts telemetry', async () => {
    expect(await getTelemetry()).toBeInstanceOf(NoopTelemetry);
  });

  it('serves what was started, and a no-op if starting failed', async () => {
    const started = new Recording();
    setTelemetry(Promise.resolve(started));
    expect(await getTelemetry()).toBe(started);
    setTelemetry(Promise.reject(new Error('distro failed')));
    expect(await getTelemetry()).toBeInstanceOf(NoopTelemetry);
  });

  it('prefers the test override', async () => {
    const override = new Recording();
    setTelemetry(Promise.resolve(new Recording()));
    (globalThis as Globals)[TELEMETRY_OVERRIDE] = override;
    expect(await getTelemetry()).toBe(override);
  });

  it('keeps one redactor per process, shared through a global symbol', () => {
    processRedactor().remember('process-wide-secret');
    expect(((globalThis as Globals)[STATE] as { redactor: { secrets: string[] } }).redactor.secrets).toEqual([
      'process-wide-secret',
    ]);
    expect(processRedactor()).toBe(processRedactor());
  });
});

describe('reportSecretRefreshFailure', () => {
  it('counts the failure by secret name and reason and logs it without any secret value', async () => {
    const recording = new Recording();
    (globalThis as Globals)[TELEMETRY_OVERRIDE] = recording;
    processRedactor().remember('the-cached-argocd-token');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await reportSecretRefreshFailure('argocd-token', { code: 'secret-unavailable', reason: 'fetch-failed' });
    expect(recording.measured).toEqual([
      {
        instrument: 'gantry.secrets.refresh_failures',
        value: 1,
        attributes: {
          'gantry.secret_name': 'argocd-token',
          'gantry.reason': 'fetch-failed',
          'gantry.error.code': 'secret-unavailable',
        },
      },
    ]);
    expect(warn).toHaveBeenCalledTimes(1);
    const line = String(warn.mock.calls[0]?.[0]);
    expect(line).toContain('"gantry.secret_name":"argocd-token"');
    expect(line).not.toContain('the-cached-argocd-token');
  });
});
