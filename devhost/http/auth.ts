import { timingSafeEqual } from 'node:crypto';
import type { HostKeys } from '../functions/types.js';
import { errorResponse, type HostRequest, type HostResponse } from './types.js';

/**
 * Function-key checks as the Functions host does them (integration-apis 4.1): the key comes from the
 * `x-functions-key` header or the `code` query parameter. `anonymous` always passes; `function`
 * accepts the function's keys, a host key or the master key; `admin` only the master key; a system
 * level (extension webhooks) accepts that extension's system key or the master key. When no keys are
 * configured (the default, like Core Tools) nothing is enforced.
 */
export type AuthRequirement =
  | { level: 'anonymous' }
  | { level: 'function'; functionName: string }
  | { level: 'admin' }
  | { level: 'system'; systemKeyName: string };

export function presentedKey(request: HostRequest): string | undefined {
  return request.headers['x-functions-key'] ?? request.url.searchParams.get('code') ?? undefined;
}

/** Undefined when the request may proceed, else the 401 to send. */
export function authorize(
  keys: HostKeys | undefined,
  requirement: AuthRequirement,
  request: HostRequest,
): HostResponse | undefined {
  if (!keys || requirement.level === 'anonymous') return undefined;
  const key = presentedKey(request);
  if (key !== undefined && acceptedKeys(keys, requirement).some((k) => sameKey(k, key))) return undefined;
  const what = requirement.level === 'admin' ? 'the master key' : `a valid ${requirement.level} key`;
  return errorResponse(
    401,
    'unauthorized',
    `This endpoint requires ${what} in the x-functions-key header or the code query parameter.`,
  );
}

/** Maps a binding's `authLevel` (case-insensitive; the host's default is `function`). */
export function requirementFor(authLevel: unknown, functionName: string): AuthRequirement {
  const level = typeof authLevel === 'string' ? authLevel.toLowerCase() : 'function';
  if (level === 'anonymous') return { level: 'anonymous' };
  if (level === 'admin' || level === 'system') return { level: 'admin' };
  return { level: 'function', functionName };
}

function acceptedKeys(keys: HostKeys, requirement: AuthRequirement): string[] {
  const master = keys.master === undefined ? [] : [keys.master];
  switch (requirement.level) {
    case 'function': {
      const own = Object.entries(keys.functions ?? {})
        .filter(([name]) => name.toLowerCase() === requirement.functionName.toLowerCase())
        .flatMap(([, list]) => list);
      return [...own, ...(keys.host ?? []), ...master];
    }
    case 'system': {
      const system = keys.system?.[requirement.systemKeyName];
      return system === undefined ? master : [system, ...master];
    }
    default:
      return master;
  }
}

function sameKey(expected: string, actual: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(actual);
  return expected !== '' && a.length === b.length && timingSafeEqual(a, b);
}
