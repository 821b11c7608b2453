import type { RecordInput } from '../contracts/activities.js';
import type { DeploymentRecord } from '../domain/deployment.js';
import type { Ports } from '../ports/index.js';
import type { Measurement, Telemetry, TelemetryAttributes } from '../ports/telemetry.js';
import type { Redactor } from './redact.js';
import { analysisEntries } from '../analysis/entries.js';
import type { CheckEvidence } from '../analysis/judge.js';
import type { Activities } from '../contracts/activities.js';
import type { InputOf } from '../contracts/contract.js';
import { activityAttributes, ATTR, recordMeasurements, supersededMeasurements } from './signals.js';

/** The part of the Functions `InvocationContext` an activity wrapper uses (tests pass a real one). */
export interface ActivityInvocation {
  invocationId: string;
  triggerMetadata?: Record<string, unknown>;
  traceContext?: { traceParent?: string | null };
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
}

export type ActivityHandler = (ports: Ports, input: unknown) => Promise<unknown>;

export interface InstrumentDeps {
  ports: () => Promise<Ports>;
  telemetry: () => Promise<Telemetry>;
  redactor: Redactor;
}

/**
 * One structured log line: the message, then the attributes as JSON (redacted), so App Insights
 * `traces` can be filtered on `gantry.deployment.id` without a custom-dimensions API.
 */
export function logLine(message: string, attributes: TelemetryAttributes, redactor: Redactor): string {
  return `${redactor.text(message)} ${JSON.stringify(redactor.attributes(attributes))}`;
}

/** The metrics an activity's result stands for; only `record` needs I/O (the timeline, for durations). */
async function measurementsFor(
  name: string,
  input: unknown,
  output: unknown,
  ports: Ports,
): Promise<Measurement[]> {
  if (name === 'takeNext') {
    const { service } = input as { service: string };
    return supersededMeasurements(service, (output as { superseded?: string[] }).superseded ?? []);
  }
  if (name === 'analyse') {
    // A round writes its own timeline entries: count their verdicts as `record` would.
    const a = input as InputOf<typeof Activities.analyse>;
    if (!a.record || !Array.isArray(output)) return [];
    const [entry, ...more] = analysisEntries(
      output as CheckEvidence[],
      a.mode ?? 'interval',
      a.record.weight,
    ).map((e) => ({ ...e, seq: 0, at: a.record?.at ?? '' }));
    return entry
      ? recordMeasurements({ deploymentId: a.record.deploymentId, service: a.record.service, entry, more })
      : [];
  }
  if (name !== 'record') return [];
  const record = input as RecordInput;
  const timeline = record.transition ? await ports.store.listEvents(record.deploymentId) : [];
  return recordMeasurements(record, timeline, (output as DeploymentRecord | undefined)?.createdAt);
}

function servicesOf(ports: Ports): string[] {
  try {
    return ports.config.services();
  } catch {
    return [];
  }
}

/**
 * Wraps an activity handler at the dispatch level: a span per invocation with the deployment, service,
 * activity and outcome, the metrics its result stands for, and a structured log line through the
 * invocation context. Telemetry failures are logged and never fail the activity; the handler's own
 * errors are rethrown unchanged (a throw means "retry this").
 */
export function instrumentActivity(name: string, handler: ActivityHandler, deps: InstrumentDeps) {
  return async (input: unknown, context: ActivityInvocation): Promise<unknown> => {
    const telemetry = await deps.telemetry();
    const meta = context.triggerMetadata?.instanceId;
    const instanceId = typeof meta === 'string' ? meta : undefined;
    let attributes: TelemetryAttributes = {
      ...activityAttributes(name, input, instanceId),
      'faas.invocation_id': context.invocationId,
    };
    const parent = context.traceContext?.traceParent ?? undefined;
    try {
      const output = await telemetry.span(`activity ${name}`, { attributes, parent }, async (span) => {
        const ports = await deps.ports();
        attributes = { ...attributes, ...activityAttributes(name, input, instanceId, servicesOf(ports)) };
        span.setAttributes(attributes);
        const result = await handler(ports, input);
        try {
          for (const m of await measurementsFor(name, input, result, ports)) telemetry.measure(m);
        } catch (error) {
          const { code, message } = deps.redactor.error(error);
          const failure = { ...attributes, [ATTR.errorCode]: code, 'exception.message': message };
          context.warn(logLine('telemetry: metrics not recorded', failure, deps.redactor));
        }
        return result;
      });
      context.info(
        logLine(`activity ${name} completed`, { ...attributes, [ATTR.outcome]: 'success' }, deps.redactor),
      );
      return output;
    } catch (error) {
      // A throw means "retry this": log what failed (never the input, it may hold evidence) and rethrow.
      const { code, message } = deps.redactor.error(error);
      const failure = {
        ...attributes,
        [ATTR.outcome]: 'error',
        [ATTR.errorCode]: code,
        'exception.message': message,
      };
      context.warn(logLine(`activity ${name} failed`, failure, deps.redactor));
      throw error;
    }
  };
}
