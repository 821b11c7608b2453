import { createHash } from 'node:crypto';
import type { InboundAlert } from '../alerts/alert.js';
import {
  decideAlert,
  type AlertDecision,
  type AlertOutcome,
  type ServiceSituation,
} from '../alerts/decide.js';
import { routeAlert } from '../alerts/routing.js';
import type { PipelinePlan } from '../contracts/plan.js';
import type { TimelineEntry } from '../domain/deployment.js';
import type { Ports } from '../ports/index.js';
import type { OrchestrationControl } from '../ports/orchestration-control.js';
import { redactJson } from '../telemetry/redact.js';
import { processRedactor } from '../telemetry/registry.js';
import { interrupt } from './deployments.js';
import { AppError } from './errors.js';
import { activeDeployment } from './queries.js';
import { rollbackService } from './rollback.js';

/** What Gantry did with one alert of a delivery (the response lists one per alert, in order). */
export interface AlertResult {
  alert: string;
  id: string;
  status: InboundAlert['status'];
  startsAt: string;
  outcome: AlertOutcome;
  reason: string;
  service?: string;
  /** The deployment whose timeline records the decision. */
  deploymentId?: string;
  /** The rollback orchestration started, for an alert that rolled a release back. */
  instanceId?: string;
}

/** Timeline slot 9 (the orchestrations use 0-8): alert entries never take an orchestration's seq. */
const SLOT = 900;

/** The repeat record: same alert (fingerprint or alert id) and same start is the same firing. */
const repeatKey = (a: InboundAlert): string =>
  createHash('sha256').update(`${a.id}|${a.startsAt}`).digest('hex').slice(0, 40);

async function situationOf(ports: Ports, service: string, window: number): Promise<ServiceSituation> {
  const [activeId, [release]] = await Promise.all([
    activeDeployment(ports, service),
    ports.store.listReleases(service, 'production', 1),
  ]);
  const active = activeId ? await ports.store.getDeployment(service, activeId) : undefined;
  return {
    rollbackWindow: window,
    ...(active && { active: { deploymentId: active.id, state: active.state } }),
    ...(release && {
      release: { deploymentId: release.deploymentId, releasedAt: release.releasedAt, via: release.via },
    }),
  };
}

const describe = (a: InboundAlert): string => {
  const summary = a.annotations.summary ?? a.annotations.description ?? '';
  return `alert ${a.name} firing since ${a.startsAt}${summary ? `: ${summary}` : ''}`.slice(0, 500);
};

/** Carries out an abort or rollback; a refusal (the run ended meanwhile, nothing to go back to) is data. */
async function act(
  ports: Ports,
  control: OrchestrationControl,
  alert: InboundAlert,
  service: string,
  decision: AlertDecision,
  at: string,
): Promise<{ decision: AlertDecision; instanceId?: string }> {
  if (decision.action === 'none') return { decision };
  try {
    if (decision.action === 'abort') {
      await interrupt(ports, control, decision.deploymentId, 'abort', alert.source, describe(alert));
      return { decision };
    }
    const principal = { name: alert.source, groups: [], roles: [], source: 'alert' as const };
    const done = await rollbackService(ports, control, { service, comment: describe(alert), principal, at });
    return { decision, instanceId: done.instanceId };
  } catch (error) {
    if (!(error instanceof AppError) || error.status >= 500) throw error;
    const reason = `${decision.reason}, but refused: ${error.code}: ${error.message}`;
    return { decision: { action: 'none', outcome: 'refused', deploymentId: decision.deploymentId, reason } };
  }
}

/**
 * The next free seq of slot 9 in this millisecond of the deployment's timeline: on a virtual clock (and
 * in a burst) several deliveries share a millisecond, and an equal seq would be taken for the same entry.
 */
async function nextSeq(ports: Ports, deploymentId: string, now: number): Promise<number> {
  const first = now * 1000 + SLOT;
  const taken = (await ports.store.listEvents(deploymentId))
    .map((e) => e.seq)
    .filter((seq) => seq >= first && seq < first + 100);
  return Math.min(Math.max(first, ...taken.map((seq) => seq + 1)), first + 99);
}

async function record(ports: Ports, alert: InboundAlert, result: AlertResult, now: number): Promise<void> {
  if (!result.deploymentId || !result.service) return;
  const at = new Date(now).toISOString();
  const seq = await nextSeq(ports, result.deploymentId, now);
  const evidence = redactJson(
    {
      source: alert.source,
      alertname: alert.name,
      id: alert.id,
      status: alert.status,
      startsAt: alert.startsAt,
      labels: alert.labels,
      annotations: alert.annotations,
      ...(alert.link && { link: alert.link }),
      ...(result.instanceId && { instanceId: result.instanceId }),
    },
    processRedactor().secrets,
  );
  const acted = result.outcome !== 'ignored';
  const entry: TimelineEntry = {
    deploymentId: result.deploymentId,
    seq,
    at,
    kind: acted ? 'decision' : 'note',
    title: `alert:${result.outcome}`,
    ...(acted && { verdict: result.outcome === 'notified' ? 'warn' : 'fail' }),
    actor: alert.source,
    comment: result.reason,
    evidence,
  };
  await ports.store.appendEvent(entry);
  // Ignored alerts stay on the timeline only; everything else is an incident for the channels.
  if (acted)
    await ports.notifier.publish({
      kind: 'incident',
      deploymentId: result.deploymentId,
      service: result.service,
      sequence: seq,
      title: entry.title,
      detail: { reason: result.reason, evidence },
    });
}

/** One alert: route it, read where its service is, decide, act, record. */
async function handleOne(
  ports: Ports,
  control: OrchestrationControl,
  plans: PipelinePlan[],
  alert: InboundAlert,
  now: number,
): Promise<AlertResult> {
  const at = new Date(now).toISOString();
  const base = { alert: alert.name, id: alert.id, status: alert.status, startsAt: alert.startsAt };
  const route = routeAlert(alert, plans);
  if (route.kind === 'none')
    return { ...base, outcome: 'ignored', reason: 'no matching service: no service matchers fit its labels' };
  if (route.kind === 'ambiguous')
    return {
      ...base,
      outcome: 'ignored',
      reason: `ambiguous: the matchers of ${route.services.join(', ')} all fit; narrow them (alertRouting)`,
    };
  const { service, rollbackWindow } = route.matchers;
  const firing = alert.status === 'firing';
  const repeat = firing && (await ports.store.deliveryRecorded(alert.source, repeatKey(alert)));
  const situation = await situationOf(ports, service, rollbackWindow);
  const facts = { status: alert.status, startsAt: alert.startsAt, repeat, aboutCanary: route.aboutCanary };
  const decided = decideAlert(facts, situation, now);
  const { decision, instanceId } = await act(ports, control, alert, service, decided, at);
  const result: AlertResult = {
    ...base,
    outcome: decision.outcome,
    reason: decision.reason,
    service,
    ...(decision.deploymentId && { deploymentId: decision.deploymentId }),
    ...(instanceId && { instanceId }),
  };
  await record(ports, alert, result, now);
  // Remembered only once acted on: if acting failed (500), the sender's retry acts instead of repeating.
  if (firing && !repeat) await ports.store.recordDelivery(alert.source, repeatKey(alert));
  return result;
}

/**
 * Handles a delivery's alerts in order (an abort or rollback of one is seen by the next: a second alert
 * for the same service finds the rollback under way or done, and does nothing more).
 */
export async function handleAlerts(
  ports: Ports,
  control: OrchestrationControl,
  alerts: InboundAlert[],
): Promise<AlertResult[]> {
  const plans = ports.config
    .services()
    .map((s) => ports.config.plan(s))
    .filter((p): p is PipelinePlan => p !== undefined);
  const results: AlertResult[] = [];
  const now = ports.clock.now();
  for (const alert of alerts) results.push(await handleOne(ports, control, plans, alert, now));
  return results;
}
