/** Attribute values OpenTelemetry accepts; `undefined` entries are dropped. */
export type TelemetryValue = string | number | boolean | readonly string[];
export type TelemetryAttributes = Readonly<Record<string, TelemetryValue | undefined>>;

/** Gantry's metric instruments (their units and descriptions live with the adapter). */
export type CounterName =
  | 'gantry.deployment.outcomes'
  | 'gantry.rollbacks'
  | 'gantry.canary.verdicts'
  | 'gantry.secrets.refresh_failures';
export type HistogramName = 'gantry.stage.duration';

export type Measurement =
  | { instrument: CounterName; value: number; attributes: TelemetryAttributes }
  | { instrument: HistogramName; value: number; attributes: TelemetryAttributes };

/** The span a `Telemetry.span` callback runs in. */
export interface ActiveSpan {
  setAttributes(attributes: TelemetryAttributes): void;
}

export interface SpanOptions {
  attributes: TelemetryAttributes;
  /** W3C `traceparent` of the caller (the Functions host's invocation), so spans join its trace. */
  parent?: string;
}

/**
 * Traces and metrics (OpenTelemetry in Azure, a no-op elsewhere). Implementations redact attribute
 * values and error messages that look like secrets, and never throw from `measure`.
 */
export interface Telemetry {
  /**
   * Runs `fn` inside a span that ends when it settles. A throw marks the span failed with the error's
   * stable `code` and a redacted message, and is rethrown unchanged.
   */
  span<T>(name: string, options: SpanOptions, fn: (span: ActiveSpan) => Promise<T>): Promise<T>;
  measure(measurement: Measurement): void;
}
