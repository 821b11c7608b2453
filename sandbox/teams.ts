import { startHttpServer } from '../devhost/http/server.js';
import { errorResponse, jsonResponse, type HostRoute } from '../devhost/http/types.js';

/**
 * A stand-in for a Teams Workflows webhook ("When a Teams webhook request is received"): any POST path
 * takes a message whose attachments are Adaptive Cards and answers 202, as the Workflows trigger does.
 * Cards are recorded for the control API and tests; 429 + `Retry-After` and an outage on demand.
 */

export interface TeamsPost {
  /** The webhook path (its query, which would carry the signature, is not kept). */
  path: string;
  at: string;
  body: unknown;
}

export interface TeamsFaults {
  rateLimit?: { count: number; retryAfter: number };
  outage?: boolean;
}

export interface TeamsStandIn {
  url: string;
  posts: TeamsPost[];
  faults: TeamsFaults;
  route: HostRoute;
  close(): Promise<void>;
}

const ADAPTIVE = 'application/vnd.microsoft.card.adaptive';

/** Why a body is not what a Workflows "post card" flow can use, or undefined when it is. */
export function cardProblem(body: unknown): string | undefined {
  const b = body as { type?: unknown; attachments?: unknown } | null;
  if (typeof b !== 'object' || b === null) return 'the body must be a JSON object';
  if (b.type !== 'message') return "type must be 'message'";
  if (!Array.isArray(b.attachments) || b.attachments.length === 0)
    return 'attachments must be a non-empty array';
  for (const a of b.attachments as Array<{ contentType?: unknown; content?: { type?: unknown } }>) {
    if (a.contentType !== ADAPTIVE) return `attachments[].contentType must be ${ADAPTIVE}`;
    if (a.content?.type !== 'AdaptiveCard') return "attachments[].content.type must be 'AdaptiveCard'";
  }
  return undefined;
}

export function createTeamsStandIn(now: () => number = Date.now) {
  const posts: TeamsPost[] = [];
  const faults: TeamsFaults = {};
  const route: HostRoute = (req) => {
    if (!req.url.pathname.startsWith('/workflows/')) return undefined;
    if (req.method !== 'POST')
      return { ...errorResponse(405, 'method-not-allowed', 'POST a message.'), headers: { allow: 'POST' } };
    if (faults.outage) return { status: 503, body: '' };
    if (faults.rateLimit && faults.rateLimit.count > 0) {
      const retryAfter = faults.rateLimit.retryAfter;
      if (--faults.rateLimit.count === 0) delete faults.rateLimit;
      return jsonResponse(429, { error: { code: 'TooManyRequests' } }, { 'retry-after': String(retryAfter) });
    }
    let body: unknown;
    try {
      body = JSON.parse(req.body.toString('utf8'));
    } catch {
      return jsonResponse(400, {
        error: { code: 'InvalidRequestContent', message: 'The body is not JSON.' },
      });
    }
    const problem = cardProblem(body);
    if (problem) return jsonResponse(400, { error: { code: 'InvalidRequestContent', message: problem } });
    posts.push({ path: req.url.pathname, at: new Date(now()).toISOString(), body });
    return { status: 202, body: '' };
  };
  return { posts, faults, route };
}

export async function startTeamsStandIn(
  options: { port?: number; now?: () => number } = {},
): Promise<TeamsStandIn> {
  const standIn = createTeamsStandIn(options.now);
  const server = await startHttpServer({ port: options.port, routes: [standIn.route] });
  return { ...standIn, url: server.url, close: () => server.close() };
}
