import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type * as df from 'durable-functions';
import { durableClient } from '../durable/register.js';
import { chatIdentity, runChatCommand } from '../../shared/app/chat-commands.js';
import { AppError } from '../../shared/app/errors.js';
import { verifySlackSignature } from '../../shared/app/slack-signature.js';
import {
  isAllowedResponseUrl,
  parseCommand,
  readBlockActions,
  readSlashCommand,
  HELP_TEXT,
  type ChatCommand,
  type SlackCaller,
} from '../../shared/app/slack-requests.js';
import { getPorts } from '../../shared/composition.js';
import { readHostingSettings, readSettings } from '../../shared/config.js';
import type { Ports } from '../../shared/ports/index.js';
import type { ChatReply } from '../../shared/ports/chat.js';
import type { OrchestrationControl } from '../../shared/ports/orchestration-control.js';
import { controlFor } from '../durable/control.js';
import { handle } from './respond.js';

/** A block_actions payload carries the whole message it was pressed on; Slack caps messages far below. */
export const SLACK_MAX_BODY_BYTES = 256 * 1024;

const ack = (text: string): HttpResponseInit => ({
  status: 200,
  jsonBody: { response_type: 'ephemeral', text } satisfies ChatReply,
});

async function rawBody(request: HttpRequest): Promise<Buffer> {
  const tooLarge = () =>
    new AppError(413, 'body-too-large', `The body exceeds ${SLACK_MAX_BODY_BYTES} bytes.`);
  if (Number(request.headers.get('content-length') ?? '0') > SLACK_MAX_BODY_BYTES) throw tooLarge();
  const body = Buffer.from(await request.arrayBuffer());
  if (body.length > SLACK_MAX_BODY_BYTES) throw tooLarge();
  return body;
}

/**
 * Slack cannot sign in, so these routes are anonymous at App Service authentication and Slack's
 * signature is the authentication: no signing secret means nothing is accepted (503), never "unsigned is
 * fine". Checked over the raw bytes before anything is decoded; then the signature is recorded in Table
 * Storage, insert-only, so the same signed request replayed (to this instance or another) within the
 * five minutes its timestamp is good for is refused.
 */
async function verified(
  request: HttpRequest,
  ports: Ports,
): Promise<{ body: string; claim: () => Promise<void> }> {
  const secret = readSettings().GANTRY_SLACK_SIGNING_SECRET;
  if (!secret)
    throw new AppError(
      503,
      'slack-not-configured',
      'Slack requests are refused: GANTRY_SLACK_SIGNING_SECRET is not set, so none can be verified.',
      { setting: 'GANTRY_SLACK_SIGNING_SECRET' },
    );
  const raw = await rawBody(request);
  const check = verifySlackSignature({
    secret,
    timestamp: request.headers.get('x-slack-request-timestamp'),
    signature: request.headers.get('x-slack-signature'),
    rawBody: raw,
    nowMs: ports.clock.now(),
  });
  if (!check.ok) throw new AppError(401, check.code, check.message);
  if (!/^application\/x-www-form-urlencoded\b/i.test(request.headers.get('content-type') ?? ''))
    throw new AppError(415, 'unsupported-media-type', 'Slack sends application/x-www-form-urlencoded.');
  const claim = async () => {
    if (!(await ports.store.recordDelivery('slack', check.signature)))
      throw new AppError(401, 'replayed-request', 'This signed request was already received.');
  };
  return { body: raw.toString('utf8'), claim };
}

/** Replies go to Slack's hooks host only (a loopback stand-in on a development host). */
function checkedCaller(caller: SlackCaller): SlackCaller {
  const hosting = readHostingSettings();
  const loopback = hosting.development && hosting.azureMarkers.length === 0;
  if (!isAllowedResponseUrl(caller.responseUrl, loopback))
    throw new AppError(400, 'invalid-response-url', 'response_url is not a https://hooks.slack.com/ URL.');
  return caller;
}

/**
 * The command runs after the acknowledgement (Slack waits 3 s, a rollback or an approval may take
 * longer); its answer goes to `response_url`. A failure is logged and answered without its details.
 */
function runLater(
  ports: Ports,
  control: OrchestrationControl,
  context: InvocationContext,
  caller: SlackCaller,
  command: ChatCommand,
): void {
  const chat = ports.chatInbound;
  if (!chat) return;
  const work = async (): Promise<ChatReply> => {
    const identity = await chatIdentity(ports, caller.userId);
    if (identity.kind === 'refused') return identity.reply;
    context.log(`slack ${command.kind} by ${identity.principal.name} (${caller.userId})`);
    const at = new Date(ports.clock.now()).toISOString();
    return runChatCommand(ports, control, { principal: identity.principal, command, at });
  };
  void work()
    .catch((error: unknown): ChatReply => {
      context.error(`slack ${command.kind}: ${error instanceof Error ? error.message : String(error)}`);
      return { response_type: 'ephemeral', text: 'Gantry could not run that; the error was logged.' };
    })
    .then((reply) => chat.reply(caller.responseUrl, reply))
    .catch((error: unknown) =>
      context.error(`slack reply failed: ${error instanceof Error ? error.message : String(error)}`),
    );
}

async function slackPorts(): Promise<Ports> {
  const ports = await getPorts();
  if (!ports.chatInbound)
    throw new AppError(
      503,
      'slack-not-configured',
      'Slack requests are refused: GANTRY_SLACK_BOT_TOKEN is not set, so users cannot be identified.',
      { setting: 'GANTRY_SLACK_BOT_TOKEN' },
    );
  return ports;
}

/** `/gantry …`: help and mistakes are answered at once; everything else after the acknowledgement. */
export async function handleSlackCommand(
  request: HttpRequest,
  control: OrchestrationControl,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const ports = await slackPorts();
  const { body, claim } = await verified(request, ports);
  const form = readSlashCommand(body);
  if (!form.ok) throw new AppError(400, 'invalid-payload', `Not a Slack slash command: ${form.message}`);
  const caller = checkedCaller(form.value);
  await claim(); // only a well-formed request is remembered; a replay of any is refused from here on
  const parsed = parseCommand(form.value.text);
  if (!parsed.ok) return ack(parsed.message);
  if (parsed.value.kind === 'help') return ack(HELP_TEXT);
  runLater(ports, control, context, caller, parsed.value);
  return ack(`Working on \`/gantry ${form.value.text.trim().slice(0, 200)}\`…`);
}

/** A button on one of Gantry's messages (block_actions). */
export async function handleSlackInteraction(
  request: HttpRequest,
  control: OrchestrationControl,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const ports = await slackPorts();
  const { body, claim } = await verified(request, ports);
  const payload = readBlockActions(body);
  if (!payload.ok)
    throw new AppError(400, 'invalid-payload', `Not a Gantry button press: ${payload.message}`);
  const { command, ...caller } = payload.value;
  checkedCaller(caller);
  await claim();
  runLater(ports, control, context, caller, command);
  return ack(`Working on ${command.kind} of ${'id' in command ? command.id : ''}…`);
}

durableClient.http('slackCommand', {
  route: 'chat/slack/commands',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: (request: HttpRequest, client: df.DurableClient, context: InvocationContext) =>
    handle(context, () => handleSlackCommand(request, controlFor(client), context)),
});

durableClient.http('slackInteraction', {
  route: 'chat/slack/interactions',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: (request: HttpRequest, client: df.DurableClient, context: InvocationContext) =>
    handle(context, () => handleSlackInteraction(request, controlFor(client), context)),
});
