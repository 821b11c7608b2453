import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../shared/app/openapi.js';
import { validator } from './openapi-check.js';

const record = {
  id: 'apigateway-0123456789ab',
  service: 'ApiGateway',
  image: { registry: 'r.azurecr.io', repository: 'api-gateway', digest: 'sha256:ab' },
  state: 'Queued',
  source: 'manual',
  createdAt: '2026-01-05T10:00:00.000Z',
  updatedAt: '2026-01-05T10:00:00.000Z',
  weight: 0,
};
const check = (method: string, path: string, status: number, body: unknown, type = 'application/json') =>
  validator.checkResponse(method, path, status, body === undefined ? '' : JSON.stringify(body), type);

describe('OpenAPI response validator', () => {
  it('accepts documented responses', () => {
    expect(check('POST', '/api/deployments', 201, { deployment: record })).toEqual([]);
    expect(check('GET', '/api/deployments', 200, { items: [record], continuationToken: null })).toEqual([]);
    expect(
      check('GET', '/api/services', 200, {
        services: [{ name: 'A', production: null, active: false, activeDeploymentId: null }],
      }),
    ).toEqual([]);
    expect(
      check('GET', '/api/deployments/x', 404, { error: { code: 'c', message: 'm', details: {} } }),
    ).toEqual([]);
  });

  it('rejects undocumented operations, statuses and shapes', () => {
    expect(check('DELETE', '/api/deployments', 200, {})).toEqual([
      'DELETE /api/deployments -> 200: undocumented operation',
    ]);
    expect(check('GET', '/api/health', 418, {})[0]).toContain('undocumented status');
    const { weight: _w, ...noWeight } = record;
    expect(check('POST', '/api/deployments', 201, { deployment: noWeight })[0]).toContain(
      "$.deployment: missing required 'weight'",
    );
    expect(check('POST', '/api/deployments', 201, { deployment: { ...record, extra: 1 } })[0]).toContain(
      "undocumented property 'extra'",
    );
    expect(check('POST', '/api/deployments', 201, { deployment: { ...record, state: 'Nope' } })[0]).toContain(
      'is not one of',
    );
    expect(check('POST', '/api/deployments', 201, { deployment: { ...record, weight: null } })[0]).toContain(
      'expected number, got null',
    );
    expect(check('GET', '/api/deployments', 200, { items: [], continuationToken: 5 })[0]).toContain(
      'expected string | null',
    );
    expect(check('GET', '/api/health', 200, 'ok', 'text/plain')[0]).toContain(
      "expected JSON, got 'text/plain'",
    );
  });

  it('understands every keyword the document uses', () => {
    const schemas = (openApiDocument.components as { schemas: Record<string, Record<string, unknown>> })
      .schemas;
    for (const [name, schema] of Object.entries(schemas)) {
      // A schema checked against an empty value reports unsupported keywords before anything else.
      const problems = validator.validate(schema, {}).filter((p) => p.includes('unsupported'));
      expect([name, problems]).toEqual([name, []]);
    }
  });
});
