import { describe, expect, it } from 'vitest';
import { CliError } from '../../cli/errors.js';
import { configFilePath, displayUrl, parsePrincipal, resolveSettings } from '../../cli/settings.js';

const files =
  (map: Record<string, string>) =>
  (path: string): string | undefined =>
    map[path];
const HOME = { HOME: '/home/ada' };
const DEFAULT_FILE = '/home/ada/.config/gantry/config.json';

describe('resolveSettings precedence: flags > environment > config file > default', () => {
  const file = files({
    [DEFAULT_FILE]: JSON.stringify({ url: 'https://file.example', token: 'file-token', principal: 'fay' }),
  });
  it.each<[string, Record<string, string>, Record<string, string>, Record<string, string | undefined>]>([
    ['file only', {}, {}, { url: 'https://file.example', token: 'file-token', principal: 'fay' }],
    [
      'env over file',
      {},
      { GANTRY_URL: 'https://env.example', GANTRY_TOKEN: 'env-token', GANTRY_PRINCIPAL: 'eve' },
      { url: 'https://env.example', token: 'env-token', principal: 'eve' },
    ],
    [
      'flags over env',
      { url: 'https://flag.example/', token: 'flag-token', principal: 'flo:g1' },
      { GANTRY_URL: 'https://env.example', GANTRY_TOKEN: 'env-token' },
      { url: 'https://flag.example', token: 'flag-token', principal: 'flo' },
    ],
    ['an empty variable does not count', {}, { GANTRY_URL: '' }, { url: 'https://file.example' }],
  ])('%s', (_name, flags, env, expected) => {
    const s = resolveSettings(flags, { ...HOME, ...env }, file);
    expect(displayUrl(s.url)).toBe(expected.url);
    if (expected.token) expect(s.token).toBe(expected.token);
    if (expected.principal) expect(s.principal?.name).toBe(expected.principal);
  });

  it('records where each setting came from, and defaults to the local dev host', () => {
    const s = resolveSettings({ token: 't' }, { ...HOME, GANTRY_FUNCTION_KEY: 'k' }, files({}));
    expect(displayUrl(s.url)).toBe('http://localhost:7071');
    expect(s.sources).toEqual({ url: 'default', token: 'flag', functionKey: 'env' });
    expect(s.configFile).toBeUndefined();
  });

  it('finds the config file through GANTRY_CONFIG, then XDG_CONFIG_HOME, then HOME', () => {
    expect(configFilePath({ GANTRY_CONFIG: '/etc/g.json', HOME: '/h' })).toEqual({
      path: '/etc/g.json',
      explicit: true,
    });
    expect(configFilePath({ XDG_CONFIG_HOME: '/x', HOME: '/h' }).path).toBe('/x/gantry/config.json');
    expect(configFilePath({ HOME: '/h' }).path).toBe('/h/.config/gantry/config.json');
    expect(configFilePath({}).path).toBeUndefined();
  });

  it.each<[string, Record<string, string>, Record<string, string>, Record<string, string>, RegExp]>([
    [
      'a named config file that is missing',
      {},
      { GANTRY_CONFIG: '/nope.json' },
      {},
      /GANTRY_CONFIG names \/nope.json/,
    ],
    ['a config file that is not JSON', {}, {}, { [DEFAULT_FILE]: 'url: x' }, /config.json is not valid JSON/],
    ['a config file that is a list', {}, {}, { [DEFAULT_FILE]: '[]' }, /must hold a JSON object/],
    [
      'a misspelt key',
      {},
      {},
      { [DEFAULT_FILE]: '{"tokn":"x"}' },
      /unknown key\(s\) tokn; allowed: url, token/,
    ],
    ['a non-string url', {}, {}, { [DEFAULT_FILE]: '{"url":7}' }, /'url' must be a string/],
    ['a URL that is not one', { url: 'localhost:7071' }, {}, {}, /must be http:\/\/ or https:\/\//],
    ['garbage for a URL', { url: 'not a url' }, {}, {}, /from flag is not a URL/],
    ['a token with spaces', { token: 'two words' }, {}, {}, /single printable word/],
    [
      'a token over plain http to another machine',
      { url: 'http://gantry.example.com', token: 't' },
      {},
      {},
      /Refusing to send a token over plain http to gantry.example.com/,
    ],
    ['a malformed function key', { 'function-key': 'a b' }, {}, {}, /not a function key/],
    ['a principal without a name', { principal: ':devops' }, {}, {}, /'name', 'name:group1,group2'/],
  ])('refuses %s', (_name, flags, env, fileMap, message) => {
    const run = () => resolveSettings(flags, { ...HOME, ...env }, files(fileMap));
    expect(run).toThrow(CliError);
    expect(run).toThrow(message);
  });

  it('allows a token over plain http to the local machine only', () => {
    for (const url of ['http://localhost:7071', 'http://127.0.0.1:7071', 'http://[::1]:7071'])
      expect(resolveSettings({ url, token: 't' }, HOME, files({})).token).toBe('t');
  });

  it('drops query and fragment from the URL, and refuses one carrying a password', () => {
    const s = resolveSettings({ url: 'https://gantry.example.com/base/?code=x#f' }, HOME, files({}));
    expect(displayUrl(s.url)).toBe('https://gantry.example.com/base');
    const withPassword = () =>
      resolveSettings({ url: 'https://user:pw@gantry.example.com' }, HOME, files({}));
    expect(withPassword).toThrow(/must not carry a user name or password; use --token/);
  });
});

describe('parsePrincipal', () => {
  it.each<[unknown, { name: string; groups: string[]; roles: string[] }]>([
    ['ada', { name: 'ada', groups: [], roles: [] }],
    ['ada:devops-team', { name: 'ada', groups: ['devops-team'], roles: [] }],
    ['ada:devops-team,tech-lead', { name: 'ada', groups: ['devops-team', 'tech-lead'], roles: [] }],
    ['{"name":"ada","groups":["g"]}', { name: 'ada', groups: ['g'], roles: [] }],
    [
      { name: 'ada', groups: ['g'], roles: ['Gantry.Reader'] },
      { name: 'ada', groups: ['g'], roles: ['Gantry.Reader'] },
    ],
    [' ada : g1 , g2 ', { name: 'ada', groups: ['g1', 'g2'], roles: [] }],
    [
      'ada::operator,Approver,Gantry.Reader',
      { name: 'ada', groups: [], roles: ['Gantry.Operator', 'Gantry.Approver', 'Gantry.Reader'] },
    ],
  ])('%j', (raw, expected) => {
    expect(parsePrincipal(raw, 'x')).toEqual(expected);
  });

  it.each<[unknown, RegExp]>([
    ['', /must be 'name'/],
    ['{not json', /is not valid JSON/],
    [{ name: 'ada' }, /must be 'name'/],
    [{ name: 'ada', groups: [1] }, /must be 'name'/],
    ['ada\u0007', /must be 'name'/],
    ['x'.repeat(129), /at most 128/],
    [42, /must be 'name'/],
  ])('refuses %j', (raw, message) => {
    expect(() => parsePrincipal(raw, 'where')).toThrow(message);
  });
});

describe('--as and the sandbox URL', () => {
  it('reads --as before GANTRY_AS, and GANTRY_SANDBOX_URL', () => {
    const none = () => undefined;
    expect(resolveSettings({ as: 'reviewer@localhost' }, { GANTRY_AS: 'x' }, none).as).toBe(
      'reviewer@localhost',
    );
    expect(
      resolveSettings({}, { GANTRY_AS: 'x', GANTRY_SANDBOX_URL: 'http://127.0.0.1:1' }, none),
    ).toMatchObject({
      as: 'x',
      sandboxUrl: 'http://127.0.0.1:1',
    });
    expect(resolveSettings({}, {}, none).as).toBeUndefined();
    expect(() => resolveSettings({ as: 'two words' }, {}, none)).toThrow(
      "--as 'two words' is not a principal name.",
    );
  });
});
