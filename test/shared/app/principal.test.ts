import { describe, expect, it } from 'vitest';
import { principalFrom } from '../../../shared/app/principal.js';

const headers = (h: Record<string, string>) => ({ get: (name: string) => h[name.toLowerCase()] ?? null });
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

describe('principalFrom', () => {
  it('reads App Service authentication: name, id, group and role claims', () => {
    const p = principalFrom(
      headers({
        'x-ms-client-principal': encode({
          auth_typ: 'aad',
          claims: [
            { typ: 'groups', val: 'devops-team' },
            { typ: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role', val: 'tech-lead' },
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
      groups: ['devops-team', 'tech-lead'],
      source: 'app-service',
    });
  });

  it('falls back to the name claim and a custom role claim type', () => {
    const p = principalFrom(
      headers({
        'x-ms-client-principal': encode({
          claims: [
            { typ: 'n', val: 'linus' },
            { typ: 'r', val: 'tech-lead' },
          ],
          name_typ: 'n',
          role_typ: 'r',
        }),
      }),
    );
    expect(p).toMatchObject({ name: 'linus', groups: ['tech-lead'] });
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
      source: 'development',
    });
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

describe('appServicePrincipalHeaders', () => {
  it('round-trips through principalFrom', async () => {
    const { appServicePrincipalHeaders } = await import('../../../shared/app/principal.js');
    const h = appServicePrincipalHeaders({ name: 'ada', groups: ['devops-team', 'tech-lead'] });
    expect(principalFrom(headers(h))).toEqual({
      name: 'ada',
      id: 'oid-ada',
      groups: ['devops-team', 'tech-lead'],
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
});
