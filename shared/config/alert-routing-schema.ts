import { z } from 'zod';
import { positiveDuration } from './fields.js';

/**
 * `alertRouting` of a service: which inbound alerts (Alertmanager labels, Azure Monitor dimensions) are
 * about it, and how long after a release an alert still rolls it back. Values may use `{{ namespace }}`,
 * `{{ deployment }}`, `{{ canary }}` and `{{ service }}`; a list means any of its values.
 */

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]{0,127}$/;
/** Azure Monitor dimension names are free text (`Kubernetes namespace`, `controllerName`). */
const DIMENSION_NAME = /^[A-Za-z0-9_][A-Za-z0-9_ ./-]{0,127}$/;

const value = z.string().min(1).max(256);
const matcherMap = (name: RegExp, what: string) =>
  z
    .record(z.string(), z.union([value, z.array(value).min(1).max(10)]))
    .superRefine((m, ctx) => {
      if (Object.keys(m).length === 0)
        ctx.addIssue({ code: 'custom', message: 'needs at least one matcher' });
      for (const key of Object.keys(m))
        if (!name.test(key)) ctx.addIssue({ code: 'custom', path: [key], message: `must be ${what}` });
    })
    .transform((m) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Array.isArray(v) ? v : [v]])));

export const alertRouting = z.strictObject({
  labels: matcherMap(LABEL_NAME, 'a Prometheus label name').optional(),
  /** Azure Monitor dimensions (or Prometheus-rule labels); absent: the same as `labels`. */
  dimensions: matcherMap(DIMENSION_NAME, 'an Azure Monitor dimension name').optional(),
  rollbackWindow: positiveDuration.optional(),
});
