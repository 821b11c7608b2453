import { describe, expect, it } from 'vitest';
import { readSettings, SettingsError } from '../../shared/config.js';

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
