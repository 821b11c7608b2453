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
  /** Absent: a profile without e-mail (a bot, or an app without `users:read.email`). */
  email?: string;
  realName?: string;
}

/** Reviewers and developers of the sandbox, with the e-mails the dev principals use. */
export const SANDBOX_SLACK_USERS: SlackUser[] = [
  { id: 'U0REVIEWER1', name: 'reviewer', email: 'reviewer@localhost', realName: 'Rita Reviewer' },
  { id: 'U0DEVELOPR1', name: 'developer', email: 'developer@localhost', realName: 'Dev Eloper' },
  { id: 'U0OUTSIDER1', name: 'outsider', email: 'outsider@localhost', realName: 'Otto Outsider' },
  // The people of the example file's `chat.principals` (config/gantry.example.yaml).
  { id: 'U0ADA000001', name: 'ada', email: 'ada@hearloveen.io', realName: 'Ada Lovelace' },
  { id: 'U0LINUS0001', name: 'linus', email: 'linus@hearloveen.io', realName: 'Linus Torvalds' },
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
  /** Resolves with what arrives (or arrived) at `responseUrl(id)`. */
  response(id: string): Promise<unknown>;
  /** Resolves with the `response_url` post number `from` (0-based), once it has arrived. */
  replyAfter(from: number): Promise<{ id: string; at: string; body: unknown }>;
  /** Adds a user to the workspace (`users.info` finds it from now on). */
  addUser(user: SlackUser): void;
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
type Handler = (params: Params) => Params;

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

/** The workspace's messages and users, and the Web API methods over them. */
class SlackWorkspace {
  readonly top: SlackMessage[] = [];
  private readonly byTs = new Map<string, SlackMessage>();
  private counter = 0;

  constructor(
    private readonly now: () => number,
    private readonly users: SlackUser[],
    private readonly channels: Set<string>,
  ) {}

  readonly methods: Record<string, Handler> = {
    'auth.test': () => ({
      url: 'https://sandbox.slack.com/',
      team: 'Sandbox',
      user: 'gantry',
      team_id: 'T0SANDBOX1',
      user_id: 'U0GANTRYBOT',
      bot_id: 'B0GANTRYBOT',
    }),
    'chat.postMessage': (p) => this.post(p),
    'chat.update': (p) => this.update(p),
    'users.info': (p) => this.userInfo(p),
  };

  private view(m: SlackMessage): Params {
    return {
      type: 'message',
      user: 'U0GANTRYBOT',
      bot_id: 'B0GANTRYBOT',
      text: m.text ?? '',
      ts: m.ts,
      ...(m.blocks && { blocks: m.blocks }),
      ...(m.thread_ts && { thread_ts: m.thread_ts }),
    };
  }

  private post(p: Params): Params | { error: string } {
    const channel = String(p.channel ?? '');
    if (!this.channels.has(channel)) return { error: 'channel_not_found' };
    if (!p.text && !Array.isArray(p.blocks)) return { error: 'no_text' };
    const thread = typeof p.thread_ts === 'string' ? this.byTs.get(`${channel}/${p.thread_ts}`) : undefined;
    if (p.thread_ts !== undefined && !thread) return { error: 'thread_not_found' };
    const m: SlackMessage = {
      channel,
      ts: `${Math.floor(this.now() / 1000)}.${String(++this.counter).padStart(6, '0')}`,
      ...(typeof p.text === 'string' && { text: p.text }),
      ...(Array.isArray(p.blocks) && { blocks: p.blocks }),
      ...(thread && { thread_ts: thread.ts }),
      updates: 0,
      replies: [],
    };
    this.byTs.set(`${channel}/${m.ts}`, m);
    if (thread) thread.replies.push(m);
    else this.top.push(m);
    return { channel, ts: m.ts, message: this.view(m) };
  }

  private update(p: Params): Params | { error: string } {
    const channel = String(p.channel ?? '');
    if (!this.channels.has(channel)) return { error: 'channel_not_found' };
    const m = this.byTs.get(`${channel}/${String(p.ts ?? '')}`);
    if (!m) return { error: 'message_not_found' };
    if (!p.text && !Array.isArray(p.blocks)) return { error: 'no_text' };
    if (typeof p.text === 'string') m.text = p.text;
    if (Array.isArray(p.blocks)) m.blocks = p.blocks;
    m.updates++;
    return { channel, ts: m.ts, text: m.text ?? '', message: this.view(m) };
  }

  private userInfo(p: Params): Params | { error: string } {
    const user = this.users.find((u) => u.id === p.user);
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
        profile: {
          ...(user.email !== undefined && { email: user.email }),
          real_name: realName,
          display_name: user.name,
        },
      },
    };
  }
}

interface WebApiContext {
  token: string;
  faults: SlackFaults;
  calls: SlackCall[];
  methods: Record<string, Handler>;
  now: () => number;
}

/** The answer a fault gives before the method runs (an outage, a rate limit), if any. */
function faultAnswer(faults: SlackFaults): { response: HostResponse; error: string } | undefined {
  if (faults.outage)
    return {
      response: { status: 503, headers: { 'content-type': 'text/plain' }, body: 'Service Unavailable' },
      error: 'service_unavailable',
    };
  if (!faults.rateLimit || faults.rateLimit.count <= 0) return undefined;
  const retryAfter = faults.rateLimit.retryAfter;
  if (--faults.rateLimit.count === 0) delete faults.rateLimit;
  return {
    response: jsonResponse(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(retryAfter) }),
    error: 'ratelimited',
  };
}

/** One Web API call: parse, faults, bearer token, method; recorded whatever the answer. */
function webApi(method: string, req: HostRequest, ctx: WebApiContext): HostResponse {
  const params = req.method === 'GET' ? Object.fromEntries(req.url.searchParams) : readParams(req);
  const record = (status: number, error?: string) => {
    const { token: _token, ...shown } = params ?? {};
    const at = new Date(ctx.now()).toISOString();
    ctx.calls.push({ method, at, params: shown, status, ok: !error, ...(error && { error }) });
  };
  const refuse = (error: string) => (record(200, error), fail(error));
  if (!params) return refuse('invalid_json');
  const fault = faultAnswer(ctx.faults);
  if (fault) return (record(fault.response.status, fault.error), fault.response);
  const auth =
    req.headers.authorization ?? (typeof params.token === 'string' ? `Bearer ${params.token}` : undefined);
  if (!auth) return refuse('not_authed');
  if (auth !== `Bearer ${ctx.token}`) return refuse('invalid_auth');
  const handler = ctx.methods[method];
  if (!handler) return refuse('unknown_method');
  const result = handler(params);
  if (typeof result.error === 'string') return refuse(result.error);
  record(200);
  return ok(result);
}

/** The stand-in's parts; `base()` is its URL once listening (for `response_url`s). */
export function createSlackStandIn(options: SlackStandInOptions, base: () => string) {
  const now = options.now ?? Date.now;
  const users = [...(options.users ?? SANDBOX_SLACK_USERS)];
  const workspace = new SlackWorkspace(now, users, new Set(options.channels ?? [SANDBOX_SLACK_CHANNEL]));
  const calls: SlackCall[] = [];
  const responses: SlackStandIn['responses'] = [];
  const faults: SlackFaults = {};
  const waiting = new Map<string, Array<(body: unknown) => void>>();
  const response = (id: string): Promise<unknown> => {
    const found = responses.find((r) => r.id === id);
    if (found) return Promise.resolve(found.body);
    return new Promise((resolve) => waiting.set(id, [...(waiting.get(id) ?? []), resolve]));
  };
  let wake: Array<() => void> = [];
  const replyAfter = async (from: number) => {
    while (responses.length <= from) await new Promise<void>((resolve) => wake.push(resolve));
    return responses[from] as SlackStandIn['responses'][number];
  };
  const ctx: WebApiContext = { token: options.token, faults, calls, methods: workspace.methods, now };
  const route: HostRoute = (req) => {
    const path = req.url.pathname;
    const received = /^\/response\/([\w-]{1,100})$/.exec(path);
    if (received && req.method === 'POST') {
      let body: unknown;
      try {
        body = JSON.parse(req.body.toString('utf8'));
      } catch {
        return errorResponse(400, 'invalid-json', 'A response_url takes a JSON body.');
      }
      const id = received[1] as string;
      responses.push({ id, at: new Date(now()).toISOString(), body });
      for (const resolve of waiting.get(id) ?? []) resolve(body);
      waiting.delete(id);
      const woken = wake;
      wake = [];
      for (const resolve of woken) resolve();
      return { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' };
    }
    const method = /^\/(?:api\/)?([a-z]+\.[a-zA-Z.]+)$/.exec(path);
    return method ? webApi(method[1] as string, req, ctx) : undefined;
  };
  return {
    calls,
    responses,
    response,
    replyAfter,
    addUser: (user: SlackUser) => void users.push(user),
    faults,
    route,
    messages: () => workspace.top,
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
