/**
 * OpenAPI for who may call what: the Entra bearer scheme App Service authentication validates, the Gantry
 * role each operation needs (OpenAPI 3.1 lets a non-OAuth requirement list role names), and the identity
 * errors every guarded operation can answer with. Merged into the document in openapi.ts.
 */
import { APPROVER, OPERATOR, type Role } from '../domain/roles.js';

type Json = Record<string, unknown>;

const error = (description: string): Json => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

export const securitySchemes: Record<string, Json> = {
  entra: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'A Microsoft Entra access token for the app registration (audience api://<client id>), validated by ' +
      'App Service authentication, which hands the app the caller and its `roles` claim. `gantry login` ' +
      'gets one. Locally the dev host accepts the principal headers or its development principal instead.',
  },
};

const unauthenticated = error(
  'No caller identity (code unauthenticated), or a malformed principal header (invalid-principal); ' +
    'on a development host X-Gantry-Dev-Principal picks another listed development principal ' +
    '(unknown-dev-principal if not listed).',
);
const misconfigured = error(
  'authentication-not-configured: running in Azure without App Service authentication (WEBSITE_AUTH_ENABLED), ' +
    'so no principal header can be believed; details.setting names the missing setting.',
);

/** `security` and the 401/403/503 answers of an operation that needs `roles` (any one of them). */
export function guarded(roles: Role[], note = ''): { security: Json[]; responses: Json } {
  return {
    security: [{ entra: roles }],
    responses: {
      '401': unauthenticated,
      '403': error(
        `role-required: the caller lacks ${roles.join(' or ')}${note} (details.role names the role needed).`,
      ),
      '503': misconfigured,
    },
  };
}

/** The deployment actions: decisions are the approver's, everything else the operator's. */
export const actionGuard = guarded(
  [OPERATOR, APPROVER],
  ': approve and reject need Gantry.Approver (then the approval policy may still refuse, code approval-refused, details.approver), every other action Gantry.Operator',
);

/** `GET /api/me`: open to anonymous callers; a deployment's part needs Gantry.Reader. */
export const meGuard = {
  security: [{}, { entra: [] }],
  responses: {
    '401': unauthenticated,
    '403': error('role-required: `deployment` was given and the caller lacks Gantry.Reader.'),
    '503': misconfigured,
  },
};
