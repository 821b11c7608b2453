import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gantry } from './harness.js';
import { startLoopback, type Loopback } from './loopback.js';

/**
 * `gantry login` through @azure/identity's AzureCliCredential, with a stand-in `az` first on PATH: the
 * credential runs `az account get-access-token --output json --resource <audience> [--tenant <t>]` and
 * parses its JSON, so the stand-in records its arguments and prints what the real command prints.
 */
const CLIENT_ID = '0b1c2d3e-0000-4000-8000-123456789abc';
const FAKE_AZ = `#!/bin/sh
echo "$@" >> "$FAKE_AZ_LOG"
if [ -n "$FAKE_AZ_FAIL" ]; then
  echo "ERROR: Please run 'az login' to setup account." >&2
  exit 1
fi
cat <<JSON
{
  "accessToken": "$FAKE_AZ_TOKEN",
  "expiresOn": "2030-01-01 00:00:00.000000",
  "expires_on": $FAKE_AZ_EXPIRES,
  "subscription": "00000000-0000-0000-0000-000000000000",
  "tenant": "11111111-1111-1111-1111-111111111111",
  "tokenType": "Bearer"
}
JSON
`;

let dir: string;
let gantryA: Loopback;
let gantryB: Loopback;
const me = {
  authenticated: true,
  principal: {
    name: 'ada@contoso.com',
    groups: [],
    roles: ['Gantry.Reader', 'Gantry.Operator'],
    source: 'app-service',
  },
  serverTime: '2026-01-05T12:00:00.000Z',
};

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gantry-login-'));
  writeFileSync(join(dir, 'az'), FAKE_AZ);
  chmodSync(join(dir, 'az'), 0o755);
  const answer = () => ({ status: 200, body: me });
  [gantryA, gantryB] = await Promise.all([startLoopback(answer), startLoopback(answer)]);
});
afterEach(async () => {
  await Promise.all([gantryA?.close(), gantryB?.close()]);
});

const inOneHour = () => String(Math.floor(Date.now() / 1000) + 3600);
const env = (extra: Record<string, string> = {}) => ({
  PATH: `${dir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
  HOME: dir,
  XDG_CONFIG_HOME: join(dir, 'config'),
  FAKE_AZ_LOG: join(dir, 'az.log'),
  FAKE_AZ_TOKEN: 'tok-1',
  FAKE_AZ_EXPIRES: inOneHour(),
  ...extra,
});
const run = (args: string[], url: string, extra?: Record<string, string>) =>
  gantry(args, { url, as: null, env: env(extra) });
const cacheFile = () => join(dir, 'config', 'gantry', 'tokens.json');
const cache = () =>
  (
    JSON.parse(readFileSync(cacheFile(), 'utf8')) as {
      tokens: Record<string, { accessToken: string; expiresOn: string }>;
    }
  ).tokens;
const azCalls = () => readFileSync(join(dir, 'az.log'), 'utf8').trim().split('\n');
const bearer = (lb: Loopback) => lb.requests.map((r) => r.headers.authorization ?? null);

describe('gantry login with the Azure CLI', { timeout: 60_000 }, () => {
  it('gets a token for the audience, caches it for this URL only (mode 600) and sends it afterwards', async () => {
    const login = await run(
      ['login', '--audience', CLIENT_ID, '--tenant', 'contoso.onmicrosoft.com'],
      gantryA.url,
    );
    expect([login.code, login.stderr]).toEqual([0, '']);
    expect(azCalls()).toEqual([
      `account get-access-token --output json --resource api://${CLIENT_ID} --tenant contoso.onmicrosoft.com`,
    ]);
    expect(login.stdout).toMatch(/^signed in +http:\/\/127\.0\.0\.1:\d+$/m);
    expect(login.stdout).toMatch(/^as +ada@contoso\.com$/m);
    expect(login.stdout).toMatch(/^roles +Gantry\.Reader, Gantry\.Operator$/m);
    expect(bearer(gantryA)).toEqual(['Bearer tok-1']);
    expect(statSync(cacheFile()).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'config', 'gantry')).mode & 0o777).toBe(0o700);
    expect(Object.keys(cache())).toEqual([gantryA.url]);

    const whoami = await run(['whoami'], gantryA.url);
    expect(whoami.code).toBe(0);
    expect(bearer(gantryA)).toEqual(['Bearer tok-1', 'Bearer tok-1']);
    const config = JSON.parse((await run(['config', '--json'], gantryA.url)).stdout) as {
      token: string;
      sources: { token?: string };
    };
    expect(config).toMatchObject({ token: 'set', sources: { token: 'login' } });
    expect(JSON.stringify(config)).not.toContain('tok-1');

    // Another Gantry is another sign-in: nothing cached for it, nothing sent.
    await run(['whoami'], gantryB.url);
    expect(bearer(gantryB)).toEqual([null]);
  });

  it('renews an expired token through the Azure CLI before the command runs', async () => {
    await run(['login', '--audience', CLIENT_ID], gantryA.url);
    const tokens = cache();
    const entry = tokens[gantryA.url];
    if (!entry) throw new Error('no cache entry');
    entry.expiresOn = new Date(Date.now() - 60_000).toISOString();
    writeFileSync(cacheFile(), JSON.stringify({ version: 1, tokens }));
    const r = await run(['whoami'], gantryA.url, { FAKE_AZ_TOKEN: 'tok-2' });
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(bearer(gantryA)).toEqual(['Bearer tok-1', 'Bearer tok-2']);
    expect(azCalls()).toHaveLength(2);
    expect(cache()[gantryA.url]?.accessToken).toBe('tok-2');
  });

  it('forgets the token on logout, keeping other URLs’ sign-ins', async () => {
    await run(['login', '--audience', CLIENT_ID], gantryA.url);
    await run(['login', '--audience', CLIENT_ID], gantryB.url, { FAKE_AZ_TOKEN: 'tok-b' });
    const out = await run(['logout'], gantryA.url);
    expect(out.stdout).toBe(`Signed out of ${gantryA.url}.\n`);
    expect(Object.keys(cache())).toEqual([gantryB.url]);
    expect(statSync(cacheFile()).mode & 0o777).toBe(0o600);
    await run(['whoami'], gantryA.url);
    expect(bearer(gantryA).at(-1)).toBeNull();
    expect((await run(['logout'], gantryA.url)).stdout).toBe(`Not signed in to ${gantryA.url}.\n`);
    await run(['logout', '--all'], gantryB.url);
    expect(cache()).toEqual({});
  });

  it('says what to do when the Azure CLI is not signed in, and caches nothing', async () => {
    const r = await run(['login', '--audience', CLIENT_ID], gantryA.url, { FAKE_AZ_FAIL: '1' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^gantry: error: Could not sign in through the Azure CLI: .*az login/);
    expect(() => statSync(cacheFile())).toThrow();
    expect(gantryA.requests).toEqual([]);
  });

  it('needs an audience, given as a client id or an application ID URI', async () => {
    const none = await run(['login'], gantryA.url);
    expect([none.code, none.stderr]).toEqual([2, expect.stringContaining("needs Gantry's API audience")]);
    const bad = await run(['login', '--audience', 'gantry'], gantryA.url);
    expect([bad.code, bad.stderr]).toEqual([
      2,
      expect.stringContaining('client id (a GUID) or its application ID URI'),
    ]);
    const uri = await run(['login', '--audience', 'api://gantry.contoso.com'], gantryA.url);
    expect(uri.code).toBe(0);
    expect(azCalls()).toEqual(['account get-access-token --output json --resource api://gantry.contoso.com']);
  });

  it('replaces a cache file that others could read with one they cannot', async () => {
    await run(['login', '--audience', CLIENT_ID], gantryA.url);
    chmodSync(cacheFile(), 0o644);
    await run(['login', '--audience', CLIENT_ID], gantryB.url);
    expect(statSync(cacheFile()).mode & 0o777).toBe(0o600);
  });
});
