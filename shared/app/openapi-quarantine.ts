/**
 * OpenAPI paths and schemas of digest quarantine and lane holds (shared/app/quarantine.ts): the lifts,
 * and the `quarantine` part of the service board. Merged into the document in openapi.ts.
 */
import { OPERATOR } from '../domain/roles.js';
import { guarded } from './openapi-security.js';
import { error, json, obj, ref, type Json } from './openapi-kit.js';

const operatorGuard = guarded([OPERATOR]);
const str: Json = { type: 'string' };
const time: Json = { type: 'string', format: 'date-time' };
const environment: Json = { type: 'string', enum: ['staging', 'production'] };

const lift = obj({ by: str, reason: str, at: time }, ['by', 'reason', 'at']);

export const quarantineSchemas: Record<string, Json> = {
  QuarantineRecord: obj(
    {
      service: str,
      digest: str,
      deploymentId: { type: 'string', description: 'The rolled back run (GET /api/deployments/{id}).' },
      reason: str,
      cause: { type: 'string', enum: ['automatic', 'person'] },
      actor: str,
      at: time,
      lifted: { ...lift, description: 'Who lifted the quarantine, when and why.' },
      refusals: obj({ count: { type: 'integer' }, lastAt: time, lastSource: str }),
    },
    ['service', 'digest', 'deploymentId', 'reason', 'cause', 'at'],
  ),
  HoldRecord: obj(
    {
      service: str,
      environment,
      deploymentId: { type: 'string', description: 'The run whose automatic rollback set the hold.' },
      reason: str,
      at: time,
      lifted: { ...lift, description: 'Who lifted the hold, when and why.' },
    },
    ['service', 'environment', 'deploymentId', 'reason', 'at'],
  ),
  ServiceQuarantine: obj({
    quarantined: {
      type: 'array',
      description: 'Digests refused (push, trigger, retry) until lifted, newest first.',
      items: ref('QuarantineRecord'),
    },
    liftedQuarantine: {
      type: 'array',
      description: 'The latest lifted quarantines (at most 10), newest first.',
      items: ref('QuarantineRecord'),
    },
    hold: {
      type: ['object', 'null'],
      $ref: '#/components/schemas/HoldRecord',
      description: "The lane's latest hold (`lifted` once lifted); null when never held.",
    },
  }),
};

const reasonBody = {
  required: true,
  content: {
    'application/json': {
      schema: obj({ reason: { type: 'string', minLength: 1, maxLength: 2000 } }),
    },
  },
};

const serviceParam = {
  name: 'name',
  in: 'path',
  required: true,
  schema: { type: 'string' },
  description: 'Service name (any casing).',
};

const common = {
  '400': error('reason-required, invalid-digest, or a malformed body.'),
  '404': error('unknown-service, or not-quarantined (the digest was never quarantined).'),
  '413': error('Body larger than 64 KiB.'),
  '415': error('Content type is not application/json.'),
  '500': error('Unexpected failure; the error was logged.'),
  ...operatorGuard.responses,
};

export const quarantinePaths: Record<string, Json> = {
  '/api/services/{name}/quarantine/{digest}/lift': {
    post: {
      operationId: 'liftQuarantine',
      summary:
        'Lifts the quarantine of a rolled back digest, so it may be pushed, triggered and retried again. ' +
        "Audited: who, when and why are stored on the quarantine and in the rolled back run's timeline.",
      parameters: [
        serviceParam,
        {
          name: 'digest',
          in: 'path',
          required: true,
          schema: { type: 'string' },
          description: 'sha256:<64 hex> (URL-encode the colon or not).',
        },
      ],
      requestBody: reasonBody,
      responses: {
        '200': json(obj({ quarantine: ref('QuarantineRecord') }), 'The quarantine, now lifted.'),
        '409': error('already-lifted.'),
        ...common,
      },
      security: operatorGuard.security,
    },
  },
  '/api/services/{name}/hold/lift': {
    post: {
      operationId: 'liftHold',
      summary:
        'Lifts the hold an automatic rollback put on the service lane: the lane then takes the newest ' +
        "queued push. Audited on the hold and in the rolled back run's timeline.",
      parameters: [serviceParam],
      requestBody: reasonBody,
      responses: {
        '200': json(obj({ hold: ref('HoldRecord') }), 'The hold, now lifted.'),
        '409': error('not-held (the lane is not held).'),
        ...common,
      },
      security: operatorGuard.security,
    },
  },
};
