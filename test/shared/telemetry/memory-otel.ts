import type { Attributes } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { OpenTelemetryTelemetry } from '../../../shared/adapters/telemetry.js';
import { Redactor } from '../../../shared/telemetry/redact.js';

export interface Point {
  attributes: Attributes;
  /** Counter sum, or histogram sum. */
  value: number;
  count?: number;
  boundaries?: number[];
  unit: string;
}

/**
 * The OpenTelemetry SDK with in-memory exporters (they ship with @azure/monitor-opentelemetry), for
 * tests only: spans as they would be exported, and metrics read on demand.
 */
export class MemoryOtel {
  readonly spanExporter = new InMemorySpanExporter();
  readonly metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  // Exports only when flushed: the interval is an hour and the timer does not keep the process alive.
  readonly reader = new PeriodicExportingMetricReader({
    exporter: this.metricExporter,
    exportIntervalMillis: 3_600_000,
  });
  readonly tracerProvider: BasicTracerProvider;
  readonly meterProvider = new MeterProvider({ readers: [this.reader] });

  constructor(extraProcessors: SpanProcessor[] = []) {
    this.tracerProvider = new BasicTracerProvider({
      spanProcessors: [...extraProcessors, new SimpleSpanProcessor(this.spanExporter)],
    });
  }

  telemetry(redactor = new Redactor()): OpenTelemetryTelemetry {
    return new OpenTelemetryTelemetry({
      tracerProvider: this.tracerProvider,
      meterProvider: this.meterProvider,
      redactor,
    });
  }

  spans(name?: string): ReadableSpan[] {
    return this.spanExporter.getFinishedSpans().filter((s) => name === undefined || s.name === name);
  }

  /** Every data point of one instrument, as exported now. */
  async points(instrument: string): Promise<Point[]> {
    await this.reader.forceFlush();
    const latest = this.metricExporter.getMetrics().at(-1);
    const metrics = latest?.scopeMetrics.flatMap((s) => s.metrics) ?? [];
    return metrics
      .filter((m) => m.descriptor.name === instrument)
      .flatMap((m) =>
        m.dataPoints.map((p): Point => {
          const unit = m.descriptor.unit;
          if (m.dataPointType === DataPointType.HISTOGRAM) {
            const h = p.value as { sum?: number; count: number; buckets: { boundaries: number[] } };
            return {
              attributes: p.attributes,
              value: h.sum ?? 0,
              count: h.count,
              boundaries: h.buckets.boundaries,
              unit,
            };
          }
          return { attributes: p.attributes, value: p.value as number, unit };
        }),
      );
  }

  async shutdown(): Promise<void> {
    await this.tracerProvider.shutdown();
    await this.meterProvider.shutdown();
  }
}
