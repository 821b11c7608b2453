import type { Attributes } from '@opentelemetry/api';
import type { TokenCredential } from '@azure/identity';
import type { AzureMonitorOpenTelemetryOptions } from '@azure/monitor-opentelemetry';
import type { TelemetrySettings } from '../config.js';
import type { Telemetry } from '../ports/telemetry.js';
import type { Redactor } from '../telemetry/redact.js';
import { NoopTelemetry } from '../telemetry/noop.js';
import { OpenTelemetryTelemetry } from './telemetry.js';

export type UseAzureMonitor = (options: AzureMonitorOpenTelemetryOptions) => void;
type SpanProcessor = NonNullable<AzureMonitorOpenTelemetryOptions['spanProcessors']>[number];
type SdkSpan = Parameters<NonNullable<SpanProcessor['onEnding']>>[0];

/** Pure: `Authorization=AAD;ClientId=<id>` → Entra export with that identity; undefined = key-based. */
export function entraAuthentication(value: string | undefined): { clientId?: string } | undefined {
  const parts = new Map(
    (value ?? '')
      .split(';')
      .map((p) => p.trim().split('=') as [string, string?])
      .filter(([k]) => k.length > 0)
      .map(([k, v]) => [k.toLowerCase(), v ?? ''] as const),
  );
  if (parts.get('authorization')?.toUpperCase() !== 'AAD') return undefined;
  const clientId = parts.get('clientid');
  return clientId ? { clientId } : {};
}

/**
 * Redacts every span the process exports (Gantry's and the HTTP / Azure SDK instrumentations'), just
 * before it ends: attribute values, event attributes (exception messages) and the status message.
 */
export class RedactingSpanProcessor implements SpanProcessor {
  constructor(private readonly redactor: Redactor) {}

  onStart(): void {}

  onEnding(span: SdkSpan): void {
    span.setAttributes(this.redactor.attributes(span.attributes) as Attributes);
    for (const event of span.events) {
      if (event.attributes) Object.assign(event.attributes, this.redactor.attributes(event.attributes));
    }
    if (span.status.message)
      span.setStatus({ ...span.status, message: this.redactor.text(span.status.message) });
  }

  onEnd(): void {}

  async forceFlush(): Promise<void> {}

  async shutdown(): Promise<void> {}
}

const CONSOLE_OFF = { console: { enabled: false } };

/** `@azure/identity` only when telemetry exports with Entra: an app without telemetry never loads it. */
const loadIdentity = (): typeof import('@azure/identity') =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('@azure/identity') as typeof import('@azure/identity');

/** The distro's options: export with the managed identity when Entra auth is on; only HTTP and Azure SDK spans. */
export function azureMonitorOptions(
  settings: TelemetrySettings,
  redactor: Redactor,
  credential: (clientId?: string) => TokenCredential = (clientId) =>
    new (loadIdentity().ManagedIdentityCredential)(clientId ? { clientId } : {}),
): AzureMonitorOpenTelemetryOptions {
  const entra = entraAuthentication(settings.authentication);
  return {
    azureMonitorExporterOptions: {
      connectionString: settings.connectionString,
      // The component has local auth disabled: key-only ingestion would be refused.
      ...(entra ? { credential: credential(entra.clientId) } : {}),
    },
    // Every trace: Gantry's volume is low and a rollback's trace must not be sampled away. The default
    // rate-limited sampler (5/s) also drops the first spans after start-up, all a cold instance may run.
    samplingRatio: 1,
    tracesPerSecond: 0,
    enableLiveMetrics: false,
    spanProcessors: [new RedactingSpanProcessor(redactor)],
    instrumentationOptions: {
      // Logs go through the invocation context to the Functions host, which ships them already. 1.18
      // (the last release supporting Node 20) has no console instrumentation; later releases capture
      // console output unless told not to, so the setting stays (spread: 1.18's type does not name it).
      ...CONSOLE_OFF,
      http: { enabled: true },
      azureSdk: { enabled: true },
      bunyan: { enabled: false },
      winston: { enabled: false },
      mongoDb: { enabled: false },
      mySql: { enabled: false },
      postgreSql: { enabled: false },
      redis: { enabled: false },
      redis4: { enabled: false },
    },
  };
}

const STARTED = Symbol.for('gantry.azure-monitor.started');

export interface StartOptions {
  /** Loads the distro; tests hand in a fake. Loaded lazily so processes without telemetry never pay for it. */
  load?: () => Promise<UseAzureMonitor>;
  credential?: (clientId?: string) => TokenCredential;
  /** Where the once-per-process promise is kept (default: a global symbol). */
  guard?: Record<symbol, unknown>;
}

/**
 * The CommonJS build, like the rest of the app: `import()` would load the ESM build and with it a second
 * copy of the OpenTelemetry SDK beside the CommonJS instrumentations it patches.
 */
const loadDistro = async (): Promise<UseAzureMonitor> =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('@azure/monitor-opentelemetry') as typeof import('@azure/monitor-opentelemetry')).useAzureMonitor;

/**
 * Starts Azure Monitor once per process when a connection string is set, and returns Telemetry over
 * the providers it registered; without one, nothing is loaded or registered and Telemetry is a no-op.
 */
export function startAzureMonitor(
  settings: TelemetrySettings,
  redactor: Redactor,
  options: StartOptions = {},
): Promise<Telemetry> {
  for (const secret of settings.secretValues) redactor.remember(secret);
  if (!settings.connectionString) return Promise.resolve(new NoopTelemetry());
  const guard = options.guard ?? (globalThis as Record<symbol, unknown>);
  const started = guard[STARTED] as Promise<Telemetry> | undefined;
  if (started) return started;
  const starting = (async (): Promise<Telemetry> => {
    const useAzureMonitor = await (options.load ?? loadDistro)();
    useAzureMonitor(azureMonitorOptions(settings, redactor, options.credential));
    return new OpenTelemetryTelemetry({ redactor });
  })();
  guard[STARTED] = starting;
  return starting;
}
