import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { lazySchema, zod } from '../zod.js';
import { AlertPayloadError, isoTime, issueLines, type InboundAlert } from './alert.js';

/**
 * The Azure Monitor common alert schema, as an action group's webhook posts it: `essentials` (alert id,
 * rule, `monitorCondition` Fired/Resolved, `firedDateTime`, `configurationItems`) and an `alertContext`
 * whose shape depends on the signal: metric and log search alerts carry `condition.allOf[].dimensions`
 * (`{name, value}` pairs), Prometheus rule groups carry `labels` and `annotations`.
 */
const text = (max: number) => zod().string().max(max);
export const azureMonitorPayload = lazySchema((z) => {
  const time = text(64).refine((t) => isoTime(t) !== undefined, 'must be an ISO 8601 time');
  const dimension = z.looseObject({ name: text(256), value: text(1024) });

  const alertContext = z
    .looseObject({
      condition: z
        .looseObject({
          allOf: z.array(z.looseObject({ dimensions: z.array(dimension).max(64).optional() })).max(20),
        })
        .partial()
        .nullish(),
      labels: z.record(text(256), text(4096)).nullish(),
      annotations: z.record(text(256), text(4096)).nullish(),
    })
    .nullish();

  const essentials = z.looseObject({
    alertId: text(1024).min(1),
    alertRule: text(512),
    severity: text(16).optional(),
    signalType: text(64).optional(),
    monitorCondition: z.enum(['Fired', 'Resolved']),
    monitoringService: text(128).optional(),
    alertTargetIDs: z.array(text(2048)).max(50).nullish(),
    configurationItems: z.array(text(1024)).max(50).nullish(),
    firedDateTime: time,
    resolvedDateTime: time.nullish(),
    description: text(4096).nullish(),
  });

  return z.looseObject({
    schemaId: z.literal('azureMonitorCommonAlertSchema', {
      error: 'must be "azureMonitorCommonAlertSchema" (enable the common alert schema on the action)',
    }),
    data: z.looseObject({
      essentials,
      alertContext,
      customProperties: z.record(text(256), text(4096)).nullish(),
    }),
  });
});

type Context = z.output<ReturnType<typeof azureMonitorPayload>>['data']['alertContext'];

/** Dimensions of every condition, then Prometheus-rule labels (which win, being the more specific). */
function dimensionsOf(context: Context): Record<string, string> {
  const out: Record<string, string> = {};
  for (const condition of context?.condition?.allOf ?? [])
    for (const d of condition.dimensions ?? []) out[d.name] = d.value;
  return { ...out, ...(context?.labels ?? {}) };
}

/** The alert of the payload (one per notification), or `AlertPayloadError` naming every problem. */
export function readAzureMonitor(body: unknown): InboundAlert[] {
  const parsed = azureMonitorPayload().safeParse(body);
  if (!parsed.success) throw new AlertPayloadError(issueLines(parsed.error.issues));
  const { essentials: e, alertContext: context, customProperties } = parsed.data.data;
  const labels = dimensionsOf(context);
  if (e.configurationItems?.[0] !== undefined) labels.configurationItem ??= e.configurationItems[0];
  labels.alertRule ??= e.alertRule;
  if (e.severity) labels.severity ??= e.severity;
  return [
    {
      source: 'azure-monitor',
      // The alert id is an ARM path; its hash is a fixed-size key for the repeat record.
      id: createHash('sha256').update(e.alertId).digest('hex').slice(0, 32),
      name: e.alertRule,
      status: e.monitorCondition === 'Fired' ? 'firing' : 'resolved',
      labels,
      annotations: {
        ...(context?.annotations ?? {}),
        ...(customProperties ?? {}),
        ...(e.description ? { description: e.description } : {}),
      },
      startsAt: isoTime(e.firedDateTime) as string,
    },
  ];
}
