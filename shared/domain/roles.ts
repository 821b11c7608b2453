/**
 * Gantry's app roles, as the Entra app registration defines them and the `roles` claim carries them.
 *
 * - `Gantry.Reader`: read deployments, services, releases, DORA metrics (the dashboard's data).
 * - `Gantry.Operator`: trigger, cancel, abort, skip analysis, resume, retry, roll back, rejudge.
 * - `Gantry.Approver`: approve and reject (the pipeline's approval policy still applies on top).
 *
 * Operator and Approver each include Reader (nobody should act on what they cannot see); neither includes
 * the other, so the people who push a release along and the people who sign it off stay separable.
 */
export const ROLES = ['Gantry.Reader', 'Gantry.Operator', 'Gantry.Approver'] as const;
export type Role = (typeof ROLES)[number];

export const READER: Role = 'Gantry.Reader';
export const OPERATOR: Role = 'Gantry.Operator';
export const APPROVER: Role = 'Gantry.Approver';

export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

/** The roles a caller holds, implied ones included, in ROLES order; claims that are not Gantry's are ignored. */
export function effectiveRoles(claimed: readonly string[]): Role[] {
  const held = new Set(claimed.filter(isRole));
  if (held.has(OPERATOR) || held.has(APPROVER)) held.add(READER);
  return ROLES.filter((r) => held.has(r));
}

/** Which role an action on a deployment needs: decisions are the approver's, everything else the operator's. */
export function roleForAction(action: string): Role {
  return action === 'approve' || action === 'reject' ? APPROVER : OPERATOR;
}
