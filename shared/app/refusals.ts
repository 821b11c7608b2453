import type { ApprovalRecord } from '../domain/deployment.js';
import type { Ports } from '../ports/index.js';

/**
 * Refused decisions kept per (caller, deployment, decision): the first ones each get their own row, the
 * last row then absorbs every further refusal as a counter, so a caller retrying in a loop cannot grow a
 * deployment's audit without limit (nor crowd out the rows that matter).
 */
export const REFUSED_ROWS_PER_CALLER = 5;

/** Records a refused decision within the bound; returns the row as written. */
export async function auditRefusal(ports: Ports, refused: ApprovalRecord): Promise<ApprovalRecord> {
  const same = (await ports.store.listApprovals(refused.deploymentId)).filter(
    (a) => !a.accepted && a.approver === refused.approver && a.decision === refused.decision,
  );
  const last = same.at(-1);
  if (same.length < REFUSED_ROWS_PER_CALLER || !last) {
    await ports.store.recordApproval(refused);
    return refused;
  }
  // Same `at` and approver: the same row key, so this replaces the newest refused row in place.
  const merged: ApprovalRecord = {
    ...refused,
    at: last.at,
    attempts: (last.attempts ?? 1) + 1,
    lastAt: refused.at,
  };
  await ports.store.recordApproval(merged);
  return merged;
}
