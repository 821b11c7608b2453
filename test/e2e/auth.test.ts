import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAzurite, type AzuriteHandle } from '../../devhost/durable/azurite.js';
import type { Role } from '../../shared/domain/roles.js';
import { ada, digest, PipelineHarness, principalHeaders, type User } from './pipeline-harness.js';

/**
 * Where the app runs decides which identities it believes. The app reads the platform's variables on
 * every request (shared/config.ts readHostingSettings), so one host plays Azure by setting them.
 */
const AZURE = { WEBSITE_SITE_NAME: 'gantry-func', WEBSITE_INSTANCE_ID: 'a1b2c3' };
const PLATFORM = [...Object.keys(AZURE), 'WEBSITE_AUTH_ENABLED', 'GANTRY_DEV_PRINCIPAL'];
const ALL_ROLES: Role[] = ['Gantry.Reader', 'Gantry.Operator', 'Gantry.Approver'];
const ID = 'apigateway-0123456789ab';

let azurite: AzuriteHandle;
let h: PipelineHarness;
const logs: string[] = [];
const saved = Object.fromEntries(PLATFORM.map((n) => [n, process.env[n]]));

beforeAll(async () => {
  azurite = await startAzurite({ location: undefined });
});
afterAll(async () => {
  await azurite?.stop();
});
beforeEach(async () => {
  logs.length = 0;
  h = await PipelineHarness.start({
    storage: azurite.connectionString,
    logger: (_level, ...args) => logs.push(args.map(String).join(' ')),
  });
});
afterEach(async () => {
  for (const [n, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[n];
    else process.env[n] = v;
  }
  await h?.close();
});

function inAzure(authEnabled: boolean): void {
  Object.assign(process.env, AZURE);
  if (authEnabled) process.env.WEBSITE_AUTH_ENABLED = 'True';
  else delete process.env.WEBSITE_AUTH_ENABLED;
}

const forger: User = { name: 'mallory', groups: ['devops-team'], roles: ALL_ROLES };

async function call(method: 'GET' | 'POST', path: string, headers: Record<string, string>, body?: unknown) {
  const res = await h.host.request(path, {
    method,
    headers: { ...(method === 'POST' ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { error?: { code: string; details: unknown } } };
}

/** Every guarded endpoint, a body its validation would accept up to a lookup, and the role it needs. */
const ENDPOINTS: Array<[string, 'GET' | 'POST', string, unknown, Role]> = [
  ['list deployments', 'GET', '/api/deployments', undefined, 'Gantry.Reader'],
  ['read a deployment', 'GET', `/api/deployments/${ID}`, undefined, 'Gantry.Reader'],
  ['list services', 'GET', '/api/services', undefined, 'Gantry.Reader'],
  ['list releases', 'GET', '/api/services/ApiGateway/releases', undefined, 'Gantry.Reader'],
  ['DORA metrics', 'GET', '/api/metrics/dora', undefined, 'Gantry.Reader'],
  ['trigger', 'POST', '/api/deployments', { service: 'ApiGateway', image: 'x' }, 'Gantry.Operator'],
  ['cancel', 'POST', `/api/deployments/${ID}/cancel`, {}, 'Gantry.Operator'],
  ['abort', 'POST', `/api/deployments/${ID}/abort`, { comment: 'x' }, 'Gantry.Operator'],
  ['skip-analysis', 'POST', `/api/deployments/${ID}/skip-analysis`, { comment: 'x' }, 'Gantry.Operator'],
  ['resume', 'POST', `/api/deployments/${ID}/resume`, {}, 'Gantry.Operator'],
  ['rejudge', 'POST', `/api/deployments/${ID}/rejudge`, { canary: {} }, 'Gantry.Operator'],
  ['rollback', 'POST', '/api/services/ApiGateway/rollback', { comment: 'x' }, 'Gantry.Operator'],
  ['approve', 'POST', `/api/deployments/${ID}/approve`, {}, 'Gantry.Approver'],
  ['reject', 'POST', `/api/deployments/${ID}/reject`, { comment: 'x' }, 'Gantry.Approver'],
];

describe('in Azure without App Service authentication', () => {
  it('refuses a forged principal on every endpoint with 503 and logs the missing setting', async () => {
    inAzure(false);
    for (const [what, method, path, body] of ENDPOINTS) {
      const r = await call(method, path, principalHeaders(forger), body);
      expect([what, r.status, r.body.error?.code]).toEqual([what, 503, 'authentication-not-configured']);
      expect(r.body.error?.details).toEqual({ setting: 'WEBSITE_AUTH_ENABLED' });
    }
    const me = await call('GET', '/api/me', principalHeaders(forger));
    expect(me.status).toBe(503);
    expect(logs.some((l) => /authentication: WEBSITE_AUTH_ENABLED missing or off/.test(l))).toBe(true);
    const lanes = await h.host.request('/runtime/webhooks/durabletask/instances');
    expect(await lanes.json()).toEqual([]);
  });

  it('never falls back to the development principal', async () => {
    inAzure(false);
    process.env.GANTRY_DEV_PRINCIPAL = JSON.stringify({ name: 'dev', groups: [], roles: ALL_ROLES });
    expect((await call('GET', '/api/deployments', {})).status).toBe(503);
    inAzure(true);
    const r = await call('GET', '/api/deployments', {});
    expect([r.status, r.body.error?.code]).toEqual([401, 'unauthenticated']);
  });

  it('leaves the self-authenticating routes alone', async () => {
    inAzure(false);
    expect((await h.host.request('/api/health')).status).toBe(200);
    const acr = await call('POST', '/api/webhooks/acr', { 'x-acr-key': 'wrong' }, {});
    expect([acr.status, acr.body.error?.code]).toEqual([401, 'unauthorized']);
  });
});

describe('in Azure with App Service authentication', () => {
  it.each(ENDPOINTS.map(([what, method, path, body, role]) => ({ what, method, path, body, role })))(
    '$what needs $role',
    async ({ method, path, body, role }) => {
      inAzure(true);
      // Every other role; none at all for a read (Operator and Approver each include Reader).
      const others = role === 'Gantry.Reader' ? [] : ALL_ROLES.filter((r) => r !== role);
      const without: User = { name: 'no-role', groups: ['devops-team'], roles: others };
      const refused = await call(method, path, principalHeaders(without), body);
      expect([refused.status, refused.body.error?.code]).toEqual([403, 'role-required']);
      expect(refused.body.error?.details).toMatchObject({ role });
      const holder: User = { name: 'holder', groups: ['devops-team'], roles: [role] };
      const allowed = await call(method, path, principalHeaders(holder), body);
      // Past the guard: answered by the endpoint itself (found, not found, invalid, or not now).
      expect([401, 403, 500, 503]).not.toContain(allowed.status);
    },
  );

  it('believes the platform’s headers: an operator triggers, a reader sees it', async () => {
    inAzure(true);
    const image = `hearloveen.azurecr.io/api-gateway:1.4.0@${digest()}`;
    const r = await call('POST', '/api/deployments', principalHeaders(ada), { service: 'ApiGateway', image });
    expect(r.status).toBe(201);
    const me = await call(
      'GET',
      '/api/me',
      principalHeaders({ name: 'rita', groups: [], roles: ['Gantry.Reader'] }),
    );
    expect(me.body).toMatchObject({ principal: { name: 'rita', roles: ['Gantry.Reader'] } });
  });
});
