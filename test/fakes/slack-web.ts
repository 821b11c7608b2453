import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback stand-in for the two Slack endpoints Gantry's inbound side calls: the Web API's `users.info`
 * (form-encoded POST with a bearer token, answered in Slack's envelope: `{ ok: true, user }` or
 * `{ ok: false, error }`, always HTTP 200) and a `response_url` receiver (JSON POST, answered `ok` as
 * text, as hooks.slack.com does). It records what it received; tests await replies, never sleep.
 */
export interface SlackUser {
  id: string;
  name: string;
  /** Absent: a profile without e-mail (a bot, or an app without users:read.email). */
  email?: string;
}

export interface ReceivedReply {
  path: string;
  body: { response_type?: string; text?: string; replace_original?: boolean };
}

export class SlackWebFake {
  readonly users = new Map<string, SlackUser>();
  readonly replies: ReceivedReply[] = [];
  readonly usersInfoCalls: Array<{ user: string | null; authorization: string | undefined }> = [];
  private waiters: Array<() => void> = [];
  private server = createServer((req, res) => void this.route(req, res));
  private origin = '';

  constructor(private readonly token: string) {}

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** What GANTRY_SLACK_API_URL / slackApiUrl points at. */
  get apiUrl(): string {
    return `${this.origin}/api/`;
  }

  /** A response_url as Slack mints them (`/commands/<team>/<id>/<secret>`), on this server. */
  responseUrl(id: string): string {
    return `${this.origin}/commands/T0001/${id}/Bq3xW5nE0qYgLxkAtVQ1`;
  }

  addUser(user: SlackUser): void {
    this.users.set(user.id, user);
  }

  /** Resolves with the next reply not yet taken (`from` = how many were there before the request). */
  async replyAfter(from: number): Promise<ReceivedReply> {
    while (this.replies.length <= from) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.replies[from] as ReceivedReply;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const path = new URL(req.url ?? '/', this.origin).pathname;
    if (req.method === 'POST' && path === '/api/users.info') return this.usersInfo(req, body, res);
    if (req.method === 'POST' && (path.startsWith('/commands/') || path.startsWith('/actions/'))) {
      this.replies.push({ path, body: JSON.parse(body) as ReceivedReply['body'] });
      for (const wake of this.waiters.splice(0)) wake();
      res.writeHead(200, { 'content-type': 'text/html' }).end('ok');
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
  }

  private usersInfo(req: IncomingMessage, body: string, res: ServerResponse): void {
    const user = new URLSearchParams(body).get('user');
    this.usersInfoCalls.push({ user, authorization: req.headers.authorization });
    const send = (payload: unknown): void => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(payload));
    };
    if (req.headers.authorization !== `Bearer ${this.token}`)
      return send({ ok: false, error: 'invalid_auth' });
    const found = user ? this.users.get(user) : undefined;
    if (!found) return send({ ok: false, error: 'user_not_found' });
    // The shape of Slack's users.info answer (fields Gantry does not read included, trimmed).
    send({
      ok: true,
      user: {
        id: found.id,
        team_id: 'T0001',
        name: found.name,
        deleted: false,
        real_name: found.name,
        tz: 'Europe/Amsterdam',
        profile: {
          real_name: found.name,
          display_name: found.name,
          ...(found.email && { email: found.email }),
          team: 'T0001',
        },
        is_admin: false,
        is_bot: false,
        updated: 1767607200,
      },
    });
  }
}

/** The headers Slack signs a request with, computed here independently of Gantry's own code. */
export function slackSignedHeaders(
  secret: string,
  body: string,
  timestampSeconds: number,
): Record<string, string> {
  const ts = String(timestampSeconds);
  const mac = createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex');
  return {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': ts,
    'x-slack-signature': `v0=${mac}`,
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
  };
}
