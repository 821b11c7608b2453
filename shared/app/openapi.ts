import { DEPLOYMENT_STATES } from '../domain/state-machine.js';
import { ref, schemas } from './openapi-schemas.js';
import { dashboardPaths, dashboardSchemas } from './openapi-dashboard.js';
import { retryPaths, retrySchemas } from './openapi-retry.js';
import { ringSchemas } from './openapi-rings.js';
import { boardPaths, boardSchemas } from './openapi-board.js';
import { chatPaths, chatSchemas } from './openapi-chat.js';
import { alertPaths, alertSchemas } from './openapi-alerts.js';
import { backtestPaths, backtestSchemas } from './openapi-backtest.js';
import { quarantinePaths, quarantineSchemas } from './openapi-quarantine.js';
import { actionGuard, guarded, securitySchemes } from './openapi-security.js';
import { OPERATOR, READER } from '../domain/roles.js';

type Json = Record<string, unknown>;

const json = (schema: Json, description: string): Json => ({
  description,
  content: { 'application/json': { schema } },
});
const error = (description: string): Json => json(ref('Error'), description);

/** Every handler can fail with these (see functions/http/respond.ts `handle`). */
const common = { '500': error('Unexpected failure; the error was logged.') };
const reader = guarded([READER]);
const operator = guarded([OPERATOR]);
const bodyErrors = {
  '400': error('Malformed JSON, unknown or missing fields, invalid values.'),
  '413': error('Body larger than 64 KiB.'),
  '415': error('Content type is not application/json.'),
};

const query = (name: string, schema: Json, description: string): Json => ({
  name,
  in: 'query',
  required: false,
  schema,
  description,
});
const path = (name: string, description: string): Json => ({
  name,
  in: 'path',
  required: true,
  schema: { type: 'string' },
  description,
});
const body = (properties: Json, required: string[]): Json => ({
  required: true,
  content: {
    'application/json': { schema: { type: 'object', properties, required, additionalProperties: false } },
  },
});

const deploymentId = path('id', 'Deployment id: <service>-<12 hex> (a retry adds -r<n>).');
const serviceName = path('name', 'Configured service name (any casing).');

const deployments: Json = {
  get: {
    operationId: 'listDeployments',
    summary: 'One page of deployments, ordered by service then id.',
    parameters: [
      query('service', { type: 'string' }, 'Only this service.'),
      query('status', { type: 'string', enum: [...DEPLOYMENT_STATES] }, 'Only deployments in this state.'),
      query('since', { type: 'string', format: 'date-time' }, 'Only deployments created at or after.'),
      query('pageSize', { type: 'integer', minimum: 1, maximum: 200, default: 50 }, 'Items per page.'),
      query('continuationToken', { type: 'string' }, 'From the previous page; same filters.'),
    ],
    security: reader.security,
    responses: {
      '200': json(ref('DeploymentPage'), 'A page; continuationToken is null on the last page.'),
      '400': error('A parameter is invalid; details.parameter names it.'),
      ...reader.responses,
      '404': error('The service filter names no configured service.'),
      ...common,
    },
  },
  post: {
    operationId: 'createDeployment',
    summary: 'Submits an image (with digest) for a configured service.',
    security: operator.security,
    requestBody: body(
      {
        service: { type: 'string' },
        image: { type: 'string' },
        commitSha: { type: 'string' },
        committedAt: { type: 'string', format: 'date-time' },
      },
      ['service', 'image'],
    ),
    responses: {
      '201': json(ref('DeploymentEnvelope'), 'Created and queued.'),
      '200': json(ref('DeploymentEnvelope'), 'Already known (same service and digest).'),
      ...bodyErrors,
      ...operator.responses,
      '400': error(
        'Malformed JSON, unknown or missing fields, invalid values; repository-mismatch: the image is not ' +
          "the service's configured registry and repository.",
      ),
      '404': error('Unknown service.'),
      '422': error('No configured service deploys the image repository.'),
      '409': error(
        'digest-quarantined: the digest was rolled back for the service; details name the run, the ' +
          'reason and the lift endpoint.',
      ),
      ...common,
    },
  },
};

const actionResponses: Json = {
  '202': {
    description: 'Accepted: { deployment, approval } for approve/reject, { deployment } otherwise.',
    content: { 'application/json': { schema: ref('ActionResult') } },
  },
  ...bodyErrors,
  ...actionGuard.responses,
  '404': error('Unknown deployment or action.'),
  '409': error('Not in a state that allows the action.'),
  ...common,
};

const webhook = (operationId: string, summary: string): Json => ({
  post: {
    operationId,
    summary,
    requestBody: {
      required: true,
      content: { 'application/json': { schema: { type: ['object', 'array'] } } },
    },
    responses: {
      '200': json(ref('WebhookAck'), 'Processed or ignored (event not relevant).'),
      '202': json(ref('WebhookAck'), 'Accepted; a deployment was submitted.'),
      ...bodyErrors,
      '401': error('Signature or shared secret missing or wrong (not retried by the sender).'),
      ...common,
    },
  },
});

/** OpenAPI 3.1 description of every HTTP endpoint Gantry serves (served at GET /api/openapi.json). */
export const openApiDocument: Json = {
  openapi: '3.1.0',
  info: {
    title: 'Gantry',
    version: '0.1.0',
    description:
      'Progressive delivery for AKS: deployments, approvals, services, releases and rollback. Each ' +
      'operation lists the Gantry app role it needs under `security` (Gantry.Operator and Gantry.Approver ' +
      'include Gantry.Reader); webhooks authenticate themselves and need none.',
  },
  servers: [{ url: 'http://localhost:7071', description: 'Local dev host' }],
  paths: {
    ...dashboardPaths,
    '/api/health': {
      get: { operationId: 'health', responses: { '200': json(ref('Health'), 'Alive.') } },
    },
    '/api/openapi.json': {
      get: { operationId: 'openapi', responses: { '200': json({ type: 'object' }, 'This document.') } },
    },
    '/api/deployments': deployments,
    '/api/deployments/{id}': {
      get: {
        operationId: 'getDeployment',
        parameters: [deploymentId],
        security: reader.security,
        responses: {
          '200': json(ref('DeploymentView'), 'Record, ordered timeline, live status.'),
          '400': error('Not a deployment id.'),
          ...reader.responses,
          '404': error('No such deployment.'),
          ...common,
        },
      },
    },
    // Listed before the `{action}` template: a concrete path wins.
    ...retryPaths,
    '/api/deployments/{id}/rejudge': {
      post: {
        operationId: 'rejudgeDeployment',
        summary:
          "Re-judges the run's recorded canary evidence under another analysis spec (a `canary` block as in " +
          'the configuration); nothing is queried and no cluster is touched.',
        parameters: [deploymentId],
        security: operator.security,
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: { canary: { type: 'object' } },
                required: ['canary'],
                additionalProperties: false,
              },
            },
          },
        },
        responses: {
          '200': json(ref('Rejudge'), 'Which verdicts and which outcome would change.'),
          '400': error('Not a deployment id, or an invalid spec (details.issues name each problem).'),
          ...operator.responses,
          '404': error('No such deployment.'),
          '409': error('The deployment has no canary checks recorded yet.'),
          ...common,
        },
      },
    },
    '/api/deployments/{id}/{action}': {
      post: {
        operationId: 'deploymentAction',
        summary:
          'approve | reject (Gantry.Approver) | cancel | abort | skip-analysis | resume (Gantry.Operator); ' +
          'reject, abort, skip-analysis need a comment; resume continues a canary paused by an exhausted ' +
          'analysis limit.',
        parameters: [
          deploymentId,
          {
            ...path('action', 'The action.'),
            schema: {
              type: 'string',
              enum: ['approve', 'reject', 'cancel', 'abort', 'skip-analysis', 'resume'],
            },
          },
        ],
        requestBody: {
          required: false,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: { comment: { type: 'string' } },
                additionalProperties: false,
              },
            },
          },
        },
        security: actionGuard.security,
        responses: actionResponses,
      },
    },
    '/api/services': {
      get: {
        operationId: 'listServices',
        security: reader.security,
        responses: {
          '200': json(ref('ServiceList'), 'Configured services.'),
          ...reader.responses,
          ...common,
        },
      },
    },
    ...boardPaths,
    ...backtestPaths,
    ...quarantinePaths,
    '/api/services/{name}/releases': {
      get: {
        operationId: 'listReleases',
        parameters: [
          serviceName,
          query('limit', { type: 'integer', minimum: 1, maximum: 200, default: 20 }, 'How many.'),
        ],
        security: reader.security,
        responses: {
          ...reader.responses,
          '200': json(ref('ReleaseList'), 'Production releases, newest first (rollbacks included).'),
          '400': error('Invalid limit.'),
          '404': error('Unknown service.'),
          ...common,
        },
      },
    },
    '/api/services/{name}/rollback': {
      post: {
        operationId: 'rollbackService',
        summary: 'Points production back at an earlier release without re-running the pipeline.',
        parameters: [serviceName],
        security: operator.security,
        requestBody: body({ to: { type: 'string' }, comment: { type: 'string' } }, ['comment']),
        responses: {
          '202': json(
            ref('RollbackEnvelope'),
            'Started: recorded as a release and audited; the sync outcome follows in the timeline.',
          ),
          ...bodyErrors,
          ...operator.responses,
          '404': error('Unknown service, or `to` was never released to production.'),
          '409': error(
            'A pipeline or another rollback is running, there is no earlier release, or `to` is current.',
          ),
          ...common,
        },
      },
    },
    '/api/metrics/dora': {
      get: {
        operationId: 'doraMetrics',
        summary: 'Deployment frequency, lead time, change failure rate and time to restore over a period.',
        parameters: [
          query('service', { type: 'string' }, 'Only this service (any casing); all services without it.'),
          query(
            'since',
            { type: 'string', format: 'date-time' },
            'Start (included); default until - 30 days.',
          ),
          query('until', { type: 'string', format: 'date-time' }, 'End (excluded); default now.'),
        ],
        security: reader.security,
        responses: {
          ...reader.responses,
          '200': json(ref('DoraMetrics'), 'The metrics; null where there is no sample.'),
          '400': error(
            'Unknown service, a time that is not ISO 8601 with a zone, since not before until, or a period over 90 days; details.parameter names it.',
          ),
          ...common,
        },
      },
    },
    '/api/webhooks/github': webhook('githubWebhook', 'GitHub deliveries (X-Hub-Signature-256 HMAC).'),
    '/api/webhooks/acr': webhook('acrWebhook', 'ACR native webhook deliveries (shared secret header).'),
    ...chatPaths,
    ...alertPaths,
    '/runtime/webhooks/EventGrid': {
      post: {
        operationId: 'acrEventGrid',
        summary:
          'ACR push/delete events from an Event Grid subscription (answered by the Event Grid extension).',
        parameters: [
          {
            ...query('functionName', { type: 'string', enum: ['acrEventGrid'] }, 'The Event Grid function.'),
            required: true,
          },
          query('code', { type: 'string' }, 'The eventgrid_extension system key (Azure).'),
        ],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { type: 'array', items: { type: 'object' } } } },
        },
        responses: {
          '200': json(ref('EventGridValidation'), 'Subscription validation handshake answered.'),
          '202': { description: 'Events accepted (one invocation per event); no body.' },
          '400': { description: 'Not an Event Grid or CloudEvents delivery.' },
          '401': { description: 'Missing or wrong system key (Azure only).' },
          '404': { description: 'No Event Grid function by that name.' },
          '500': { description: 'The function failed; Event Grid retries.' },
        },
      },
    },
  },
  components: {
    securitySchemes,
    schemas: {
      ...schemas,
      ...dashboardSchemas,
      ...retrySchemas,
      ...boardSchemas,
      ...chatSchemas,
      ...alertSchemas,
      ...backtestSchemas,
      ...quarantineSchemas,
      ...ringSchemas,
      ActionResult: {
        type: 'object',
        properties: { deployment: ref('DeploymentRecord'), approval: ref('ApprovalRecord') },
        required: ['deployment'],
        additionalProperties: false,
      },
    },
  },
};
