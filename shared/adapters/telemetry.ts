import type {
  Attributes,
  Context,
  Counter,
  Histogram,
  Meter,
  MeterProvider,
  Span,
  Tracer,
  TracerProvider,
} from '@opentelemetry/api';
import type {
  ActiveSpan,
  CounterName,
  HistogramName,
  Measurement,
  SpanOptions,
  Telemetry,
  TelemetryAttributes,
} from '../ports/telemetry.js';
import { Redactor } from '../telemetry/redact.js';

const SCOPE = 'gantry';

type OtelApi = typeof import('@opentelemetry/api');
let api: OtelApi | undefined;
/**
 * The OpenTelemetry API, required on first use: this module loads with the app (the composition root
 * starts telemetry through azure-monitor.ts), and an app without a connection string never needs the
 * API's 44 files (issue 19, cold start).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const otel = (): OtelApi => (api ??= require('@opentelemetry/api') as OtelApi);

interface InstrumentSpec {
  description: string;
  unit: string;
}

export const COUNTERS: Record<CounterName, InstrumentSpec> = {
  'gantry.deployment.outcomes': {
    description: 'Deployments that reached a terminal state',
    unit: '{deployment}',
  },
  'gantry.rollbacks': {
    description: 'Deployments rolled back, by the stage they were in',
    unit: '{rollback}',
  },
  'gantry.canary.verdicts': { description: 'Canary metric check verdicts', unit: '{check}' },
  'gantry.secrets.refresh_failures': {
    description: 'Key Vault refreshes that failed while the last good value was still served',
    unit: '{failure}',
  },
};

export const HISTOGRAMS: Record<HistogramName, InstrumentSpec & { boundaries: number[] }> = {
  'gantry.stage.duration': {
    description: 'Time a deployment spent in a stage',
    unit: 's',
    // Stages last from seconds (gates) to a day (approvals): the default buckets stop at 10 000.
    boundaries: [1, 5, 15, 30, 60, 120, 300, 600, 1_800, 3_600, 7_200, 14_400, 43_200, 86_400, 172_800],
  },
};

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** Pure: the remote parent a W3C `traceparent` names, or undefined when it is absent or invalid. */
export function parseTraceparent(
  value: string | undefined | null,
): { traceId: string; spanId: string; sampled: boolean } | undefined {
  const m = TRACEPARENT.exec(value?.trim().toLowerCase() ?? '');
  if (!m || m[1] === 'ff') return undefined;
  const [, , traceId = '', spanId = '', flags = '00'] = m;
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  return { traceId, spanId, sampled: (parseInt(flags, 16) & 1) === 1 };
}

function parentContext(traceparent: string | undefined): Context {
  const parsed = parseTraceparent(traceparent);
  const { context, trace, TraceFlags } = otel();
  const active = context.active();
  if (!parsed) return active;
  return trace.setSpanContext(active, {
    traceId: parsed.traceId,
    spanId: parsed.spanId,
    traceFlags: parsed.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: true,
  });
}

export interface OpenTelemetryOptions {
  /** Defaults to the global providers (registered by `useAzureMonitor`). */
  tracerProvider?: TracerProvider;
  meterProvider?: MeterProvider;
  redactor?: Redactor;
}

/** The Telemetry port over the OpenTelemetry API; every attribute and message is redacted first. */
export class OpenTelemetryTelemetry implements Telemetry {
  private readonly tracer: Tracer;
  private readonly meter: Meter;
  private readonly redactor: Redactor;
  private readonly counters = new Map<CounterName, Counter>();
  private readonly histograms = new Map<HistogramName, Histogram>();

  constructor(options: OpenTelemetryOptions = {}) {
    this.tracer = (options.tracerProvider ?? otel().trace.getTracerProvider()).getTracer(SCOPE);
    this.meter = (options.meterProvider ?? otel().metrics.getMeterProvider()).getMeter(SCOPE);
    this.redactor = options.redactor ?? new Redactor();
  }

  span<T>(name: string, options: SpanOptions, fn: (span: ActiveSpan) => Promise<T>): Promise<T> {
    const attributes = this.clean(options.attributes);
    return this.tracer.startActiveSpan(
      name,
      { kind: otel().SpanKind.INTERNAL, attributes },
      parentContext(options.parent),
      async (span) => {
        const handle: ActiveSpan = { setAttributes: (a) => span.setAttributes(this.clean(a)) };
        try {
          const result = await fn(handle);
          span.setAttribute('gantry.outcome', 'success');
          return result;
        } catch (error) {
          this.fail(span, error);
          throw error;
        } finally {
          span.end();
        }
      },
    );
  }

  measure(measurement: Measurement): void {
    if (!Number.isFinite(measurement.value)) return;
    const attributes = this.clean(measurement.attributes);
    if (measurement.instrument === 'gantry.stage.duration') {
      this.histogram(measurement.instrument).record(measurement.value, attributes);
    } else {
      this.counter(measurement.instrument).add(measurement.value, attributes);
    }
  }

  /** Records the failure the OpenTelemetry way (status, `error.type`, an exception event), redacted. */
  private fail(span: Span, error: unknown): void {
    const summary = this.redactor.error(error);
    span.setAttributes({
      'gantry.outcome': 'error',
      'gantry.error.code': summary.code,
      'error.type': summary.code,
    });
    // Not span.recordException(error): it copies the raw message and stack, which may hold a secret.
    span.addEvent('exception', {
      'exception.type': summary.type,
      'exception.message': summary.message,
    });
    span.setStatus({ code: otel().SpanStatusCode.ERROR, message: `${summary.code}: ${summary.message}` });
  }

  private clean(attributes: TelemetryAttributes): Attributes {
    return this.redactor.attributes(attributes) as Attributes;
  }

  private counter(name: CounterName): Counter {
    let counter = this.counters.get(name);
    if (!counter) {
      counter = this.meter.createCounter(name, COUNTERS[name]);
      this.counters.set(name, counter);
    }
    return counter;
  }

  private histogram(name: HistogramName): Histogram {
    let histogram = this.histograms.get(name);
    if (!histogram) {
      const { boundaries, ...spec } = HISTOGRAMS[name];
      histogram = this.meter.createHistogram(name, {
        ...spec,
        advice: { explicitBucketBoundaries: boundaries },
      });
      this.histograms.set(name, histogram);
    }
    return histogram;
  }
}
