import { errorResponse, jsonResponse, type HostRequest, type HostRoute } from '../devhost/http/types.js';
import type { SlackFaults } from './slack.js';

/** What the control API can see and change of a chat stand-in. */
interface Inspectable {
  faults: SlackFaults;
  view(): unknown;
}

/** Parses `{ rateLimit?: { count, retryAfter }, outage?: boolean }`; a string names the problem. */
export function parseChatFaults(req: HostRequest): SlackFaults | string {
  let value: unknown;
  try {
    value = JSON.parse(req.body.toString('utf8'));
  } catch {
    return 'body is not valid JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'body must be a JSON object';
  const v = value as Record<string, unknown>;
  const unknown = Object.keys(v).find((k) => k !== 'rateLimit' && k !== 'outage');
  if (unknown) return `unknown field '${unknown}' (known: rateLimit, outage)`;
  if (v.outage !== undefined && typeof v.outage !== 'boolean') return "'outage' must be a boolean";
  const out: SlackFaults = { ...(v.outage !== undefined && { outage: v.outage as boolean }) };
  if (v.rateLimit !== undefined) {
    const r = v.rateLimit as { count?: unknown; retryAfter?: unknown } | null;
    const count = r?.count ?? 1;
    const retryAfter = r?.retryAfter;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 1000)
      return "'rateLimit.count' must be an integer from 1 to 1000";
    if (
      typeof retryAfter !== 'number' ||
      !Number.isInteger(retryAfter) ||
      retryAfter < 0 ||
      retryAfter > 3600
    )
      return "'rateLimit.retryAfter' must be a number of seconds from 0 to 3600";
    out.rateLimit = { count, retryAfter };
  }
  return out;
}

/**
 * `GET /sandbox/<name>` (what the stand-in received), `PUT /sandbox/<name>/faults` (rate limits, an
 * outage) and `DELETE /sandbox/<name>/faults`, for the Slack (`slack`) and Teams (`teams`) stand-ins.
 */
export function createChatControlRoutes(standIns: Record<string, Inspectable>): HostRoute {
  return (req) => {
    const match = /^\/sandbox\/(slack|teams)(\/faults)?$/.exec(req.url.pathname);
    const standIn = match && standIns[match[1] as string];
    if (!match || !standIn) return undefined;
    if (!match[2]) {
      if (req.method !== 'GET')
        return { ...errorResponse(405, 'method-not-allowed', 'Use GET.'), headers: { allow: 'GET' } };
      return jsonResponse(200, { ...(standIn.view() as object), faults: standIn.faults });
    }
    if (req.method === 'DELETE') {
      delete standIn.faults.rateLimit;
      delete standIn.faults.outage;
      return { status: 204 };
    }
    if (req.method !== 'PUT')
      return {
        ...errorResponse(405, 'method-not-allowed', 'Use PUT or DELETE.'),
        headers: { allow: 'PUT, DELETE' },
      };
    const faults = parseChatFaults(req);
    if (typeof faults === 'string') return errorResponse(400, 'invalid-fault', faults);
    Object.assign(standIn.faults, faults);
    return jsonResponse(200, { faults: standIn.faults });
  };
}
