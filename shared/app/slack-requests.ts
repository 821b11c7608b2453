import type { z } from 'zod';
import { CHAT_ACTIONS } from '../domain/chat-actions.js';
import { DEPLOYMENT_ID } from '../domain/retry.js';
import { lazySchema, zod } from '../zod.js';

/**
 * Reading what Slack sends (after the signature check): a slash command's form fields, a `block_actions`
 * payload, and the text of `/gantry …`. Pure: every outcome is data, and every string that reaches an
 * application service is validated here first.
 */

/** Button action ids on Gantry's messages: the one definition is shared/domain/chat-actions.ts. */
export const SLACK_ACTION_APPROVE = CHAT_ACTIONS.approve;
export const SLACK_ACTION_REJECT = CHAT_ACTIONS.reject;
export const SLACK_ACTION_ABORT = CHAT_ACTIONS.abort;

export type ChatCommand =
  | { kind: 'help' }
  | { kind: 'status'; service: string }
  | { kind: 'approve'; id: string; comment?: string }
  | { kind: 'reject'; id: string; comment: string }
  | { kind: 'abort'; id: string; comment?: string }
  | { kind: 'rollback'; environment: string; service: string; comment: string };

export type Reading<T> = { ok: true; value: T } | { ok: false; message: string };

export interface SlackCaller {
  userId: string;
  responseUrl: string;
}

const USER_ID = /^[UW][A-Z0-9]{2,20}$/;
const SERVICE = /^[A-Za-z][A-Za-z0-9-]{0,62}$/;
const MAX_COMMENT = 2000;
const field = () => zod().string().max(4096);

const slashForm = lazySchema((z) =>
  z.looseObject({
    command: field(),
    text: field().default(''),
    user_id: z.string().regex(USER_ID, 'a Slack user id'),
    response_url: field(),
  }),
);

const blockActions = lazySchema((z) =>
  z.looseObject({
    type: z.literal('block_actions'),
    user: z.looseObject({ id: z.string().regex(USER_ID, 'a Slack user id') }),
    response_url: field(),
    actions: z
      .array(z.looseObject({ action_id: z.string().max(255), value: z.string().max(2000).optional() }))
      .min(1),
  }),
);

const issues = (error: z.ZodError): string =>
  error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');

/** A slash command as Slack posts it (`application/x-www-form-urlencoded`). */
export function readSlashCommand(body: string): Reading<SlackCaller & { text: string }> {
  const parsed = slashForm().safeParse(Object.fromEntries(new URLSearchParams(body)));
  if (!parsed.success) return { ok: false, message: issues(parsed.error) };
  const { user_id, response_url, text } = parsed.data;
  return { ok: true, value: { userId: user_id, responseUrl: response_url, text } };
}

/** A button press: the form field `payload` holds the JSON; Gantry's buttons carry the deployment id. */
export function readBlockActions(body: string): Reading<SlackCaller & { command: ChatCommand }> {
  const payload = new URLSearchParams(body).get('payload');
  if (payload === null) return { ok: false, message: "the form has no 'payload' field" };
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return { ok: false, message: "'payload' is not valid JSON" };
  }
  const parsed = blockActions().safeParse(json);
  if (!parsed.success) return { ok: false, message: issues(parsed.error) };
  const [action] = parsed.data.actions;
  const id = action?.value ?? '';
  if (!DEPLOYMENT_ID.test(id)) return { ok: false, message: 'the button carries no deployment id' };
  const caller = { userId: parsed.data.user.id, responseUrl: parsed.data.response_url };
  switch (action?.action_id) {
    case SLACK_ACTION_APPROVE:
      return { ok: true, value: { ...caller, command: { kind: 'approve', id } } };
    case SLACK_ACTION_REJECT:
      // A button cannot ask for a reason; the rejection says where it came from instead.
      return {
        ok: true,
        value: { ...caller, command: { kind: 'reject', id, comment: 'Rejected in Slack' } },
      };
    case SLACK_ACTION_ABORT:
      return { ok: true, value: { ...caller, command: { kind: 'abort', id } } };
    default:
      return { ok: false, message: `unknown action '${String(action?.action_id).slice(0, 60)}'` };
  }
}

const USAGE =
  'Usage: /gantry status <service> | approve <id> [comment] | reject <id> <reason> | abort <id> [reason] | ' +
  'rollback <environment> <service> <reason> | help';

/** The words after `/gantry`; a reason is the rest of the line. */
export function parseCommand(text: string): Reading<ChatCommand> {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const [verb = 'help', first = '', second = ''] = words;
  const rest = (n: number) =>
    text
      .trim()
      .split(/\s+/)
      .slice(n)
      .join(' ')
      .slice(0, MAX_COMMENT + 1);
  const fail = (message: string): Reading<ChatCommand> => ({ ok: false, message: `${message}\n${USAGE}` });
  const id = () => DEPLOYMENT_ID.test(first);
  switch (verb.toLowerCase()) {
    case 'help':
      return { ok: true, value: { kind: 'help' } };
    case 'status':
      return SERVICE.test(first) && words.length === 2
        ? { ok: true, value: { kind: 'status', service: first } }
        : fail('status needs one service name.');
    case 'approve':
    case 'abort': {
      if (!id()) return fail(`${verb} needs a deployment id (<service>-<12 hex>).`);
      const comment = rest(2) || undefined;
      if (comment && comment.length > MAX_COMMENT) return fail(`The comment is longer than ${MAX_COMMENT}.`);
      return { ok: true, value: { kind: verb.toLowerCase() as 'approve' | 'abort', id: first, comment } };
    }
    case 'reject':
      if (!id()) return fail('reject needs a deployment id (<service>-<12 hex>).');
      if (!rest(2)) return fail('A rejection needs a reason: /gantry reject <id> <reason>.');
      if (rest(2).length > MAX_COMMENT) return fail(`The reason is longer than ${MAX_COMMENT}.`);
      return { ok: true, value: { kind: 'reject', id: first, comment: rest(2) } };
    case 'rollback':
      if (!/^[a-z]{1,20}$/i.test(first) || !SERVICE.test(second))
        return fail('rollback needs an environment and a service.');
      if (!rest(3))
        return fail('A rollback needs a reason: /gantry rollback <environment> <service> <reason>.');
      if (rest(3).length > MAX_COMMENT) return fail(`The reason is longer than ${MAX_COMMENT}.`);
      return {
        ok: true,
        value: { kind: 'rollback', environment: first.toLowerCase(), service: second, comment: rest(3) },
      };
    default:
      return fail(`Unknown command '${verb.slice(0, 40)}'.`);
  }
}

export const HELP_TEXT = `${USAGE}\nDeployment ids are in Gantry's messages and on the dashboard.`;

/**
 * Replies go only to Slack's own hooks host: the URL comes from the (signed) request, but a reply
 * carries deployment details, so a URL elsewhere is refused. A development host may answer a loopback
 * receiver (the sandbox's or a test's Slack stand-in).
 */
export function isAllowedResponseUrl(url: string, allowLoopback: boolean): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.username || u.password) return false;
  if (u.protocol === 'https:' && u.hostname === 'hooks.slack.com' && u.port === '') return true;
  return (
    allowLoopback &&
    (u.protocol === 'http:' || u.protocol === 'https:') &&
    ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)
  );
}
