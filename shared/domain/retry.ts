import { TERMINAL_STATES, type DeploymentRecord, type DeploymentState } from './deployment.js';

/**
 * Retries: a finished run of an image is run again as a NEW deployment of the same digest, so the first
 * run's record and timeline stay as they were. Ids stay deterministic, which is what makes two racing
 * retries one run: the n-th retry of `<service>-<12 hex>` is `<service>-<12 hex>-r<n>`, whichever run of
 * the chain it retries, and the store creates an id once.
 */

/** `<service>-<12 hex>` or, for a retry, `<service>-<12 hex>-r<n>`. */
export const DEPLOYMENT_ID = /^[a-z0-9][a-z0-9-]{0,62}-[a-f0-9]{12}(?:-r[1-9][0-9]{0,3})?$/;

/** Retries of one image: enough for any honest use, small enough to keep ids short. */
export const MAX_RETRIES = 9999;

/** States a run can be retried from: it ran (or was stopped) and did not release the image. */
export const RETRYABLE_STATES: ReadonlySet<DeploymentState> = new Set(['Failed', 'Cancelled', 'RolledBack']);

const RETRY_SUFFIX = /-r([1-9][0-9]{0,3})$/;

/** Which retry an id is (0 for a push's own run). */
export function retryNumberOf(id: string): number {
  const m = RETRY_SUFFIX.exec(id);
  return m ? Number(m[1]) : 0;
}

/** The id of the push's own run, the first of its retry chain. */
export function firstRunIdOf(id: string): string {
  return id.replace(RETRY_SUFFIX, '');
}

/** The id the retry of `id` gets: the next number of the chain. */
export function retryIdFor(id: string): string {
  return `${firstRunIdOf(id)}-r${retryNumberOf(id) + 1}`;
}

/**
 * The run's row in its service's queue (keyed by digest): a push's own run uses the digest, a retry
 * `<digest>-r<n>`, so a retry is queued like a push and a repeated push still finds the first run's row.
 */
export function queueKeyOf(deployment: Pick<DeploymentRecord, 'id' | 'image'>): string {
  const n = retryNumberOf(deployment.id);
  return n === 0 ? deployment.image.digest : `${deployment.image.digest}-r${n}`;
}

export interface RetryRefusal {
  code:
    | 'deployment-not-finished'
    | 'deployment-succeeded'
    | 'not-retryable'
    | 'retry-exists'
    | 'too-many-retries';
  message: string;
  details?: Record<string, unknown>;
}

/**
 * Pure: why `target` cannot be retried now, or undefined when it can. `retry` is the run that already
 * retried it, if any (one retry per run, so the chain stays a line and the latest run is the one to retry).
 */
export function retryRefusal(
  target: Pick<DeploymentRecord, 'id' | 'state' | 'retriedBy'>,
  retry?: Pick<DeploymentRecord, 'id' | 'state'>,
  name = `Deployment ${target.id}`,
): RetryRefusal | undefined {
  const { id, state } = target;
  if (state === 'Succeeded')
    return { code: 'deployment-succeeded', message: `${name} succeeded; there is nothing to retry.` };
  if (!RETRYABLE_STATES.has(state)) {
    if (state === 'Superseded')
      return {
        code: 'not-retryable',
        message: `${name} was superseded by a newer image; deploy that one, or roll back.`,
      };
    return {
      code: 'deployment-not-finished',
      message: `${name} is ${state}; only a failed, cancelled or rolled back run can be retried.`,
    };
  }
  if (target.retriedBy !== undefined) {
    const running = retry !== undefined && !TERMINAL_STATES.has(retry.state);
    const stateText = retry ? ` (${retry.state})` : '';
    return {
      code: 'retry-exists',
      message: running
        ? `${name} is already being retried by ${target.retriedBy}${stateText}.`
        : `${name} was already retried by ${target.retriedBy}${stateText}; retry that run instead.`,
      details: { retriedBy: target.retriedBy, ...(retry && { retryState: retry.state }) },
    };
  }
  if (retryNumberOf(id) >= MAX_RETRIES)
    return { code: 'too-many-retries', message: `${name} is the last retry allowed (${MAX_RETRIES}).` };
  return undefined;
}
