import { describe, expect, it } from 'vitest';
import { acquireToken } from '../../cli/login.js';
import { parseAudience } from '../../cli/settings.js';
import {
  EXPIRY_MARGIN_MS,
  parseTokenCache,
  serializeTokenCache,
  stillValid,
  tokenCachePath,
  type CachedToken,
} from '../../cli/token-cache.js';

const entry: CachedToken = {
  accessToken: 'eyJ.a.b',
  expiresOn: '2026-01-05T13:00:00.000Z',
  audience: 'api://0b1c2d3e-0000-4000-8000-123456789abc',
  method: 'azure-cli',
};

describe('the token cache', () => {
  it('round-trips and drops what it cannot trust', () => {
    const text = serializeTokenCache({ 'https://a.example': entry });
    expect(parseTokenCache(text)).toEqual({ 'https://a.example': entry });
    expect(parseTokenCache(undefined)).toEqual({});
    expect(parseTokenCache('{not json')).toEqual({});
    expect(parseTokenCache('{"tokens": 3}')).toEqual({});
    const damaged = JSON.stringify({
      tokens: {
        good: entry,
        spaced: { ...entry, accessToken: 'a b' },
        undated: { ...entry, expiresOn: 'soon' },
        unknown: { ...entry, method: 'password' },
      },
    });
    expect(Object.keys(parseTokenCache(damaged))).toEqual(['good']);
  });

  it('stops sending a token a margin before it expires', () => {
    const expires = Date.parse(entry.expiresOn);
    expect(stillValid(entry, expires - EXPIRY_MARGIN_MS - 1)).toBe(true);
    expect(stillValid(entry, expires - EXPIRY_MARGIN_MS)).toBe(false);
  });

  it('lives next to the config file', () => {
    expect(tokenCachePath({ XDG_CONFIG_HOME: '/x', HOME: '/h' })).toBe('/x/gantry/tokens.json');
    expect(tokenCachePath({ HOME: '/h' })).toBe('/h/.config/gantry/tokens.json');
    expect(tokenCachePath({})).toBeUndefined();
  });
});

describe('parseAudience', () => {
  it.each([
    ['0B1C2D3E-0000-4000-8000-123456789ABC', 'api://0b1c2d3e-0000-4000-8000-123456789abc'],
    ['api://gantry.contoso.com/', 'api://gantry.contoso.com'],
    ['https://contoso.onmicrosoft.com/gantry', 'https://contoso.onmicrosoft.com/gantry'],
  ])('%s is %s', (raw, audience) => {
    expect(parseAudience(raw, 'x')).toBe(audience);
  });

  it.each(['gantry', 'http://gantry', 'api://x/.default', 'api://a b', 42])('refuses %j', (raw) => {
    expect(() => parseAudience(raw, 'x')).toThrow(/client id \(a GUID\) or its application ID URI/);
  });
});

describe('device code sign-in', () => {
  it('needs a client id, from --client-id or an api://<client id> audience, before contacting anyone', async () => {
    await expect(
      acquireToken({ method: 'device-code', audience: 'api://gantry.contoso.com', prompt: () => {} }),
    ).rejects.toMatchObject({ code: 'usage', message: expect.stringContaining('--client-id') });
  });
});
