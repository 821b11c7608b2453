import { describe, expect, it } from 'vitest';
import {
  kubeServers,
  readSettings,
  readTelemetrySettings,
  SECRET_SETTINGS,
  SETTING_NAMES,
  schemaSettingNames,
  SettingsError,
  settingMap,
} from '../../shared/config.js';

describe('readSettings', () => {
  it('uses the connection string, falling back to AzureWebJobsStorage', () => {
    expect(readSettings({ GANTRY_STORAGE: 'UseDevelopmentStorage=true' }).storage).toEqual({
      kind: 'connection-string',
      value: 'UseDevelopmentStorage=true',
    });
    expect(readSettings({ AzureWebJobsStorage: 'conn' }).storage).toEqual({
      kind: 'connection-string',
      value: 'conn',
    });
    const s = readSettings({ GANTRY_STORAGE_ACCOUNT: 'gantrysa01', AzureWebJobsStorage: 'conn' });
    expect(s.storage).toEqual({ kind: 'account', name: 'gantrysa01' });
    expect(s.GANTRY_CONFIG_PATH).toBe('config/gantry.example.yaml');
    expect(s.GANTRY_TABLE_PREFIX).toBe('Gantry');
  });

  it.each([
    [{}, 'GANTRY_STORAGE'],
    [{ GANTRY_STORAGE: 'c', GANTRY_TABLE_PREFIX: '9bad' }, 'GANTRY_TABLE_PREFIX'],
    [{ GANTRY_STORAGE_ACCOUNT: 'Not_An_Account' }, 'GANTRY_STORAGE_ACCOUNT'],
  ])('names the bad setting (%j)', (env, name) => {
    expect(() => readSettings(env)).toThrow(SettingsError);
    expect(() => readSettings(env)).toThrow(name);
  });

  it('reads GANTRY_KUBE_SERVERS as a map of AKS cluster names to http(s) URLs', () => {
    const map = { 'aks-weu': 'http://127.0.0.1:7080', 'aks-neu': 'http://127.0.0.1:7090' };
    const s = readSettings({ GANTRY_STORAGE: 'c', GANTRY_KUBE_SERVERS: JSON.stringify(map) });
    expect(kubeServers(s)).toEqual(map);
    expect(kubeServers(readSettings({ GANTRY_STORAGE: 'c' }))).toEqual({});
  });

  it.each([
    ['not json', 'JSON object'],
    ['[]', 'non-empty JSON object'],
    ['{}', 'non-empty JSON object'],
    ['{"bad name!":"http://127.0.0.1:1"}', 'not an AKS cluster name'],
    ['{"aks-weu":"ftp://x"}', 'must be an http(s) URL'],
    ['{"aks-weu":7080}', 'must be an http(s) URL'],
  ])('refuses GANTRY_KUBE_SERVERS %s', (value, message) => {
    const read = () => readSettings({ GANTRY_STORAGE: 'c', GANTRY_KUBE_SERVERS: value });
    expect(read).toThrow(SettingsError);
    expect(read).toThrow(`GANTRY_KUBE_SERVERS: `);
    expect(read).toThrow(message);
  });

  it.each([
    ['GANTRY_SMOKE_HOST_MAP', '{"staging.hearloveen.example":"http://127.0.0.1:7084"}'],
    [
      'GANTRY_REGISTRY_HOST_MAP',
      '{"hearloveen.azurecr.io":"http://127.0.0.1:7086","localhost:5000":"http://127.0.0.1:5000"}',
    ],
  ])('reads %s as a map of host names to URLs', (name, value) => {
    const s = readSettings({ GANTRY_STORAGE: 'c', [name]: value });
    expect(settingMap(s[name as 'GANTRY_SMOKE_HOST_MAP'])).toEqual(JSON.parse(value));
  });

  it.each([
    ['GANTRY_SMOKE_HOST_MAP', '{staging: 1}', 'JSON object of host name to URL'],
    ['GANTRY_SMOKE_HOST_MAP', '{"staging.example":"javascript:alert(1)"}', 'must be an http(s) URL'],
    ['GANTRY_REGISTRY_HOST_MAP', '["hearloveen.azurecr.io"]', 'non-empty JSON object'],
    [
      'GANTRY_REGISTRY_HOST_MAP',
      '{"https://hearloveen.azurecr.io":"http://127.0.0.1:7086"}',
      'is not a host name',
    ],
  ])('refuses a malformed %s (%s) at start, naming the setting', (name, value, message) => {
    const read = () => readSettings({ GANTRY_STORAGE: 'c', [name]: value });
    expect(read).toThrow(SettingsError);
    expect(read).toThrow(`${name}: `);
    expect(read).toThrow(message);
  });

  it('never echoes a setting value in its error', () => {
    const secret = 'AccountKey=super-secret-value';
    try {
      readSettings({ GANTRY_STORAGE: secret, GANTRY_TABLE_PREFIX: '-' });
      expect.unreachable();
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('super-secret');
    }
  });
});

describe('readTelemetrySettings', () => {
  const CONNECTION = 'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://x/';
  const AUTH = 'Authorization=AAD;ClientId=11111111-2222-3333-4444-555555555555';

  it.each([
    ['nothing set', {}, { connectionString: undefined, authentication: undefined }],
    [
      'empty values (not set)',
      { APPLICATIONINSIGHTS_CONNECTION_STRING: '', APPLICATIONINSIGHTS_AUTHENTICATION_STRING: '' },
      {},
    ],
    [
      'both set',
      { APPLICATIONINSIGHTS_CONNECTION_STRING: CONNECTION, APPLICATIONINSIGHTS_AUTHENTICATION_STRING: AUTH },
      { connectionString: CONNECTION, authentication: AUTH },
    ],
    [
      'Entra without a client id',
      { APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD' },
      { authentication: 'Authorization=AAD' },
    ],
  ])('%s', (_, env, expected) => {
    expect(readTelemetrySettings(env)).toMatchObject(expected);
  });

  it.each([
    [
      'a connection string without an instrumentation key',
      { APPLICATIONINSIGHTS_CONNECTION_STRING: 'IngestionEndpoint=https://x/' },
    ],
    [
      'an authentication string without AAD',
      { APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=11111111-2222-3333-4444-555555555555' },
    ],
    [
      'an authentication string with a bad client id',
      { APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD;ClientId=me' },
    ],
  ])('rejects %s, naming the setting but not the value', (_, env) => {
    const error = (() => {
      try {
        readTelemetrySettings(env);
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(SettingsError);
    expect(error?.message).toMatch(/^invalid app settings: APPLICATIONINSIGHTS_/);
    for (const value of Object.values(env)) expect(error?.message).not.toContain(value);
  });

  it('keeps telemetry and the other settings independent', () => {
    // An invalid unrelated setting: telemetry still starts, and can report the failure...
    expect(
      readTelemetrySettings({ GANTRY_TABLE_PREFIX: '-', APPLICATIONINSIGHTS_CONNECTION_STRING: CONNECTION }),
    ).toMatchObject({ connectionString: CONNECTION });
    // ...and a bad telemetry setting only turns telemetry off: deployments still run.
    const settings = readSettings({ GANTRY_STORAGE: 'x', APPLICATIONINSIGHTS_CONNECTION_STRING: 'nope' });
    expect(settings.storage.kind).toBe('connection-string');
  });

  it('collects the values of the secret settings that are set, for redaction', () => {
    const settings = readTelemetrySettings({
      GANTRY_ARGOCD_TOKEN: 'argo-token-value',
      GANTRY_GITHUB_WEBHOOK_SECRET: 'webhook-secret-value',
      GANTRY_GITHUB_TOKEN: '',
      GANTRY_ARGOCD_URL: 'https://argocd.example.com',
    });
    expect(settings.secretValues.sort()).toEqual(['argo-token-value', 'webhook-secret-value']);
  });

  it('treats every setting named like a secret as one', () => {
    const secretLike = SETTING_NAMES.filter((n) =>
      /TOKEN$|SECRET$|^GANTRY_STORAGE$|^AzureWebJobsStorage$|CONNECTION_STRING$/.test(n),
    );
    // The name of the Key Vault secret is not itself a secret.
    expect(secretLike.filter((n) => n !== 'GANTRY_ARGOCD_TOKEN_SECRET').sort()).toEqual(
      [...SECRET_SETTINGS].sort(),
    );
  });
});

describe('SETTING_NAMES', () => {
  it('names exactly the keys of the settings schema, in its order', () => {
    // The list is spelt out so that reading it does not build the schema (zod loads on first use).
    expect([...SETTING_NAMES]).toEqual(schemaSettingNames());
  });
});
