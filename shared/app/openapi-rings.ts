/**
 * OpenAPI schema of a release train's ring view (`rings` in `GET /api/deployments/{id}`, see
 * shared/domain/ring-view.ts). Merged into the document's components in openapi.ts.
 */
type Json = Record<string, unknown>;

export const ringSchemas: Record<string, Json> = {
  RingView: {
    type: 'object',
    description: 'One ring of a release train (production.rings) and the version it runs.',
    properties: {
      name: { type: 'string' },
      region: { type: 'string' },
      state: {
        type: 'string',
        enum: ['pending', 'soaking', 'frozen', 'deploying', 'released', 'rolled-back', 'held', 'untouched'],
      },
      weight: { type: 'number', description: 'Canary weight in the ring now (0 outside its canary).' },
      image: {
        type: ['string', 'null'],
        description:
          'Digest the ring runs: this run’s, the one rolled back to, or null (the previous release).',
      },
    },
    required: ['name', 'state', 'weight', 'image'],
    additionalProperties: false,
  },
};
