/**
 * OpenAPI paths and schemas for the dashboard: the page, its assets and `GET /api/me` (who the caller is
 * and what they may do). Merged into the document in openapi.ts.
 */
import { DEPLOYMENT_ACTIONS } from '../domain/permissions.js';
import { ROLES } from '../domain/roles.js';
import { meGuard } from './openapi-security.js';
import { error, json, obj, ref, type Json } from './openapi-kit.js';

const cacheHeaders = {
  ETag: { description: 'Entity tag; send it back in If-None-Match.', schema: { type: 'string' } },
  'Cache-Control': { description: 'Caching policy.', schema: { type: 'string' } },
};

export const dashboardSchemas: Record<string, Json> = {
  Permission: obj(
    {
      allowed: { type: 'boolean' },
      reason: { type: 'string', description: 'Why not, in the words the action endpoint would answer with.' },
    },
    ['allowed'],
  ),
  CallerView: obj(
    {
      authenticated: { type: 'boolean' },
      principal: {
        type: ['object', 'null'],
        properties: {
          name: { type: 'string' },
          groups: { type: 'array', items: { type: 'string' } },
          roles: {
            type: 'array',
            items: { type: 'string', enum: [...ROLES] },
            description: 'Gantry app roles, implied ones included (Operator and Approver include Reader).',
          },
          source: { type: 'string', enum: ['app-service', 'development'] },
        },
        required: ['name', 'groups', 'roles', 'source'],
        additionalProperties: false,
      },
      serverTime: { type: 'string', description: "The app clock's time (ISO 8601)." },
      deployment: obj(
        {
          id: { type: 'string' },
          state: ref('DeploymentState'),
          actions: obj(Object.fromEntries(DEPLOYMENT_ACTIONS.map((a) => [a, ref('Permission')])), [
            ...DEPLOYMENT_ACTIONS,
          ]),
        },
        ['id', 'state', 'actions'],
      ),
    },
    ['authenticated', 'principal', 'serverTime'],
  ),
};

export const dashboardPaths: Record<string, Json> = {
  '/api/me': {
    get: {
      operationId: 'me',
      summary:
        'Who the caller is and which Gantry roles it holds; with `deployment` (needs Gantry.Reader), which ' +
        'actions on it would be accepted now.',
      security: meGuard.security,
      parameters: [
        {
          name: 'deployment',
          in: 'query',
          required: false,
          schema: { type: 'string' },
          description: 'A deployment id (<service>-<12 hex>).',
        },
      ],
      responses: {
        '200': json(ref('CallerView'), 'The caller (authenticated false when the request has no identity).'),
        '400': error('`deployment` is not a deployment id (details.parameter).'),
        ...meGuard.responses,
        '404': error('No such deployment.'),
        '500': error('Unexpected failure; the error was logged.'),
      },
    },
  },
  '/api/dashboard': {
    get: {
      operationId: 'dashboard',
      summary: 'The live dashboard (HTML; Content-Security-Policy forbids inline script).',
      responses: {
        '200': {
          description: 'The page.',
          headers: {
            ...cacheHeaders,
            'Content-Security-Policy': {
              description: 'No inline script or style.',
              schema: { type: 'string' },
            },
          },
          content: { 'text/html': { schema: { type: 'string' } } },
        },
        '304': { description: 'Not modified (If-None-Match).', headers: cacheHeaders },
        '500': error('The dashboard bundle is missing from the deployment; the error was logged.'),
      },
    },
  },
  '/api/dashboard/assets/{version}/{file}': {
    get: {
      operationId: 'dashboardAsset',
      summary: 'A module, stylesheet or icon of the dashboard, cached as immutable under its bundle version.',
      parameters: [
        { name: 'version', in: 'path', required: true, schema: { type: 'string' }, description: '16 hex.' },
        { name: 'file', in: 'path', required: true, schema: { type: 'string' }, description: 'e.g. app.js.' },
      ],
      responses: {
        '200': {
          description: 'The asset.',
          headers: cacheHeaders,
          content: {
            'text/javascript': { schema: { type: 'string' } },
            'text/css': { schema: { type: 'string' } },
            'image/svg+xml': { schema: { type: 'string' } },
          },
        },
        '304': { description: 'Not modified (If-None-Match).', headers: cacheHeaders },
        '400': error('Not an asset name or version (details.parameter).'),
        '404': error('No such asset in this version (the page is older than the deployment: reload).'),
        '500': error('The dashboard bundle is missing from the deployment; the error was logged.'),
      },
    },
  },
};
