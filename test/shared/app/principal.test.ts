import { describe, expect, it } from 'vitest';
import { principalFrom as principalUnder } from '../../../shared/app/principal.js';
import { trustFor, type Trust } from '../../../shared/app/trust.js';

const headers = (h: Record<string, string>) => ({ get: (name: string) => h[name.toLowerCase()] ?? null });
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');
const DEV_HOST = trustFor({ azureMarkers: [], appServiceAuth: false, development: true });
const AZURE_AUTH = trustFor({
  azureMarkers: ['WEBSITE_SITE_NAME'],
  appServiceAuth: true,
  development: false,
});
const AZURE_OPEN = trustFor({
  azureMarkers: ['WEBSITE_INSTANCE_ID'],
  appServiceAuth: false,
  development: true,
});
/** Most rows read headers as a development host would (it believes them, as the platform's). */
const principalFrom = (h: { get(n: string): string | null }, dev?: string, trust: Trust = DEV_HOST) =>
  principalUnder(h, dev, trust);

describe('principalFrom', () => {
  it('reads App Service authentication: name, id, group and role claims, kept apart', () => {
    const p = principalFrom(
      headers({
        'x-ms-client-principal': encode({
          auth_typ: 'aad',
          claims: [
            { typ: 'groups', val: 'devops-team' },
            { typ: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role', val: 'Gantry.Approver' },
            { typ: 'roles', val: 'tech-lead' },
            { typ: 'groups', val: 'devops-team' },
            { typ: 'aud', val: 'api://gantry' },
          ],
        }),
        'x-ms-client-principal-name': 'ada@example.com',
        'x-ms-client-principal-id': 'oid-1',
      }),
    );
    expect(p).toEqual({
      name: 'ada@example.com',
      id: 'oid-1',
      groups: ['devops-team'],
      roles: ['Gantry.Reader', 'Gantry.Approver'],
      source: 'app-service',
    });
  });

  it('falls back to the name claim and a custom role claim type', () => {
    const p = principalFrom(
      headers({
        'x-ms-client-principal': encode({
          claims: [
            { typ: 'n', val: 'linus' },
            { typ: 'r', val: 'Gantry.Operator' },
          ],
          name_typ: 'n',
          role_typ: 'r',
        }),
      }),
    );
    expect(p).toMatchObject({ name: 'linus', groups: [], roles: ['Gantry.Reader', 'Gantry.Operator'] });
  });

  it.each([
    ['not base64 JSON', '%%%not-base64%%%'],
    ['JSON without claims', encode({ auth_typ: 'aad' })],
    ['claims without a name', encode({ claims: [{ typ: 'groups', val: 'x' }] })],
  ])('refuses a principal that is %s with 401', (_what, value) => {
    expect(() => principalFrom(headers({ 'x-ms-client-principal': value }))).toThrow(
      expect.objectContaining({ status: 401 }),
    );
  });

  it('uses the development principal only when no platform header is present', () => {
    expect(principalFrom(headers({}), '{"name":"dev","groups":["devops-team"]}')).toEqual({
      name: 'dev',
      groups: ['devops-team'],
      roles: [],
      source: 'development',
    });
    expect(
      principalFrom(headers({}), '{"name":"dev","groups":[],"roles":["Gantry.Operator"]}'),
    ).toMatchObject({ roles: ['Gantry.Reader', 'Gantry.Operator'] });
    expect(() => principalFrom(headers({}), '{"name":"dev","groups":[],"roles":["Admin"]}')).toThrow(
      expect.objectContaining({
        code: 'invalid-principal',
        message: expect.stringContaining('Gantry.Reader'),
      }),
    );
    expect(() => principalFrom(headers({}), 'not json')).toThrow(
      expect.objectContaining({ code: 'invalid-principal' }),
    );
    expect(() => principalFrom(headers({}), '{"name":1}')).toThrow(
      expect.objectContaining({ code: 'invalid-principal' }),
    );
    expect(() => principalFrom(headers({}))).toThrow(
      expect.objectContaining({ status: 401, code: 'unauthenticated' }),
    );
  });
});

describe('principalFrom where the app runs', () => {
  const forged = {
    'x-ms-client-principal': encode({ claims: [{ typ: 'roles', val: 'Gantry.Approver' }] }),
    'x-ms-client-principal-name': 'mallory',
  };
  const DEV = '{"name":"dev","groups":[],"roles":["Gantry.Operator"]}';

  it('refuses every caller in Azure without App Service authentication, with a 503 naming the setting', () => {
    for (const [h, dev] of [
      [forged, undefined],
      [{}, DEV],
      [{}, undefined],
    ] as const)
      expect(() => principalUnder(headers(h), dev, AZURE_OPEN)).toThrow(
        expect.objectContaining({
          status: 503,
          code: 'authentication-not-configured',
          message: expect.stringContaining('WEBSITE_AUTH_ENABLED'),
          details: { setting: 'WEBSITE_AUTH_ENABLED' },
        }),
      );
  });

  it('believes the platform’s headers in Azure with App Service authentication, never the development principal', () => {
    expect(principalUnder(headers(forged), DEV, AZURE_AUTH)).toMatchObject({
      name: 'mallory',
      source: 'app-service',
    });
    expect(() => principalUnder(headers({}), DEV, AZURE_AUTH)).toThrow(
      expect.objectContaining({ status: 401, code: 'unauthenticated' }),
    );
  });

  it('refuses everyone on a host that is neither Azure with authentication nor a development host', () => {
    const nowhere = trustFor({ azureMarkers: [], appServiceAuth: false, development: false });
    expect(() => principalUnder(headers(forged), DEV, nowhere)).toThrow(
      expect.objectContaining({ status: 503, details: { setting: 'AZURE_FUNCTIONS_ENVIRONMENT' } }),
    );
  });
});

describe('appServicePrincipalHeaders', () => {
  it('round-trips through principalFrom', async () => {
    const { appServicePrincipalHeaders } = await import('../../../shared/app/principal.js');
    const h = appServicePrincipalHeaders({
      name: 'ada',
      groups: ['devops-team', 'tech-lead'],
      roles: ['Gantry.Approver'],
    });
    expect(principalFrom(headers(h))).toEqual({
      name: 'ada',
      id: 'oid-ada',
      groups: ['devops-team', 'tech-lead'],
      roles: ['Gantry.Reader', 'Gantry.Approver'],
      source: 'app-service',
    });
  });
});

describe('several development principals', () => {
  const LIST = JSON.stringify([
    { name: 'developer@localhost', groups: ['devops-team'] },
    { name: 'reviewer@localhost', groups: ['tech-lead'] },
  ]);
  const as = (name: string, extra: Record<string, string> = {}) =>
    headers({ 'x-gantry-dev-principal': name, ...extra });

  it('acts as the first by default and as another one named in X-Gantry-Dev-Principal', () => {
    expect(principalFrom(headers({}), LIST).name).toBe('developer@localhost');
    expect(principalFrom(as('reviewer@localhost'), LIST)).toEqual({
      name: 'reviewer@localhost',
      groups: ['tech-lead'],
      roles: [],
      source: 'development',
    });
    // A single principal is a list of one: the header may name it, and nothing else.
    expect(principalFrom(as('dev'), '{"name":"dev","groups":[]}').name).toBe('dev');
  });

  it('refuses a name that is not listed, and an empty list', () => {
    expect(() => principalFrom(as('mallory'), LIST)).toThrow(
      expect.objectContaining({
        status: 401,
        code: 'unknown-dev-principal',
        message: "No development principal 'mallory' (known: developer@localhost, reviewer@localhost).",
      }),
    );
    expect(() => principalFrom(headers({}), '[]')).toThrow(
      expect.objectContaining({ code: 'invalid-principal' }),
    );
  });

  it('ignores the header whenever App Service authentication is in force (Azure)', async () => {
    const { appServicePrincipalHeaders } = await import('../../../shared/app/principal.js');
    const platform = appServicePrincipalHeaders({ name: 'ada', groups: [] });
    expect(principalFrom(as('reviewer@localhost', platform), LIST)).toMatchObject({
      name: 'ada',
      source: 'app-service',
    });
    expect(() => principalFrom(as('reviewer@localhost'))).toThrow(
      expect.objectContaining({ code: 'unauthenticated' }),
    );
  });

  it('never picks a development principal in Azure, header or not', () => {
    expect(() => principalFrom(as('reviewer@localhost'), LIST, AZURE_AUTH)).toThrow(
      expect.objectContaining({ status: 401, code: 'unauthenticated' }),
    );
    expect(() => principalFrom(as('reviewer@localhost'), LIST, AZURE_OPEN)).toThrow(
      expect.objectContaining({ status: 503, code: 'authentication-not-configured' }),
    );
  });

  it('gives each listed principal its own roles', () => {
    const list = JSON.stringify([
      { name: 'dev', groups: [], roles: ['Gantry.Operator'] },
      { name: 'rev', groups: [], roles: ['Gantry.Approver'] },
    ]);
    expect(principalFrom(headers({}), list).roles).toEqual(['Gantry.Reader', 'Gantry.Operator']);
    expect(principalFrom(as('rev'), list).roles).toEqual(['Gantry.Reader', 'Gantry.Approver']);
  });
});
