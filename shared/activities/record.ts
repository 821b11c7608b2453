import type { Activities, RecordInput } from '../contracts/activities.js';
import type { InputOf } from '../contracts/contract.js';
import { weightEntry } from '../domain/timeline-entries.js';
import { TERMINAL_STATES, type DeploymentRecord } from '../domain/deployment.js';
import type { Ports } from '../ports/index.js';
import { redactJson } from '../telemetry/redact.js';
import { processRedactor } from '../telemetry/registry.js';
import { afterRunEnd } from './quarantine.js';

/**
 * Appends a timeline entry (idempotent on its seq) and, when asked, moves the deployment record and
 * publishes the change. A transition that is already applied (a retried activity) is not applied twice.
 */
export async function record(ports: Ports, raw: RecordInput): Promise<DeploymentRecord | undefined> {
  // Reasons and evidence can quote provider errors; a secret in one must not reach a Table row.
  const input = redactJson(raw, processRedactor().secrets);
  const { deploymentId, service, entry, transition, weight } = input;
  // One round trip for the whole record (one entity-group transaction on Table Storage).
  await ports.store.appendEvents([entry, ...(input.more ?? [])].map((e) => ({ ...e, deploymentId })));
  let updated: DeploymentRecord | undefined;
  if (transition || weight !== undefined) {
    updated = await ports.store.updateDeployment(service, deploymentId, (current) => ({
      ...current,
      state: transition?.to ?? current.state,
      reason: transition ? transition.reason : current.reason,
      weight: weight ?? current.weight,
      updatedAt: entry.at,
    }));
  }
  // Every run's end passes here: a rolled back digest is quarantined (and the lane held) before the
  // outcome is published, so no push of it can slip in between.
  if (transition && updated)
    await afterRunEnd(ports, updated, { title: entry.title, reason: transition.reason, at: entry.at });
  if (transition) {
    const terminal = TERMINAL_STATES.has(transition.to);
    const incident = transition.to === 'RolledBack' || transition.to === 'Failed';
    await ports.notifier.publish({
      kind: incident ? 'incident' : terminal ? 'outcome' : 'stage',
      deploymentId,
      service,
      sequence: entry.seq,
      title: entry.title,
      detail: { state: transition.to, reason: transition.reason },
    });
  }
  if (input.notify && !transition) {
    await ports.notifier.publish({
      kind: input.notify,
      deploymentId,
      service,
      sequence: entry.seq,
      title: entry.title,
      detail: { reason: entry.comment, ...(entry.evidence && { evidence: entry.evidence }) },
    });
  }
  return updated;
}

/**
 * Sets the canary's traffic weight; with `record`, also records the weight reached and stores it on the
 * deployment in the same activity (what `Recorder.weight` would record after it, one activity fewer).
 */
export async function setWeight(ports: Ports, input: InputOf<typeof Activities.setWeight>): Promise<number> {
  const weight = await ports.router.setWeight(input.target, input.router, input.weight);
  const r = input.record;
  if (r)
    await record(ports, {
      deploymentId: r.deploymentId,
      service: r.service,
      entry: { seq: r.seq, at: r.at, ...weightEntry(weight, r.comment) },
      weight,
    });
  return weight;
}
