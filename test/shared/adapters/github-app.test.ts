import { generateKeyPairSync, verify } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { GitHubClient, githubAppToken } from '../../../shared/adapters/github.js';
import { notFound, startGitHub, type FakeGitHub, type Reply, type SeenRequest } from './github-server.js';

const IMAGE = {
  registry: 'hearloveen.azurecr.io',
  repository: 'api-gateway',
  digest: `sha256:${'5ba0'.repeat(16)}`,
};
const E2E = {
  name: 'e2e',
  repository: 'hearloveen/platform',
  workflow: 'e2e.yml',
  ref: 'main',
  timeout: 1_800_000,
};

let gh: FakeGitHub | undefined;
afterEach(async () => {
  await gh?.close();
  gh = undefined;
});

describe('githubAppToken', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const jwtClaims: Array<Record<string, unknown>> = [];

  /** GitHub's side: verify the RS256 app JWT, then issue a one-hour installation token. */
  function appServer(now: () => number) {
    let issued = 0;
    return (req: SeenRequest): Reply => {
      if (req.path === '/app/installations/4242/access_tokens' && req.method === 'POST') {
        const [h, p, s] = String(req.headers.authorization).replace('Bearer ', '').split('.') as [
          string,
          string,
          string,
        ];
        if (!verify('sha256', Buffer.from(`${h}.${p}`), publicKey, Buffer.from(s, 'base64url'))) {
          return { status: 401, body: { message: 'A JSON web token could not be decoded' } };
        }
        jwtClaims.push({
          ...JSON.parse(Buffer.from(h, 'base64url').toString()),
          ...JSON.parse(Buffer.from(p, 'base64url').toString()),
        });
        issued++;
        return {
          status: 201,
          body: {
            token: `ghs_installation${issued}`,
            expires_at: new Date(now() + 3_600_000).toISOString(),
            permissions: { actions: 'write' },
          },
        };
      }
      if (req.path.startsWith('/repos/')) return { status: 204 };
      return notFound;
    };
  }

  it('signs an RS256 JWT, caches the installation token until 5 minutes before expiry, and shares one exchange', async () => {
    let now = Date.parse('2026-11-20T10:00:00Z');
    gh = await startGitHub(appServer(() => now));
    const token = githubAppToken({
      appId: 123456,
      privateKeyPem: privateKey,
      installationId: 4242,
      apiUrl: gh.url,
      now: () => now,
    });
    expect(await Promise.all([token(), token()])).toEqual(['ghs_installation1', 'ghs_installation1']);
    expect(jwtClaims.at(-1)).toMatchObject({
      alg: 'RS256',
      typ: 'JWT',
      iss: '123456',
      iat: now / 1000 - 60,
      exp: now / 1000 + 540,
    });
    now += 54 * 60_000; // 6 minutes left: still reused
    expect(await token()).toBe('ghs_installation1');
    now += 2 * 60_000; // 4 minutes left: refreshed
    expect(await token()).toBe('ghs_installation2');
    expect(gh.seen.filter((r) => r.path.endsWith('/access_tokens'))).toHaveLength(2);

    // Plugged into the client, every request carries the installation token.
    const api = new GitHubClient({ apiUrl: gh.url, token });
    await api.dispatch(E2E, 'd-1', IMAGE);
    expect(gh.seen.at(-1)?.headers.authorization).toBe('Bearer ghs_installation2');
  });

  it('maps a refused JWT and retries the exchange on the next call', async () => {
    const other = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    gh = await startGitHub(appServer(Date.now));
    const token = githubAppToken({
      appId: 1,
      privateKeyPem: other.privateKey,
      installationId: '4242',
      apiUrl: gh.url,
    });
    await expect(token()).rejects.toMatchObject({ code: 'github-unauthorized' });
    await expect(token()).rejects.toMatchObject({ code: 'github-unauthorized' });
    expect(gh.seen).toHaveLength(2);
  });

  it('refuses a bad key or installation id without echoing the key', () => {
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nSECRETKEYMATERIAL\n-----END RSA PRIVATE KEY-----';
    expect(() => githubAppToken({ appId: 1, privateKeyPem: pem, installationId: 1 })).toThrow(
      /not a valid PEM/,
    );
    try {
      githubAppToken({ appId: 1, privateKeyPem: pem, installationId: 1 });
    } catch (e) {
      expect(String((e as Error).stack)).not.toContain('SECRETKEYMATERIAL');
    }
    expect(() => githubAppToken({ appId: 1, privateKeyPem: privateKey, installationId: '1/../x' })).toThrow(
      /installation id/,
    );
  });

  it('refuses an answer without a token', async () => {
    gh = await startGitHub(() => ({ status: 201, body: { expires_at: 'never' } }));
    const token = githubAppToken({
      appId: 1,
      privateKeyPem: privateKey,
      installationId: 4242,
      apiUrl: gh.url,
    });
    await expect(token()).rejects.toMatchObject({ code: 'github-unexpected' });
  });
});
