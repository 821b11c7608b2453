import { parseDuration } from '../domain/duration.js';

/**
 * Defaults of the pipeline configuration that the running app reads when it applies a plan. Kept apart
 * from the schema modules so that loading a function file does not load zod and
 * build the configuration schemas: only reading the configuration file needs those.
 */

/** How long a ring soaks before the next one starts, when its `soak` is not set. */
export const DEFAULT_SOAK = parseDuration('30m');

/** A service's `alertRouting` when absent: its Deployment's namespace and name (or its canary's). */
export const ALERT_ROUTING_DEFAULT = {
  labels: { namespace: ['{{ namespace }}'], deployment: ['{{ deployment }}', '{{ canary }}'] },
  rollbackWindow: parseDuration('60m'),
};
