/**
 * OpenAPI path and schemas of `GET /api/services/{name}`, the service board (shared/app/service-board.ts).
 * Merged into the document in openapi.ts.
 */
import { DEPLOYMENT_STATES } from '../domain/state-machine.js';
import { READER } from '../domain/roles.js';
import { guarded } from './openapi-security.js';
import { error, json, obj, ref, type Json } from './openapi-kit.js';

const readerGuard = guarded([READER]);
const str: Json = { type: 'string' };
const strOrNull: Json = { type: ['string', 'null'] };
const strings: Json = { type: 'array', items: str };
const state: Json = { type: 'string', enum: [...DEPLOYMENT_STATES] };

/** A live read: its fields when the system answered, else `reachable: false` and `error` (why). */
const probe = (fields: Json): Json =>
  obj({ reachable: { type: 'boolean' }, error: str, ...fields }, ['reachable']);

const releaseOrNull: Json = { type: ['object', 'null'], $ref: '#/components/schemas/ReleaseRecord' };

export const boardSchemas: Record<string, Json> = {
  EnvironmentBoard: obj({
    environment: { type: 'string', enum: ['staging', 'production'] },
    live: obj(
      {
        argo: probe({ app: str, sync: str, health: str, phase: str, images: strings }),
        cluster: probe({
          deployment: str,
          images: strings,
          ready: { type: 'boolean' },
          replicas: { type: 'integer' },
          readyReplicas: { type: 'integer' },
        }),
        canaryWeight: probe({ weight: { type: 'number', minimum: 0, maximum: 100 } }),
      },
      ['argo'],
    ),
    current: obj(
      {
        verdict: {
          type: 'string',
          enum: ['match', 'drift', 'unrecorded', 'unknown'],
          description:
            "match: live = Gantry's last release; drift: they differ; unrecorded: Gantry released nothing " +
            'to the environment; unknown: no digest could be read.',
        },
        digest: strOrNull,
        version: strOrNull,
        message: str,
      },
      ['verdict', 'digest', 'version'],
    ),
    recorded: releaseOrNull,
  }),
  ServiceBoard: obj(
    {
      service: str,
      at: { type: 'string', format: 'date-time' },
      environments: { type: 'array', items: ref('EnvironmentBoard') },
      lastKnownGood: releaseOrNull,
      releases: {
        type: 'array',
        description: 'Production releases, newest first; only the first is current (live by the records).',
        items: obj(
          {
            service: str,
            environment: { type: 'string', enum: ['staging', 'production'] },
            deploymentId: str,
            image: ref('ImageRef'),
            releasedAt: str,
            via: {
              type: 'string',
              enum: ['rollback'],
              description: 'Put back by a manual service rollback.',
            },
            current: { type: 'boolean' },
            rolledBack: { type: 'boolean', description: 'A manual rollback took production away from it.' },
          },
          ['service', 'environment', 'deploymentId', 'image', 'releasedAt', 'current', 'rolledBack'],
        ),
      },
      inFlight: {
        ...obj({
          id: str,
          state,
          weight: { type: 'number' },
          liveWeight: { type: ['number', 'null'] },
          version: strOrNull,
          digest: str,
          reason: strOrNull,
        }),
        type: ['object', 'null'],
      },
      queue: { type: 'array', items: obj({ deploymentId: str, digest: str, enqueuedAt: str }) },
      holds: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            kind: { type: 'string', enum: ['rollback', 'freeze', 'approval', 'lane'] },
            message: str,
            name: str,
            reason: str,
            until: strOrNull,
            deploymentId: str,
          },
          required: ['kind', 'message'],
          additionalProperties: false,
        },
      },
      quarantine: ref('ServiceQuarantine'),
      recent: {
        type: 'array',
        items: obj({
          id: str,
          state,
          reason: strOrNull,
          rolledBack: { type: 'boolean', description: 'Succeeded, then a manual rollback replaced it.' },
          version: strOrNull,
          digest: str,
          updatedAt: str,
        }),
      },
      rings: {
        type: 'array',
        items: ref('ServiceRing'),
        description: 'A release train (production.rings): which version runs in each ring now.',
      },
    },
    [
      'service',
      'at',
      'environments',
      'lastKnownGood',
      'releases',
      'inFlight',
      'queue',
      'holds',
      'quarantine',
      'recent',
    ],
  ),
};

export const boardPaths: Record<string, Json> = {
  '/api/services/{name}': {
    get: {
      operationId: 'serviceBoard',
      summary:
        'What runs where and why: per environment the digest live now (read back from Argo CD and the ' +
        "cluster, each read marked unreachable on failure or after 5 s) against Gantry's last release, the " +
        'last known good release, the deployment in flight, the queue, holds and recent outcomes.',
      parameters: [
        {
          name: 'name',
          in: 'path',
          required: true,
          schema: { type: 'string' },
          description: 'Configured service name (any casing).',
        },
      ],
      security: readerGuard.security,
      responses: {
        '200': json(ref('ServiceBoard'), 'The board.'),
        ...readerGuard.responses,
        '404': error('Unknown service.'),
        '500': error('Unexpected failure; the error was logged.'),
      },
    },
  },
};
