import type { z } from 'zod';
import { lazySchema, zod } from '../zod.js';
import { AlertPayloadError, isoTime, issueLines, type InboundAlert } from './alert.js';

/**
 * Prometheus Alertmanager's webhook payload, version 4 (notify/webhook/webhook.go `Message`: the
 * template's `Data` plus `version`, `groupKey` and `truncatedAlerts`). Unknown fields are allowed, as a
 * newer Alertmanager may add some; the ones Gantry reads are checked.
 */
const text = (max: number) => zod().string().max(max);
export const alertmanagerPayload = lazySchema((z) => {
  const kv = z.record(text(256), text(4096)).refine((m) => Object.keys(m).length <= 64, 'at most 64 entries');
  const time = text(64).refine((t) => isoTime(t) !== undefined, 'must be an RFC 3339 time');

  const alert = z.looseObject({
    status: z.enum(['firing', 'resolved']),
    labels: kv,
    annotations: kv.default({}),
    startsAt: time,
    endsAt: text(64).optional(),
    generatorURL: text(2048).optional(),
    // `%016x` of the label set's hash; accepted up to 64 hex digits.
    fingerprint: z.string().regex(/^[0-9a-f]{1,64}$/, 'must be the alert fingerprint (hex)'),
  });

  return z.looseObject({
    version: z.literal('4', { error: 'must be "4" (Alertmanager webhook payload version 4)' }),
    groupKey: text(4096),
    truncatedAlerts: z.number().int().min(0).default(0),
    status: z.enum(['firing', 'resolved']),
    receiver: text(256),
    groupLabels: kv.default({}),
    commonLabels: kv.default({}),
    commonAnnotations: kv.default({}),
    externalURL: text(2048).default(''),
    alerts: z.array(alert).min(1, 'must hold at least one alert').max(100, 'at most 100 alerts'),
  });
});

export type AlertmanagerPayload = z.output<ReturnType<typeof alertmanagerPayload>>;

/** The payload's alerts, or `AlertPayloadError` naming every problem. */
export function readAlertmanager(body: unknown): { payload: AlertmanagerPayload; alerts: InboundAlert[] } {
  const parsed = alertmanagerPayload().safeParse(body);
  if (!parsed.success) throw new AlertPayloadError(issueLines(parsed.error.issues));
  const payload = parsed.data;
  const alerts = payload.alerts.map((a): InboundAlert => ({
    source: 'alertmanager',
    id: a.fingerprint,
    name: a.labels.alertname ?? '(unnamed)',
    status: a.status,
    labels: a.labels,
    annotations: a.annotations,
    startsAt: isoTime(a.startsAt) as string,
    ...(a.generatorURL && { link: a.generatorURL }),
  }));
  return { payload, alerts };
}
