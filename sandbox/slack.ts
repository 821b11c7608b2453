import { startHttpServer } from '../devhost/http/server.js';
import {
  errorResponse,
  jsonResponse,
  type HostRequest,
  type HostResponse,
  type HostRoute,
} from '../devhost/http/types.js';

/**
 * A stand-in for Slack's Web API on loopback: `chat.postMessage`, `chat.update`, `users.info` and
 * `auth.test` with Slack's envelopes (HTTP 200 `{ ok: true, ... }` or `{ ok: false, error }`), form or
 * JSON bodies as the real API takes them, a bearer bot token required, and 429 + `Retry-After` on demand.
 * It also receives `response_url` posts (`POST /response/<id>`). Everything is recorded for the control
 * API and tests. Reusable: `startSlackStandIn({ token })` listens on a free port.
 */

export interface SlackUser {
  id: string;
  name: string;
  email: string;
  realName?: string;
}

/** Reviewers and developers of the sandbox, with the e-mails the dev principals use. */
export const SANDBOX_SLACK_USERS: SlackUser[] = [
  { id: 'U0REVIEWER1', name: 'reviewer', email: 'reviewer@localhost', realName: 'Rita Reviewer' },
  { id: 'U0DEVELOPR1', name: 'developer', email: 'developer@localhost', realName: 'Dev Eloper' },
  { id: 'U0OUTSIDER1', name: 'outsider', email: 'outsider@localhost', realName: 'Otto Outsider' },
];

/** The sandbox's deployments channel (the example routes point at it). */
export const SANDBOX_SLACK_CHANNEL = 'C0DEPLOYS01';

export interface SlackCall {
  method: string;
  at: string;
  /** The parameters as Slack reads them (form fields, `blocks` parsed); the token never appears. */
  params: Record<string, unknown>;
  status: number;
  ok: boolean;
  error?: string;
}

export interface SlackMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: unknown[];
  thread_ts?: string;
  /** How many times `chat.update` changed it. */
  updates: number;
  /** Thread replies, oldest first. */
  replies: SlackMessage[];
}

export interface SlackFaults {
  /** The next `count` Web API calls answer 429 with `Retry-After: retryAfter` (seconds). */
  rateLimit?: { count: number; retryAfter: number };
  /** Every Web API call answers HTTP 503 (Slack is down). */
  outage?: boolean;
}

export interface SlackStandIn {
  /** The Web API base to give a client (`slackApiUrl`), ending with `/api/`. */
  apiUrl: string;
  url: string;
  calls: SlackCall[];
  /** Top-level messages with their replies, in post order. */
  messages(): SlackMessage[];
  /** What arrived at `response_url`s: the id in the path and the JSON body. */
  responses: Array<{ id: string; at: string; body: unknown }>;
  /** A `response_url` on this stand-in for an interaction (give it to payloads sent to Gantry). */
  responseUrl(id: string): string;
  faults: SlackFaults;
  /** The stand-in's HTTP handling, to mount on another server. */
  route: HostRoute;
  close(): Promise<void>;
}

export interface SlackStandInOptions {
  port?: number;
  /** The bot token calls must carry (`Authorization: Bearer xoxb-...`). */
  token: string;
  users?: SlackUser[];
  channels?: string[];
  /** Clock for `ts` values and records (the sandbox's virtual clock); default the wall clock. */
  now?: () => number;
}

type Params = Record<string, unknown>;
type Handler = (params: Params) => Params | { error: string };

function readParams(req: HostRequest): Params | undefined {
  const text = req.body.toString('utf8');
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (type.startsWith('application/json')) {
    try {
      const value = JSON.parse(text) as unknown;
      return typeof value === 'object' && value !== null && !Array.isArray(value)
        ? (value as Params)
        : undefined;
    } catch {
      return undefined;
    }
  }
  const params: Params = Object.fromEntries(new URLSearchParams(text));
  // Form bodies carry structured arguments as JSON strings, as the SDK sends them.
  for (const key of ['blocks', 'attachments', 'metadata'])
    if (typeof params[key] === 'string') {
      try {
        params[key] = JSON.parse(params[key]);
      } catch {
        return undefined;
      }
    }
  return params;
}

const ok = (body: Params): HostResponse => jsonResponse(200, { ok: true, ...body });
const fail = (error: string): HostResponse => jsonResponse(200, { ok: false, error });

export function createSlackStandIn(options: SlackStandInOptions, base: () => string) {
  const now = options.now ?? Date.now;
  const users = options.users ?? SANDBOX_SLACK_USERS;
  const channels = new Set(options.channels ?? [SANDBOX_SLACK_CHANNEL]);
  const calls: SlackCall[] = [];
  const responses: SlackStandIn['responses'] = [];
  const top: SlackMessage[] = [];
  const byTs = new Map<string, SlackMessage>();
  const faults: SlackFaults = {};
  let counter = 0;
  const nextTs = () => `${Math.floor(now() / 1000)}.${String(++counter).padStart(6, '0')}`;
  const messageView = (m: SlackMessage) => ({
    type: 'message',
    user: 'U0GANTRYBOT',
    bot_id: 'B0GANTRYBOT',
    text: m.text ?? '',
    ts: m.ts,
    ...(m.blocks && { blocks: m.blocks }),
    ...(m.thread_ts && { thread_ts: m.thread_ts }),
  });

  const methods: Record<string, Handler> = {
    'auth.test': () => ({
      url: 'https://sandbox.slack.com/',
      team: 'Sandbox',
      user: 'gantry',
      team_id: 'T0SANDBOX1',
      user_id: 'U0GANTRYBOT',
      bot_id: 'B0GANTRYBOT',
    }),
    'chat.postMessage': (p) => {
      const channel = String(p.channel ?? '');
      if (!channel) return { error: 'channel_not_found' };
      if (!channels.has(channel)) return { error: 'channel_not_found' };
      if (!p.text && !Array.isArray(p.blocks)) return { error: 'no_text' };
      const thread = typeof p.thread_ts === 'string' ? byTs.get(`${channel}/${p.thread_ts}`) : undefined;
      if (p.thread_ts !== undefined && !thread) return { error: 'thread_not_found' };
      const m: SlackMessage = {
        channel,
        ts: nextTs(),
        ...(typeof p.text === 'string' && { text: p.text }),
        ...(Array.isArray(p.blocks) && { blocks: p.blocks }),
        ...(thread && { thread_ts: thread.ts }),
        updates: 0,
        replies: [],
      };
      byTs.set(`${channel}/${m.ts}`, m);
      if (thread) thread.replies.push(m);
      else top.push(m);
      return { channel, ts: m.ts, message: messageView(m) };
    },
    'chat.update': (p) => {
      const channel = String(p.channel ?? '');
      if (!channels.has(channel)) return { error: 'channel_not_found' };
      const m = byTs.get(`${channel}/${String(p.ts ?? '')}`);
      if (!m) return { error: 'message_not_found' };
      if (!p.text && !Array.isArray(p.blocks)) return { error: 'no_text' };
      if (typeof p.text === 'string') m.text = p.text;
      if (Array.isArray(p.blocks)) m.blocks = p.blocks;
      m.updates++;
      return { channel, ts: m.ts, text: m.text ?? '', message: messageView(m) };
    },
    'users.info': (p) => {
      const user = users.find((u) => u.id === p.user);
      if (!user) return { error: 'user_not_found' };
      const realName = user.realName ?? user.name;
      return {
        user: {
          id: user.id,
          team_id: 'T0SANDBOX1',
          name: user.name,
          deleted: false,
          real_name: realName,
          is_bot: false,
          profile: { email: user.email, real_name: realName, display_name: user.name },
        },
      };
    },
  };

  const record = (method: string, params: Params, status: number, error?: string) => {
    const { token: _token, ...shown } = params;
    calls.push({
      method,
      at: new Date(now()).toISOString(),
      params: shown,
      status,
      ok: !error && status === 200,
      ...(error && { error }),
    });
  };

  const webApi = (method: string, req: HostRequest): HostResponse => {
    if (req.method !== 'POST' && req.method !== 'GET') return fail('invalid_request');
    const params = req.method === 'GET' ? Object.fromEntries(req.url.searchParams) : readParams(req);
    if (!params) {
      record(method, {}, 200, 'invalid_json');
      return fail('invalid_json');
    }
    if (faults.outage) {
      record(method, params, 503, 'service_unavailable');
      return { status: 503, headers: { 'content-type': 'text/plain' }, body: 'Service Unavailable' };
    }
    if (faults.rateLimit && faults.rateLimit.count > 0) {
      faults.rateLimit.count--;
      const retryAfter = faults.rateLimit.retryAfter;
      if (faults.rateLimit.count === 0) delete faults.rateLimit;
      record(method, params, 429, 'ratelimited');
      return jsonResponse(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(retryAfter) });
    }
    const auth =
      req.headers.authorization ?? (typeof params.token === 'string' ? `Bearer ${params.token}` : undefined);
    if (!auth) return (record(method, params, 200, 'not_authed'), fail('not_authed'));
    if (auth !== `Bearer ${options.token}`)
      return (record(method, params, 200, 'invalid_auth'), fail('invalid_auth'));
    const handler = methods[method];
    if (!handler) return (record(method, params, 200, 'unknown_method'), fail('unknown_method'));
    const result = handler(params);
    if ('error' in result && typeof result.error === 'string') {
      record(method, params, 200, result.error);
      return fail(result.error);
    }
    record(method, params, 200);
    return ok(result);
  };

  const route: HostRoute = (req) => {
    const path = req.url.pathname;
    const response = /^\/response\/([\w-]{1,100})$/.exec(path);
    if (response && req.method === 'POST') {
      let body: unknown;
      try {
        body = JSON.parse(req.body.toString('utf8'));
      } catch {
        return errorResponse(400, 'invalid-json', 'A response_url takes a JSON body.');
      }
      responses.push({ id: response[1] as string, at: new Date(now()).toISOString(), body });
      return { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' };
    }
    const method = /^\/(?:api\/)?([a-z]+\.[a-zA-Z.]+)$/.exec(path);
    return method ? webApi(method[1] as string, req) : undefined;
  };

  return {
    calls,
    responses,
    faults,
    route,
    messages: () => top,
    responseUrl: (id: string) => `${base()}/response/${encodeURIComponent(id)}`,
  };
}

/** Starts the Slack stand-in on `options.port` (0 or absent: a free port). */
export async function startSlackStandIn(options: SlackStandInOptions): Promise<SlackStandIn> {
  let url = '';
  const standIn = createSlackStandIn(options, () => url);
  const server = await startHttpServer({ port: options.port, routes: [standIn.route] });
  url = server.url;
  return { ...standIn, url, apiUrl: `${url}/api/`, close: () => server.close() };
}
