import type { AccessToken, TokenCredential } from '@azure/identity';
import type { AzureMonitorOpenTelemetryOptions } from '@azure/monitor-opentelemetry';
import { SpanStatusCode } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import {
  azureMonitorOptions,
  entraAuthentication,
  RedactingSpanProcessor,
  startAzureMonitor,
  type UseAzureMonitor,
} from '../../../shared/adapters/azure-monitor.js';
import { OpenTelemetryTelemetry } from '../../../shared/adapters/telemetry.js';
import { NoopTelemetry } from '../../../shared/telemetry/noop.js';
import type { TelemetrySettings } from '../../../shared/config.js';
import { Redactor, REDACTED } from '../../../shared/telemetry/redact.js';
import { MemoryOtel } from '../telemetry/memory-otel.js';

const CONNECTION = 'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://x/';
const CLIENT_ID = '11111111-2222-3333-4444-555555555555';

const fakeCredential = (clientId?: string): TokenCredential & { clientId?: string } => ({
  clientId,
  getToken: async (): Promise<AccessToken> => ({ token: 't', expiresOnTimestamp: 0 }),
});

describe('entraAuthentication', () => {
  it.each([
    [`Authorization=AAD;ClientId=${CLIENT_ID}`, { clientId: CLIENT_ID }],
    [`ClientId=${CLIENT_ID}; authorization=aad`, { clientId: CLIENT_ID }],
    ['Authorization=AAD', {}],
    [`ClientId=${CLIENT_ID}`, undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%j → %j', (value, expected) => {
    expect(entraAuthentication(value)).toEqual(expected);
  });
});

describe('azureMonitorOptions', () => {
  const settings = (authentication?: string): TelemetrySettings => ({
    connectionString: CONNECTION,
    authentication,
    secretValues: [],
  });

  it('exports with the managed identity named by the authentication string', () => {
    const options = azureMonitorOptions(
      settings(`Authorization=AAD;ClientId=${CLIENT_ID}`),
      new Redactor(),
      fakeCredential,
    );
    expect(options.azureMonitorExporterOptions?.connectionString).toBe(CONNECTION);
    expect((options.azureMonitorExporterOptions?.credential as { clientId?: string }).clientId).toBe(
      CLIENT_ID,
    );
  });

  it('uses the managed identity by default, and no credential without Entra auth', () => {
    const options = azureMonitorOptions(settings('Authorization=AAD'), new Redactor());
    expect(options.azureMonitorExporterOptions?.credential?.constructor.name).toBe(
      'ManagedIdentityCredential',
    );
    expect(azureMonitorOptions(settings(), new Redactor()).azureMonitorExporterOptions).not.toHaveProperty(
      'credential',
    );
  });

  it('redacts every exported span, keeps live metrics off and logs out of the distro', () => {
    const options = azureMonitorOptions(settings(), new Redactor());
    expect(options.spanProcessors?.[0]).toBeInstanceOf(RedactingSpanProcessor);
    expect(options.enableLiveMetrics).toBe(false);
    const instrumentations = options.instrumentationOptions as
      Record<string, { enabled?: boolean }> | undefined;
    expect(instrumentations?.console?.enabled).toBe(false);
    expect(options.instrumentationOptions?.http?.enabled).toBe(true);
    expect(options.instrumentationOptions?.azureSdk?.enabled).toBe(true);
  });

  it('samples every trace and turns off every instrumentation Gantry has no library for', () => {
    const options = azureMonitorOptions(settings(), new Redactor());
    expect(options.samplingRatio).toBe(1);
    expect(options.tracesPerSecond).toBe(0);
    // The whole set, so that a new key (or a default flipped on) is a deliberate change here.
    expect(options.instrumentationOptions).toEqual({
      console: { enabled: false },
      http: { enabled: true },
      azureSdk: { enabled: true },
      bunyan: { enabled: false },
      winston: { enabled: false },
      mongoDb: { enabled: false },
      mySql: { enabled: false },
      postgreSql: { enabled: false },
      redis: { enabled: false },
      redis4: { enabled: false },
    });
    expect(options.browserSdkLoaderOptions?.enabled ?? false).toBe(false);
  });
});

describe('startAzureMonitor', () => {
  function loader() {
    const calls: AzureMonitorOpenTelemetryOptions[] = [];
    let loads = 0;
    const load = async (): Promise<UseAzureMonitor> => {
      loads += 1;
      return (options) => calls.push(options);
    };
    return { calls, load, loads: () => loads };
  }

  it('loads and starts nothing without a connection string, but still learns the configured secrets', async () => {
    const fake = loader();
    const redactor = new Redactor();
    const telemetry = await startAzureMonitor({ secretValues: ['a-configured-secret'] }, redactor, {
      load: fake.load,
      guard: {},
    });
    expect(telemetry).toBeInstanceOf(NoopTelemetry);
    expect(fake.loads()).toBe(0);
    expect(redactor.secrets).toEqual(['a-configured-secret']);
  });

  it('starts the distro once per process however often it is called', async () => {
    const fake = loader();
    const guard = {};
    const settings = { connectionString: CONNECTION, secretValues: [] };
    const first = startAzureMonitor(settings, new Redactor(), { load: fake.load, guard });
    const second = startAzureMonitor(settings, new Redactor(), { load: fake.load, guard });
    expect(second).toBe(first);
    expect(await first).toBeInstanceOf(OpenTelemetryTelemetry);
    expect(fake.loads()).toBe(1);
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]?.azureMonitorExporterOptions?.connectionString).toBe(CONNECTION);
  });

  it('rejects when the distro cannot start (the composition root reports it and keeps the app up)', async () => {
    const load = async (): Promise<UseAzureMonitor> => () => {
      throw new Error('bad connection string');
    };
    await expect(
      startAzureMonitor({ connectionString: CONNECTION, secretValues: [] }, new Redactor(), {
        load,
        guard: {},
      }),
    ).rejects.toThrow('bad connection string');
  });
});

describe('RedactingSpanProcessor', () => {
  let otel: MemoryOtel;
  afterEach(async () => {
    await otel.shutdown();
  });

  it('redacts spans it did not create (HTTP and Azure SDK instrumentation) before they are exported', async () => {
    const secret = 'github-token-configured-value';
    otel = new MemoryOtel([new RedactingSpanProcessor(new Redactor([secret]))]);
    // What an instrumentation library does with a raw tracer: no Gantry code in between.
    const span = otel.tracerProvider.getTracer('@opentelemetry/instrumentation-http').startSpan('GET');
    span.setAttributes({
      'url.full': 'https://st.blob.core.windows.net/c/b?sv=1&sig=abc%2Bdef',
      'http.request.header.authorization': ['Bearer abc.def.ghi'],
      'http.response.status_code': 401,
    });
    span.recordException(new Error(`401: bad credentials for ${secret}`));
    span.setStatus({ code: SpanStatusCode.ERROR, message: `token ${secret} rejected` });
    span.end();

    const [exported] = otel.spans('GET');
    expect(exported?.attributes).toEqual({
      'url.full': `https://st.blob.core.windows.net/c/b?sv=1&sig=${REDACTED}`,
      'http.request.header.authorization': REDACTED,
      'http.response.status_code': 401,
    });
    expect(exported?.events[0]?.attributes?.['exception.message']).toBe(
      `401: bad credentials for ${REDACTED}`,
    );
    expect(exported?.status.message).toBe(`token ${REDACTED} rejected`);
    expect(
      JSON.stringify({ a: exported?.attributes, e: exported?.events, s: exported?.status }),
    ).not.toContain(secret);
  });

  it('has nothing to flush or shut down', async () => {
    otel = new MemoryOtel();
    const processor = new RedactingSpanProcessor(new Redactor());
    processor.onStart();
    processor.onEnd();
    await expect(processor.forceFlush()).resolves.toBeUndefined();
    await expect(processor.shutdown()).resolves.toBeUndefined();
  });
});
