import type { DeploymentState } from '../domain/deployment.js';

/**
 * What one inbound alert does, from where its service is. Pure: the caller gathers the situation
 * (shared/app/alerts.ts) and carries the decision out.
 */

export interface AlertFacts {
  status: 'firing' | 'resolved';
  /** ISO 8601. */
  startsAt: string;
  /** An alert with this id and start was already handled (Alertmanager re-sends every repeat_interval). */
  repeat: boolean;
  /** Its labels name the canary Deployment: it says nothing about production's release. */
  aboutCanary?: boolean;
}

export interface ServiceSituation {
  /** The deployment in flight for the service, if any. */
  active?: { deploymentId: string; state: DeploymentState };
  /** The current production release (newest release record). */
  release?: { deploymentId: string; releasedAt: string; via?: 'rollback' };
  /** How long after a release an alert still rolls it back, in ms. */
  rollbackWindow: number;
}

export type AlertOutcome = 'aborted' | 'rolled-back' | 'notified' | 'ignored' | 'refused';

export type AlertDecision =
  /** Stop the run through the stored abort interrupt: a canary stops, later phases roll production back. */
  | { action: 'abort'; outcome: 'aborted' | 'rolled-back'; deploymentId: string; reason: string }
  /** Roll production back to the last known good release, as `POST /api/services/{name}/rollback` does. */
  | { action: 'rollback'; outcome: 'rolled-back'; deploymentId: string; reason: string }
  | { action: 'none'; outcome: 'notified' | 'ignored' | 'refused'; deploymentId?: string; reason: string };

/** Where traffic already reaches the new image: stopping the run takes production back. */
const ROLLS_BACK: ReadonlySet<DeploymentState> = new Set(['Promoting', 'Verifying']);

const none = (
  outcome: 'notified' | 'ignored' | 'refused',
  reason: string,
  deploymentId?: string,
): AlertDecision => ({ action: 'none', outcome, reason, ...(deploymentId && { deploymentId }) });

const minutes = (ms: number): string => `${Math.round(ms / 60_000)} min`;

export function decideAlert(alert: AlertFacts, s: ServiceSituation, now: number): AlertDecision {
  const where = s.active?.deploymentId ?? s.release?.deploymentId;
  if (alert.status === 'resolved')
    return none('ignored', 'resolved: a resolved alert changes nothing', where);
  if (alert.repeat) return none('ignored', 'repeat: this alert was already handled', where);
  const started = Date.parse(alert.startsAt);
  if (now - started > s.rollbackWindow)
    return none(
      'ignored',
      `too old: firing since ${alert.startsAt}, longer than ${minutes(s.rollbackWindow)}`,
      where,
    );
  const active = s.active;
  if (alert.aboutCanary && active?.state !== 'Canary')
    return none('ignored', 'canary alert: no canary is running (it was already stopped or promoted)', where);
  if (active?.state === 'Canary')
    return {
      action: 'abort',
      outcome: 'aborted',
      deploymentId: active.deploymentId,
      reason: 'canary running: aborted now',
    };
  if (active && ROLLS_BACK.has(active.state))
    return {
      action: 'abort',
      outcome: 'rolled-back',
      deploymentId: active.deploymentId,
      reason: `${active.state === 'Verifying' ? 'verification' : 'promotion'} running: rolled back`,
    };
  if (active)
    return none(
      'notified',
      `pipeline in ${active.state}: production is not yet touched by it; notify only`,
      where,
    );
  const release = s.release;
  if (!release) return none('notified', 'no production release recorded; notify only');
  const releasedAt = Date.parse(release.releasedAt);
  if (now - releasedAt > s.rollbackWindow)
    return none('notified', `released more than ${minutes(s.rollbackWindow)} ago; notify only`, where);
  if (started < releasedAt)
    return none(
      'ignored',
      `before release: started ${alert.startsAt}, released ${release.releasedAt}`,
      where,
    );
  if (release.via === 'rollback')
    return none('refused', 'the current release is a rollback: a rollback is never rolled back', where);
  return {
    action: 'rollback',
    outcome: 'rolled-back',
    deploymentId: release.deploymentId,
    reason: `within ${minutes(s.rollbackWindow)} of the release: rolled back to the last known good release`,
  };
}
