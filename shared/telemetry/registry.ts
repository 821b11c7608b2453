import { NoopTelemetry } from './noop.js';
import type { Telemetry } from '../ports/telemetry.js';
import { Redactor } from './redact.js';

/**
 * Test seam, like the ports override: an end-to-end test that runs the app inside the dev host puts an
 * in-memory Telemetry here. Production never sets it. Global symbols survive the dev host loading its
 * own copy of this module.
 */
export const TELEMETRY_OVERRIDE = Symbol.for('gantry.telemetry.override');
const STATE = Symbol.for('gantry.telemetry.state');

interface State {
  telemetry?: Promise<Telemetry>;
  redactor: Redactor;
}

type Globals = Record<symbol, unknown>;

function state(): State {
  const g = globalThis as Globals;
  g[STATE] ??= { redactor: new Redactor() } satisfies State;
  return g[STATE] as State;
}

/** The process's known secret values; settings and Key Vault reads add to it. */
export function processRedactor(): Redactor {
  return state().redactor;
}

/** The composition root registers the telemetry it started (once per process). */
export function setTelemetry(telemetry: Promise<Telemetry>): void {
  state().telemetry = telemetry;
}

const noop = new NoopTelemetry();

/** What activities record into: the override, the started telemetry, or a no-op. */
export async function getTelemetry(): Promise<Telemetry> {
  const override = (globalThis as Globals)[TELEMETRY_OVERRIDE] as Telemetry | undefined;
  if (override) return override;
  const started = state().telemetry;
  return started ? started.catch(() => noop) : noop;
}

/**
 * The Key Vault cache's `onRefreshError`: a failed refresh served from the last good value is invisible
 * to callers, so it is counted (alertable) and logged, by secret name and reason, never by value.
 */
export function reportSecretRefreshFailure(
  name: string,
  error: { code: string; reason: string },
): Promise<void> {
  const attributes = {
    'gantry.secret_name': name,
    'gantry.reason': error.reason,
    'gantry.error.code': error.code,
  };
  console.warn(
    `secret refresh failed; serving the last good value ${JSON.stringify(processRedactor().attributes(attributes))}`,
  );
  return getTelemetry().then((t) =>
    t.measure({ instrument: 'gantry.secrets.refresh_failures', value: 1, attributes }),
  );
}
