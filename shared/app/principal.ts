import { effectiveRoles, isRole, ROLES, type Role } from '../domain/roles.js';
import { AppError } from './errors.js';
import type { Trust } from './trust.js';

export interface Principal {
  name: string;
  id?: string;
  /** Group claims: the reviewer groups an approver may belong to. */
  groups: string[];
  /** Gantry app roles from the `roles` claim, implied ones included (shared/domain/roles.ts). */
  roles: Role[];
  /** `slack`: a chat user mapped through the pipeline file's `chat.principals` (shared/app/chat-principals.ts). */
  /** `alert`: an inbound alert acting on its own (shared/app/alerts.ts), authenticated by its webhook. */
  source: 'app-service' | 'development' | 'slack' | 'alert';
}

const GROUP_CLAIMS = new Set(['groups', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups']);
const ROLE_CLAIMS = new Set(['roles', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role']);
const NAME_CLAIMS = new Set([
  'name',
  'preferred_username',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name',
]);

interface EasyAuthPrincipal {
  auth_typ?: string;
  claims?: Array<{ typ?: unknown; val?: unknown }>;
  name_typ?: string;
  role_typ?: string;
}

function decodePrincipal(header: string): EasyAuthPrincipal {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(header, 'base64').toString('utf8'));
  } catch {
    throw new AppError(401, 'invalid-principal', 'X-MS-CLIENT-PRINCIPAL is not base64-encoded JSON.');
  }
  if (typeof value !== 'object' || value === null || !Array.isArray((value as EasyAuthPrincipal).claims)) {
    throw new AppError(401, 'invalid-principal', 'X-MS-CLIENT-PRINCIPAL has no claims array.');
  }
  return value as EasyAuthPrincipal;
}

function appServicePrincipal(headers: { get(name: string): string | null }, encoded: string): Principal {
  const p = decodePrincipal(encoded);
  const claims = (p.claims ?? []).filter(
    (c): c is { typ: string; val: string } => typeof c.typ === 'string' && typeof c.val === 'string',
  );
  const groups = claims.filter((c) => GROUP_CLAIMS.has(c.typ)).map((c) => c.val);
  const roles = claims.filter((c) => ROLE_CLAIMS.has(c.typ) || c.typ === p.role_typ).map((c) => c.val);
  const name =
    headers.get('x-ms-client-principal-name') ??
    claims.find((c) => NAME_CLAIMS.has(c.typ) || c.typ === p.name_typ)?.val;
  if (!name) throw new AppError(401, 'invalid-principal', 'The principal carries no name.');
  return {
    name,
    id: headers.get('x-ms-client-principal-id') ?? undefined,
    groups: [...new Set(groups)],
    roles: effectiveRoles(roles),
    source: 'app-service',
  };
}

/** Local only: which of the development principals a request acts as (`gantry --as <name>`). */
export const DEV_PRINCIPAL_HEADER = 'x-gantry-dev-principal';

function onePrincipal(d: { name?: unknown; groups?: unknown; roles?: unknown } | null): Principal {
  if (typeof d?.name !== 'string' || !Array.isArray(d.groups))
    throw new AppError(401, 'invalid-principal', 'GANTRY_DEV_PRINCIPAL needs name and groups.');
  const roles = d.roles === undefined ? [] : d.roles;
  if (!Array.isArray(roles) || !roles.every((r) => typeof r === 'string' && isRole(r)))
    throw new AppError(
      401,
      'invalid-principal',
      `GANTRY_DEV_PRINCIPAL roles must be a list of ${ROLES.join(', ')}.`,
    );
  return {
    name: d.name,
    groups: d.groups.map(String),
    roles: effectiveRoles(roles as string[]),
    source: 'development',
  };
}

/**
 * `GANTRY_DEV_PRINCIPAL` is one principal `{name, groups, roles?}` or a list of them: the first acts by
 * default, and a request names another in `X-Gantry-Dev-Principal` (a second reviewer, so an approval is
 * not a self-approval). A role that is not one of Gantry's is a mistake worth naming. Only ever consulted
 * where the development principal is trusted (a development host): never in Azure.
 */
export function developmentPrincipal(setting: string, wanted: string | null = null): Principal {
  let dev: unknown;
  try {
    dev = JSON.parse(setting);
  } catch {
    throw new AppError(401, 'invalid-principal', 'GANTRY_DEV_PRINCIPAL is not valid JSON.');
  }
  const list = (Array.isArray(dev) ? dev : [dev]) as Array<{ name?: unknown } | null>;
  const principals = list.map(onePrincipal);
  const chosen = wanted ? principals.find((p) => p.name === wanted.trim()) : principals[0];
  if (!chosen)
    throw new AppError(
      401,
      principals.length === 0 ? 'invalid-principal' : 'unknown-dev-principal',
      principals.length === 0
        ? 'GANTRY_DEV_PRINCIPAL lists no principal.'
        : `No development principal '${(wanted ?? '').slice(0, 100)}' (known: ${principals.map((p) => p.name).join(', ')}).`,
    );
  return chosen;
}

/**
 * The caller's identity, believed only as far as `trust` allows (shared/app/trust.ts): App Service
 * authentication headers, or the configured development principal on a development host. Where nothing
 * vouches for a header (Azure without App Service authentication), every request is a 503 naming the
 * missing setting, whatever it carries. No identity at all is a 401.
 */
export function principalFrom(
  headers: { get(name: string): string | null },
  devPrincipal: string | undefined,
  trust: Trust,
): Principal {
  if (trust.kind === 'refused')
    throw new AppError(
      503,
      'authentication-not-configured',
      `Gantry refuses every caller: ${trust.reason}.`,
      {
        setting: trust.missingSetting,
      },
    );
  const encoded = headers.get('x-ms-client-principal');
  if (encoded) return appServicePrincipal(headers, encoded);
  if (devPrincipal && trust.developmentPrincipal)
    return developmentPrincipal(devPrincipal, headers.get(DEV_PRINCIPAL_HEADER));
  throw new AppError(
    401,
    'unauthenticated',
    'This endpoint needs an authenticated caller (App Service authentication).',
  );
}

/**
 * The App Service authentication headers for a user, as the platform injects them (all four: the
 * `@azure/functions` library refuses a principal without the companion headers). Only a development host
 * believes them from a client (`gantry --principal`, tests); in Azure the platform replaces them.
 */
export function appServicePrincipalHeaders(user: {
  name: string;
  groups: readonly string[];
  roles?: readonly string[];
}): Record<string, string> {
  const principal = {
    auth_typ: 'aad',
    claims: [
      { typ: 'name', val: user.name },
      ...user.groups.map((g) => ({ typ: 'groups', val: g })),
      ...(user.roles ?? []).map((r) => ({ typ: 'roles', val: r })),
    ],
    name_typ: 'name',
    role_typ: 'roles',
  };
  return {
    'x-ms-client-principal': Buffer.from(JSON.stringify(principal)).toString('base64'),
    'x-ms-client-principal-id': `oid-${user.name}`,
    'x-ms-client-principal-name': user.name,
    'x-ms-client-principal-idp': 'aad',
  };
}
