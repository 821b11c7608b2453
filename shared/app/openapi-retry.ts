/**
 * OpenAPI path and schema of `POST /api/deployments/{id}/retry` (a new run of a finished deployment's
 * image). Merged into the document in openapi.ts, ahead of the `{action}` template (a concrete path wins).
 */
import { OPERATOR } from '../domain/roles.js';
import { guarded } from './openapi-security.js';
import { error, json, ref, type Json } from './openapi-kit.js';

const operatorGuard = guarded([OPERATOR]);

export const retrySchemas: Record<string, Json> = {
  RetryResult: {
    type: 'object',
    properties: {
      deployment: { ...ref('DeploymentRecord'), description: 'The new run (Queued, `retryOf` set).' },
      retryOf: { ...ref('DeploymentRecord'), description: 'The run retried (`retriedBy` set).' },
    },
    required: ['deployment', 'retryOf'],
    additionalProperties: false,
  },
};

export const retryPaths: Record<string, Json> = {
  '/api/deployments/{id}/retry': {
    post: {
      operationId: 'retryDeployment',
      summary:
        'Runs the image of a Failed, Cancelled or RolledBack deployment again, as a new deployment ' +
        '`<id>-r<n>` queued in the service lane like a push (no rebuild). Audited on both timelines.',
      parameters: [
        {
          name: 'id',
          in: 'path',
          required: true,
          schema: { type: 'string' },
          description: 'Deployment id: <service>-<12 hex>, or <service>-<12 hex>-r<n> for a retry.',
        },
      ],
      requestBody: {
        required: false,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              properties: { comment: { type: 'string', description: 'Why (recorded on both timelines).' } },
              additionalProperties: false,
            },
          },
        },
      },
      responses: {
        '201': {
          ...json(ref('RetryResult'), 'The new run, queued; Location names it.'),
          headers: { Location: { description: 'The new deployment.', schema: { type: 'string' } } },
        },
        '400': error('Not a deployment id, or a malformed body.'),
        '404': error('No such deployment.'),
        '409': error(
          'deployment-not-finished (queued or running), deployment-succeeded, not-retryable (superseded), ' +
            'retry-exists (already retried: details.retriedBy; two racing retries make one run), too-many-retries, ' +
            'digest-quarantined (the image was rolled back: details.deploymentId, details.lift).',
        ),
        '413': error('Body larger than 64 KiB.'),
        '415': error('Content type is not application/json.'),
        '500': error('Unexpected failure; the error was logged.'),
        ...operatorGuard.responses,
      },
      security: operatorGuard.security,
    },
  },
};
