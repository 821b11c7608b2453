import type { ActiveSpan, SpanOptions, Telemetry } from '../ports/telemetry.js';

/**
 * Telemetry that records nothing: what activities get when no connection string is set. Apart from the
 * OpenTelemetry adapter so that such an app never loads `@opentelemetry/api` (44 files at start).
 */
export class NoopTelemetry implements Telemetry {
  span<T>(_name: string, _options: SpanOptions, fn: (span: ActiveSpan) => Promise<T>): Promise<T> {
    return fn({ setAttributes: () => {} });
  }

  measure(): void {}
}
