/**
 * OpenAPI paths and schemas of the inbound alert webhooks (`POST /api/webhooks/alertmanager`,
 * `POST /api/webhooks/azure-monitor`; docs/alerts.md). Merged into the document in openapi.ts.
 */
import { error, json, ref, type Json } from './openapi-kit.js';

const strings: Json = { type: 'object', additionalProperties: { type: 'string' } };

export const alertSchemas: Record<string, Json> = {
  AlertmanagerPayload: {
    type: 'object',
    description: 'Prometheus Alertmanager webhook payload, version 4 (other fields are allowed).',
    properties: {
      version: { const: '4' },
      groupKey: { type: 'string' },
      truncatedAlerts: { type: 'integer', minimum: 0 },
      status: { enum: ['firing', 'resolved'] },
      receiver: { type: 'string' },
      groupLabels: strings,
      commonLabels: strings,
      commonAnnotations: strings,
      externalURL: { type: 'string' },
      alerts: {
        type: 'array',
        minItems: 1,
        maxItems: 100,
        items: {
          type: 'object',
          properties: {
            status: { enum: ['firing', 'resolved'] },
            labels: strings,
            annotations: strings,
            startsAt: { type: 'string', format: 'date-time' },
            endsAt: { type: 'string' },
            generatorURL: { type: 'string' },
            fingerprint: { type: 'string', pattern: '^[0-9a-f]{1,64}$' },
          },
          required: ['status', 'labels', 'startsAt', 'fingerprint'],
        },
      },
    },
    required: ['version', 'groupKey', 'status', 'receiver', 'alerts'],
  },
  AzureMonitorAlert: {
    type: 'object',
    description: 'Azure Monitor common alert schema, as an action group webhook posts it.',
    properties: {
      schemaId: { const: 'azureMonitorCommonAlertSchema' },
      data: {
        type: 'object',
        properties: {
          essentials: {
            type: 'object',
            properties: {
              alertId: { type: 'string' },
              alertRule: { type: 'string' },
              monitorCondition: { enum: ['Fired', 'Resolved'] },
              firedDateTime: { type: 'string' },
              configurationItems: { type: ['array', 'null'], items: { type: 'string' } },
            },
            required: ['alertId', 'alertRule', 'monitorCondition', 'firedDateTime'],
          },
          alertContext: { type: ['object', 'null'] },
        },
        required: ['essentials'],
      },
    },
    required: ['schemaId', 'data'],
  },
  AlertResults: {
    type: 'object',
    properties: {
      results: {
        type: 'array',
        description: 'What was done with each alert of the delivery, in order.',
        items: {
          type: 'object',
          properties: {
            alert: { type: 'string', description: 'alertname, or the Azure Monitor alert rule.' },
            id: { type: 'string', description: 'Fingerprint (Alertmanager) or a hash of the alert id.' },
            status: { enum: ['firing', 'resolved'] },
            startsAt: { type: 'string', format: 'date-time' },
            outcome: { enum: ['aborted', 'rolled-back', 'notified', 'ignored', 'refused'] },
            reason: { type: 'string' },
            service: { type: 'string' },
            deploymentId: { type: 'string', description: 'Whose timeline records the decision.' },
            instanceId: { type: 'string', description: 'The rollback orchestration started.' },
          },
          required: ['alert', 'id', 'status', 'startsAt', 'outcome', 'reason'],
          additionalProperties: false,
        },
      },
    },
    required: ['results'],
    additionalProperties: false,
  },
};

const responses = (auth: string): Json => ({
  '200': json(ref('AlertResults'), 'Every alert handled; `results` says what was done with each.'),
  '400': error('Malformed JSON, or a payload that does not follow the schema (`details.problems`).'),
  '401': error(auth),
  '413': error('Body larger than 1 MiB.'),
  '415': error('Content type is not application/json.'),
  '500': error('Unexpected failure; the error was logged (the sender retries).'),
  '503': error(
    'The webhook secret is not configured: every alert is refused (`alert-webhook-not-configured`).',
  ),
});

export const alertPaths: Record<string, Json> = {
  '/api/webhooks/alertmanager': {
    post: {
      operationId: 'alertmanagerWebhook',
      summary:
        'Alertmanager `webhook_configs` receiver: a firing alert aborts a canary, rolls back a run in ' +
        'verification, rolls back a release within its window, else notifies (docs/alerts.md).',
      security: [{}],
      requestBody: {
        required: true,
        content: { 'application/json': { schema: ref('AlertmanagerPayload') } },
      },
      responses: responses('Missing or wrong `Authorization` (bearer token, or basic auth password).'),
    },
  },
  '/api/webhooks/azure-monitor': {
    post: {
      operationId: 'azureMonitorWebhook',
      summary: 'Azure Monitor action group webhook (common alert schema); decides as the Alertmanager route.',
      security: [{}],
      parameters: [
        {
          name: 'token',
          in: 'query',
          required: false,
          schema: { type: 'string' },
          description: 'GANTRY_AZURE_MONITOR_SECRET (or send it in the `x-gantry-token` header).',
        },
      ],
      requestBody: { required: true, content: { 'application/json': { schema: ref('AzureMonitorAlert') } } },
      responses: responses('Missing or wrong token.'),
    },
  },
};
