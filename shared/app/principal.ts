import { AppError } from './errors.js';

export interface Principal {
  name: string;
  id?: string;
  /** Group and role claims: the reviewer groups an approver may belong to. */
  groups: string[];
  source: 'app-service' | 'development';
}

const GROUP_CLAIMS = new Set([
  'groups',
  'roles',
  'http://schemas.microsoft.com/ws/2008/06/identity/claims/role',
]);
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

/** Local only: which of the development principals a request acts as (`gantry --as <name>`). */
export const DEV_PRINCIPAL_HEADER = 'x-gantry-dev-principal';

/**
 * `GANTRY_DEV_PRINCIPAL` is one principal `{name, groups}` or a list of them: the first acts by default,
 * and a request names another in `X-Gantry-Dev-Principal` (a second reviewer, so an approval is not a
 * self-approval). Only ever consulted when no App Service principal is present: never in Azure.
 */
function developmentPrincipal(setting: string, wanted: string | null): Principal {
  let dev: unknown;
  try {
    dev = JSON.parse(setting);
  } catch {
    throw new AppError(401, 'invalid-principal', 'GANTRY_DEV_PRINCIPAL is not valid JSON.');
  }
  const list = (Array.isArray(dev) ? dev : [dev]) as Array<{ name?: unknown; groups?: unknown }>;
  const principals = list.map((d) => {
    if (typeof d?.name !== 'string' || !Array.isArray(d.groups))
      throw new AppError(401, 'invalid-principal', 'GANTRY_DEV_PRINCIPAL needs name and groups.');
    return { name: d.name, groups: d.groups.map(String), source: 'development' as const };
  });
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
 * The caller's identity: App Service authentication headers in Azure (the platform strips client copies),
 * or the configured development principal locally. No identity at all is a 401.
 */
export function principalFrom(
  headers: { get(name: string): string | null },
  devPrincipal?: string,
): Principal {
  const encoded = headers.get('x-ms-client-principal');
  if (encoded) {
    const p = decodePrincipal(encoded);
    const claims = (p.claims ?? []).filter(
      (c): c is { typ: string; val: string } => typeof c.typ === 'string' && typeof c.val === 'string',
    );
    const roleTyp = p.role_typ;
    const groups = claims.filter((c) => GROUP_CLAIMS.has(c.typ) || c.typ === roleTyp).map((c) => c.val);
    const name =
      headers.get('x-ms-client-principal-name') ??
      claims.find((c) => NAME_CLAIMS.has(c.typ) || c.typ === p.name_typ)?.val;
    if (!name) throw new AppError(401, 'invalid-principal', 'The principal carries no name.');
    return {
      name,
      id: headers.get('x-ms-client-principal-id') ?? undefined,
      groups: [...new Set(groups)],
      source: 'app-service',
    };
  }
  if (devPrincipal) return developmentPrincipal(devPrincipal, headers.get(DEV_PRINCIPAL_HEADER));
  throw new AppError(
    401,
    'unauthenticated',
    'This endpoint needs an authenticated caller (App Service authentication).',
  );
}

/**
 * The App Service authentication headers for a user, as the platform injects them (all four: the
 * `@azure/functions` library refuses a principal without the companion headers). For clients that act
 * on behalf of a user behind a trusted proxy, and for tests.
 */
export function appServicePrincipalHeaders(user: {
  name: string;
  groups: readonly string[];
}): Record<string, string> {
  const principal = {
    auth_typ: 'aad',
    claims: [{ typ: 'name', val: user.name }, ...user.groups.map((g) => ({ typ: 'groups', val: g }))],
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
