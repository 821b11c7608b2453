import { isValidDigest } from '../domain/image-ref.js';
import {
  countRefusal,
  isActive,
  quarantineRefusal,
  type HoldRecord,
  type QuarantineRecord,
} from '../domain/quarantine.js';
import type { Ports } from '../ports/index.js';
import type { OrchestrationControl } from '../ports/orchestration-control.js';
import { AppError } from './errors.js';
import type { Principal } from './principal.js';
import { knownService } from './queries.js';

/**
 * Refuses a push, manual trigger or retry of a digest quarantined for its service (409
 * `digest-quarantined`, with the reason and the failed run). The refusal is counted on the quarantine
 * row, so an automation pushing in a loop is visible without growing any table.
 */
export async function assertNotQuarantined(
  ports: Ports,
  service: string,
  digest: string,
  source: string,
  at: string,
): Promise<void> {
  const q = await ports.store.getQuarantine(service, digest);
  const refusal = quarantineRefusal(q);
  if (!q || !refusal) return;
  // Guarded: a count racing an Operator's lift leaves the lift in place (and is then not counted).
  await ports.store.updateQuarantine(service, digest, (current) =>
    current.lifted ? current : countRefusal(current, at, source),
  );
  throw new AppError(409, refusal.code, refusal.message, refusal.details);
}

export interface LiftRequest {
  service: string;
  principal: Principal;
  reason: string;
  at: string;
}

function requireReason(reason: string): string {
  const text = reason.trim();
  if (!text) throw new AppError(400, 'reason-required', 'Lifting needs a reason (`reason`).');
  return text;
}

/** The lift also lands in the rolled back run's timeline: the audit next to the evidence. */
async function auditLift(ports: Ports, deploymentId: string, title: string, r: LiftRequest): Promise<void> {
  await ports.store.appendEvent({
    deploymentId,
    seq: Date.parse(r.at) * 1000 + 500,
    at: r.at,
    kind: 'action',
    title,
    actor: r.principal.name,
    comment: r.reason,
    evidence: { principalSource: r.principal.source },
  });
}

/** `POST /api/services/{name}/quarantine/{digest}/lift`: the digest may be pushed and retried again. */
export async function liftQuarantine(
  ports: Ports,
  r: LiftRequest & { digest: string },
): Promise<QuarantineRecord> {
  const service = knownService(ports, r.service);
  if (!isValidDigest(r.digest))
    throw new AppError(400, 'invalid-digest', 'The digest must be sha256:<64 hex> or sha512:<128 hex>.');
  const reason = requireReason(r.reason);
  const q = await ports.store.getQuarantine(service, r.digest);
  if (!q) throw new AppError(404, 'not-quarantined', `${r.digest} is not quarantined for ${service}.`);
  if (!isActive(q))
    throw new AppError(409, 'already-lifted', `The quarantine of ${r.digest} was already lifted.`, {
      lifted: q.lifted,
    });
  const lift = { by: r.principal.name, reason, at: r.at };
  let earlier: QuarantineRecord['lifted'];
  const lifted = await ports.store.updateQuarantine(service, r.digest, (current) => {
    earlier = current.lifted;
    return current.lifted ? current : { ...current, lifted: lift };
  });
  if (earlier)
    throw new AppError(409, 'already-lifted', `The quarantine of ${r.digest} was already lifted.`, {
      lifted: earlier,
    });
  await auditLift(ports, q.deploymentId, 'quarantine:lifted', { ...r, reason });
  return lifted;
}

/**
 * `POST /api/services/{name}/hold/lift`: the lane takes the newest queued push again. The lane is woken
 * at once (otherwise it looks again within its recheck interval).
 */
export async function liftHold(
  ports: Ports,
  control: OrchestrationControl,
  r: LiftRequest,
): Promise<HoldRecord> {
  const service = knownService(ports, r.service);
  const reason = requireReason(r.reason);
  const hold = await ports.store.getHold(service);
  if (!hold || !isActive(hold)) throw new AppError(409, 'not-held', `The lane of ${service} is not held.`);
  const lifted: HoldRecord = { ...hold, lifted: { by: r.principal.name, reason, at: r.at } };
  await ports.store.putHold(lifted);
  await auditLift(ports, hold.deploymentId, 'hold:lifted', { ...r, reason });
  const queued = (await ports.store.listQueue(service, { pending: true }))
    .filter((q) => q.state === 'queued')
    .at(-1);
  if (queued) await control.ensureLane(service, queued.digest);
  return lifted;
}

/** Lifted quarantines the board still shows (who lifted them, when and why), newest first. */
export const LIFTED_SHOWN = 10;

/**
 * What the service board shows: the digests still quarantined, the latest lifted ones, and the lane's
 * hold (`lifted` set once an Operator lifted it; null when the lane was never held).
 */
export async function quarantineView(
  ports: Ports,
  service: string,
): Promise<{
  quarantined: QuarantineRecord[];
  liftedQuarantine: QuarantineRecord[];
  hold: HoldRecord | null;
}> {
  const [all, hold] = await Promise.all([ports.store.listQuarantine(service), ports.store.getHold(service)]);
  const liftedQuarantine = all.filter((q) => !isActive(q)).slice(0, LIFTED_SHOWN);
  return { quarantined: all.filter(isActive), liftedQuarantine, hold: hold ?? null };
}
