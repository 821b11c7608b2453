/**
 * OpenAPI schema of a release train's ring view (`rings` in `GET /api/deployments/{id}`, see
 * shared/domain/ring-view.ts). Merged into the document's components in openapi.ts.
 */
type Json = Record<string, unknown>;

const state: Json = {
  type: 'string',
  enum: ['pending', 'soaking', 'frozen', 'deploying', 'released', 'rolled-back', 'held', 'untouched'],
};
const targets: Json = {
  type: 'array',
  description: 'Where the ring deploys, in order (names only).',
  items: {
    type: 'object',
    properties: {
      cluster: { type: 'string' },
      namespace: { type: 'string' },
      argoApp: { type: 'string' },
    },
    required: ['cluster', 'namespace', 'argoApp'],
    additionalProperties: false,
  },
};

export const ringSchemas: Record<string, Json> = {
  RingView: {
    type: 'object',
    description: 'One ring of a release train (production.rings) and the version it runs.',
    properties: {
      name: { type: 'string' },
      region: { type: 'string' },
      state,
      weight: { type: 'number', description: 'Canary weight in the ring now (0 outside its canary).' },
      image: {
        type: ['string', 'null'],
        description:
          'Digest the ring runs: this run’s, the one rolled back to, or null (the previous release).',
      },
      targets,
      startedAt: { type: 'string', description: 'When the ring’s rollout began (timeline time).' },
      endedAt: {
        type: 'string',
        description: 'When the ring released or was rolled back (timeline time); absent while running.',
      },
    },
    required: ['name', 'state', 'weight', 'image', 'targets'],
    additionalProperties: false,
  },
  ServiceRing: {
    type: 'object',
    description:
      'Which version runs in one ring of the service now, from its runs since the last production ' +
      'release, newest first: the run that deployed, released or held the ring (held: a run that failed ' +
      'under onRingFailure: hold left its image there), the digest a rollback restored, and for rings no ' +
      'run reached the last release.',
    properties: {
      name: { type: 'string' },
      region: { type: 'string' },
      digest: { type: ['string', 'null'], description: 'Digest running in the ring (null: never released).' },
      deploymentId: { type: ['string', 'null'], description: 'The run that put it there, when known.' },
      state,
      targets,
    },
    required: ['name', 'digest', 'deploymentId', 'state', 'targets'],
    additionalProperties: false,
  },
};
