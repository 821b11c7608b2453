/**
 * OpenAPI paths of the Slack endpoints (docs/chatops-inbound.md): the `/gantry` slash command and the
 * buttons on Gantry's messages. Anonymous at App Service authentication; Slack's signature authenticates
 * them. Merged into the document in openapi.ts.
 */
type Json = Record<string, unknown>;

const error = (description: string): Json => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

const slackHeaders: Json[] = [
  {
    name: 'X-Slack-Signature',
    in: 'header',
    required: true,
    schema: { type: 'string', pattern: '^v0=[0-9a-f]{64}$' },
    description: 'v0= hex HMAC-SHA256 of `v0:<timestamp>:<raw body>` with the Slack app signing secret.',
  },
  {
    name: 'X-Slack-Request-Timestamp',
    in: 'header',
    required: true,
    schema: { type: 'string', pattern: '^[0-9]+$' },
    description: 'Unix seconds; refused when more than 5 minutes from the server clock.',
  },
];

export const chatSchemas: Record<string, Json> = {
  SlackAck: {
    type: 'object',
    description: 'The acknowledgement Slack shows the caller; the result follows through response_url.',
    properties: {
      response_type: { type: 'string', enum: ['ephemeral'] },
      text: { type: 'string' },
    },
    required: ['response_type', 'text'],
    additionalProperties: false,
  },
};

const responses = (what: string): Json => ({
  '200': {
    description: `${what} acknowledged; the outcome is posted to response_url.`,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/SlackAck' } } },
  },
  '400': error('invalid-payload (not a Slack request of this kind) or invalid-response-url.'),
  '401': error(
    'missing-signature, bad-signature, stale-request (timestamp over 5 minutes off, either way) or ' +
      'replayed-request (the same signed request again).',
  ),
  '413': error('Body larger than 256 KiB.'),
  '415': error('Not application/x-www-form-urlencoded.'),
  '500': error('Unexpected failure; the error was logged.'),
  '503': error(
    'slack-not-configured: GANTRY_SLACK_SIGNING_SECRET or GANTRY_SLACK_BOT_TOKEN is not set ' +
      '(details.setting); nothing unsigned is ever accepted.',
  ),
});

const form = (properties: Json, required: string[]): Json => ({
  required: true,
  content: {
    'application/x-www-form-urlencoded': { schema: { type: 'object', properties, required } },
  },
});

export const chatPaths: Record<string, Json> = {
  '/api/chat/slack/commands': {
    post: {
      operationId: 'slackCommand',
      summary:
        'The `/gantry` slash command: status <service>, approve <id> [comment], reject <id> <reason>, ' +
        'abort <id> [reason], rollback <environment> <service> <reason>, help. Acts as the Slack ' +
        "user's mapped principal (chat.principals), with the HTTP API's roles and approval policy.",
      parameters: slackHeaders,
      requestBody: form(
        {
          command: { type: 'string' },
          text: { type: 'string' },
          user_id: { type: 'string' },
          response_url: { type: 'string' },
        },
        ['command', 'user_id', 'response_url'],
      ),
      responses: responses('The command'),
      security: [],
    },
  },
  '/api/chat/slack/interactions': {
    post: {
      operationId: 'slackInteraction',
      summary:
        'Button presses (block_actions) on Gantry messages: gantry_approve, gantry_reject, gantry_abort ' +
        'with the deployment id as value; same rules as the slash command.',
      parameters: slackHeaders,
      requestBody: form({ payload: { type: 'string', description: 'The block_actions JSON.' } }, ['payload']),
      responses: responses('The button press'),
      security: [],
    },
  },
};
