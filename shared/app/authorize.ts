import type { Role } from '../domain/roles.js';
import { AppError } from './errors.js';
import type { Principal } from './principal.js';

/** Where a missing role is fixed: the development principal's JSON, or an Entra app role assignment. */
function remedy(principal: Principal, role: Role): string {
  if (principal.source === 'slack')
    return `add "${role}" to your entry under chat.principals in the pipeline file`;
  return principal.source === 'development'
    ? `add "${role}" to the roles of GANTRY_DEV_PRINCIPAL`
    : `an administrator assigns the app role ${role} to you (or a group of yours) on Gantry's enterprise application`;
}

/**
 * The one role check every endpoint applies (shared/domain/roles.ts says which role implies which). A
 * missing role is a 403 naming the role and how to get it; the caller's other roles are in the details.
 */
export function requireRole(principal: Principal, role: Role, what: string): Principal {
  if (principal.roles.includes(role)) return principal;
  throw new AppError(
    403,
    'role-required',
    `${what} needs the ${role} role, which ${principal.name} does not hold: ${remedy(principal, role)}.`,
    { role, roles: principal.roles },
  );
}
