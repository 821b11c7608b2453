import { createHash } from 'node:crypto';

/**
 * Wire-level pieces of the sandbox Kubernetes API: `Status` errors exactly as the API server writes
 * them, label selectors, and the deterministic names and uids of synthesized objects.
 */

export type Json = Record<string, unknown>;

export const asRecord = (value: unknown): Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};

export const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

export interface StatusCause {
  reason: string;
  message: string;
  field: string;
}

/** A failed request; rendered as a `v1 Status` body with the same code. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: { name?: string; group?: string; kind?: string; causes?: StatusCause[] },
  ) {
    super(message);
  }

  body(): Json {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details && { details: this.details }),
      code: this.code,
    };
  }
}

/** `deployments.apps`, `pods` (core has no group suffix). */
export const qualified = (plural: string, group: string): string => (group ? `${plural}.${group}` : plural);

export function notFound(plural: string, group: string, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualified(plural, group)} "${name}" not found`, {
    name,
    group,
    kind: plural,
  });
}

export function conflict(plural: string, group: string, name: string): ApiError {
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(plural, group)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, group, kind: plural },
  );
}

export function invalid(kind: string, group: string, name: string, causes: StatusCause[]): ApiError {
  const list = causes.map((c) => `${c.field}: ${c.message}`);
  const summary = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
  return new ApiError(422, 'Invalid', `${qualified(kind, group)} "${name}" is invalid: ${summary}`, {
    name,
    group,
    kind,
    causes,
  });
}

export const badRequest = (message: string): ApiError => new ApiError(400, 'BadRequest', message);

type Requirement = { key: string; op: 'in' | 'notin' | 'exists' | '!exists'; values: string[] };

/** Parses a `labelSelector`: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`. */
export function parseSelector(selector: string | null): Requirement[] {
  if (!selector) return [];
  const terms = selector.match(/(?:[^,(]|\([^)]*\))+/g) ?? [];
  return terms.map((raw) => {
    const term = raw.trim();
    let m = /^([\w./-]+)\s*(==|=|!=)\s*([\w.-]*)$/.exec(term);
    if (m) return { key: m[1]!, op: m[2] === '!=' ? 'notin' : 'in', values: [m[3]!] };
    m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
    if (m) return { key: m[1]!, op: m[2] as 'in' | 'notin', values: m[3]!.split(',').map((v) => v.trim()) };
    m = /^(!?)([\w./-]+)$/.exec(term);
    if (m) return { key: m[2]!, op: m[1] ? '!exists' : 'exists', values: [] };
    throw badRequest(`unable to parse requirement: ${JSON.stringify(term)}`);
  });
}

export function matches(labels: Record<string, string> | undefined, selector: Requirement[]): boolean {
  return selector.every(({ key, op, values }) => {
    const value = labels?.[key];
    if (op === 'exists') return value !== undefined;
    if (op === '!exists') return value === undefined;
    if (op === 'in') return value !== undefined && values.includes(value);
    return value === undefined || !values.includes(value);
  });
}

/** The alphabet of generated Kubernetes names (no vowels, no look-alikes). */
const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash;
}

/** Like the controller's `pod-template-hash`: fnv32a of the template, SafeEncodeString'd. */
export function templateHash(template: unknown): string {
  return [...String(fnv32a(JSON.stringify(template)))].map((c) => SAFE[c.charCodeAt(0) % 27]).join('');
}

/** Five "random" characters like a generated pod name, derived from the key so lists are stable. */
export function nameSuffix(key: string): string {
  let n = fnv32a(key);
  let out = '';
  for (let i = 0; i < 5; i++, n = Math.floor(n / 27)) out += SAFE[n % 27];
  return out;
}

/** A stable UUID-shaped uid for a synthesized object. */
export function stableUid(key: string): string {
  const h = createHash('sha1').update(key).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
