import type { DeploymentRecord, DeploymentState } from './deployment.js';

/** Who or what stopped a digest: the pipeline's own checks, or a person (abort, service rollback). */
export type RollbackCause = 'automatic' | 'person';

/** Who lifted a quarantine or hold, when and why (the audit shown on the service board). */
export interface Lift {
  by: string;
  reason: string;
  at: string;
}

/**
 * A digest a service must not deploy again: it was rolled back. Stored per (service, digest); a lift
 * keeps the row (with `lifted`) as the audit, and a later rollback of the same digest replaces it.
 */
export interface QuarantineRecord {
  service: string;
  digest: string;
  /** The run that was rolled back (the link given with every refusal). */
  deploymentId: string;
  reason: string;
  cause: RollbackCause;
  /** The person who rolled it back, for `cause: person`. */
  actor?: string;
  at: string;
  lifted?: Lift;
  /** Pushes and retries refused since the quarantine began (one counter, not one row each). */
  refusals?: { count: number; lastAt: string; lastSource: string };
}

/** A service lane holding new pushes after an automatic rollback, until an Operator lifts it. */
export interface HoldRecord {
  service: string;
  environment: 'staging' | 'production';
  /** The run whose automatic rollback set the hold. */
  deploymentId: string;
  reason: string;
  at: string;
  lifted?: Lift;
}

export const isActive = (r: { lifted?: Lift } | undefined): boolean => r !== undefined && !r.lifted;

/**
 * Why a run was rolled back: an `abort` a person sent makes it theirs; anything else (analysis,
 * verification, a failure after traffic reached the canary) is the pipeline's own decision.
 */
export function rollbackCause(record: Pick<DeploymentRecord, 'interrupts'>): {
  cause: RollbackCause;
  actor?: string;
} {
  const abort = record.interrupts?.find((i) => i.kind === 'abort');
  return abort ? { cause: 'person', actor: abort.actor } : { cause: 'automatic' };
}

/** The environment a rolled back run was stopped in: traffic phases run in production. */
export function rollbackEnvironment(from: DeploymentState): 'staging' | 'production' {
  return from === 'Canary' || from === 'Promoting' || from === 'Verifying' ? 'production' : 'staging';
}

/** Hold settings per environment (configuration `holds`): production on, staging off by default. */
export interface HoldPolicy {
  staging: boolean;
  production: boolean;
}
export const DEFAULT_HOLDS: HoldPolicy = { staging: false, production: true };

/** Whether a run's end holds its lane: only an automatic rollback, where the policy says so. */
export function holdAfter(
  to: DeploymentState,
  cause: RollbackCause,
  environment: 'staging' | 'production',
  policy: HoldPolicy = DEFAULT_HOLDS,
): boolean {
  return to === 'RolledBack' && cause === 'automatic' && policy[environment];
}

/** The refusal of a push or retry of a quarantined digest (undefined: not quarantined, or lifted). */
export function quarantineRefusal(
  q: QuarantineRecord | undefined,
): { code: 'digest-quarantined'; message: string; details: Record<string, unknown> } | undefined {
  if (!q || !isActive(q)) return undefined;
  return {
    code: 'digest-quarantined',
    message:
      `${q.digest} is quarantined for ${q.service}: run ${q.deploymentId} was rolled back (${q.reason}). ` +
      'An Operator can lift the quarantine with a reason.',
    details: {
      service: q.service,
      digest: q.digest,
      deploymentId: q.deploymentId,
      reason: q.reason,
      quarantinedAt: q.at,
      run: `/api/deployments/${encodeURIComponent(q.deploymentId)}`,
      lift: `/api/services/${encodeURIComponent(q.service)}/quarantine/${encodeURIComponent(q.digest)}/lift`,
    },
  };
}

/** The quarantine row after one more refusal (the row stays one row whatever the number of attempts). */
export function countRefusal(q: QuarantineRecord, at: string, source: string): QuarantineRecord {
  return { ...q, refusals: { count: (q.refusals?.count ?? 0) + 1, lastAt: at, lastSource: source } };
}
