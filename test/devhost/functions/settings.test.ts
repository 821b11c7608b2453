import { afterAll, describe, expect, it } from 'vitest';
import { readHostSettings, resolveSettingReferences } from '../../../devhost/functions/settings.js';
import { fixtureApp, removeTempDirs, tempDir } from '../host-test-helpers.js';

afterAll(removeTempDirs);

const hostJson = (extensions: unknown) => JSON.stringify({ version: '2.0', extensions });

describe('readHostSettings', () => {
  it('reads local.settings.json into env without overriding what is set, and host.json', () => {
    const dir = tempDir({
      'local.settings.json': JSON.stringify({
        Values: { HUB: 'FromFile', KEEP: 'file', NUM: 5 },
        Host: { LocalHttpPort: 7123 },
      }),
      'host.json': hostJson({
        http: { routePrefix: '/v1/' },
        durableTask: { hubName: '%HUB%Hub', maxConcurrentActivityFunctions: 4 },
      }),
    });
    const env: NodeJS.ProcessEnv = { KEEP: 'env' };
    const settings = readHostSettings(dir, env);
    expect(env).toEqual({ HUB: 'FromFile', KEEP: 'env', NUM: '5' });
    expect(settings).toMatchObject({
      localHttpPort: 7123,
      routePrefix: 'v1',
      durableTask: {
        hubName: 'FromFileHub',
        maxConcurrentActivityFunctions: 4,
        maxConcurrentOrchestratorFunctions: 10,
      },
      notes: [],
    });
    expect(settings.localSettingsFile).toMatch(/local\.settings\.json$/);
  });

  it('falls back to local.settings.example.json with a note, and to defaults without host.json', () => {
    const dir = tempDir({ 'local.settings.example.json': JSON.stringify({ Values: { A: '1' } }) });
    const env: NodeJS.ProcessEnv = {};
    const settings = readHostSettings(dir, env);
    expect(env.A).toBe('1');
    expect(settings.routePrefix).toBe('api');
    expect(settings.durableTask.hubName).toBe('TestHubName');
    expect(settings.localHttpPort).toBeUndefined();
    expect(settings.notes).toEqual([
      expect.stringContaining('using local.settings.example.json'),
      expect.stringContaining('No host.json'),
    ]);
  });

  it('works without any local settings file and keeps an empty route prefix', () => {
    const settings = readHostSettings(tempDir({ 'host.json': hostJson({ http: { routePrefix: '' } }) }), {});
    expect(settings.routePrefix).toBe('');
    expect(settings.localSettingsFile).toBeUndefined();
    expect(settings.notes).toEqual([expect.stringContaining('environment only')]);
  });

  it('reads the basic fixture (example settings feeding a %VAR% hub name)', () => {
    const settings = readHostSettings(fixtureApp('basic'), {});
    expect(settings.durableTask.hubName).toBe('BasicHub');
    expect(settings.localHttpPort).toBe(7199);
  });

  it('fails clearly on an unresolved or invalid hub name, bad numbers and malformed files', () => {
    const hub = (hubName: string) => tempDir({ 'host.json': hostJson({ durableTask: { hubName } }) });
    expect(() => readHostSettings(hub('%MISSING%'), {})).toThrow(
      /hubName" refers to %MISSING%, but app setting "MISSING" is not set/,
    );
    expect(() => readHostSettings(hub('no-dashes'), {})).toThrow(/Task hub name "no-dashes" is invalid/);
    const bad = tempDir({
      'host.json': hostJson({ durableTask: { maxConcurrentOrchestratorFunctions: 0 } }),
    });
    expect(() => readHostSettings(bad, {})).toThrow(
      /maxConcurrentOrchestratorFunctions" must be a positive integer/,
    );
    expect(() => readHostSettings(tempDir({ 'host.json': '{ nope' }), {})).toThrow(
      /Cannot parse .*host\.json/,
    );
    const port = tempDir({ 'local.settings.json': JSON.stringify({ Host: { LocalHttpPort: 'x' } }) });
    expect(() => readHostSettings(port, {})).toThrow(/LocalHttpPort" must be a port number/);
    const prefix = tempDir({ 'host.json': hostJson({ http: { routePrefix: 1 } }) });
    expect(() => readHostSettings(prefix, {})).toThrow(/routePrefix" must be a string/);
    const values = tempDir({ 'local.settings.json': JSON.stringify({ Values: [] }) });
    expect(() => readHostSettings(values, {})).toThrow(/"Values" must be a JSON object/);
  });
});

describe('resolveSettingReferences', () => {
  it('replaces every %NAME%', () => {
    expect(resolveSettingReferences('%A%-%B%', { A: 'x', B: 'y' }, 'here')).toBe('x-y');
    expect(resolveSettingReferences('plain', {}, 'here')).toBe('plain');
  });
});
