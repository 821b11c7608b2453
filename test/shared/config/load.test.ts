import { describe, expect, it } from 'vitest';
import { ConfigError, formatPath, loadConfig, type ConfigIssue } from '../../../shared/config/load.js';
import { BASE, withLines, withService } from './fixtures.js';

function issuesOf(text: string): ConfigIssue[] {
  try {
    loadConfig(text, 'gantry.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: 'config-invalid', fileName: 'gantry.yaml' });
    return (error as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

const API = `
  Second:
    image: { registry: r.example.io, repository: second }
    staging: { application: second-staging, image: { helmParameter: image.tag } }
    production:
      subscriptionId: 00000000-0000-0000-0000-000000000000
      resourceGroup: rg
      cluster: aks
      namespace: prod
      deployment: second
      application: second-prod
      image: { helmParameter: image.tag }
`;

describe('loadConfig: a valid file', () => {
  it('loads, merges defaults and fills in documented defaults', () => {
    const config = loadConfig(BASE, 'gantry.yaml');
    const api = config.services.Api!;
    expect(config.version).toBe(1);
    expect(api.canary).toMatchObject({ interval: 60_000, threshold: 5, stepWeights: [10, 50] });
    expect(api.canary.metrics[0]).toMatchObject({ interval: 60_000, thresholdRange: { min: 99 } });
    expect(api.staging).toMatchObject({ syncTimeout: 600_000, smoke: [], tests: [] });
    expect(api.production).toMatchObject({ canaryDeployment: 'api-canary', router: { kind: 'replicas' } });
    expect(api.verification).toEqual({
      window: 300_000,
      interval: 30_000,
      rules: [],
      crashLoops: true,
      minRequests: 1,
    });
    expect(api.approval).toEqual({
      autoApprove: [],
      reviewers: ['devops-team'],
      minApprovers: 1,
      forbidSelfApproval: true,
      waitTimer: 0,
      expiry: 86_400_000,
    });
    expect(api.gates).toEqual({});
    expect(api.freezes).toEqual([]);
  });

  it('keeps services in file order', () => {
    expect(Object.keys(loadConfig(withService(API), 'g.yaml').services)).toEqual(['Api', 'Second']);
  });
});

describe('loadConfig: a wrong value on line N is reported on line N', () => {
  it.each<[string, Record<number, string>, string, number, RegExp]>([
    ['duration', { 6: '    interval: 1 minute' }, 'defaults.canary.interval', 6, /invalid duration/],
    ['integer range', { 7: '    threshold: 0' }, 'defaults.canary.threshold', 7, /expected number to be >=1/],
    [
      'weights not increasing',
      { 8: '    stepWeights: [50, 10]' },
      'defaults.canary.stepWeights',
      8,
      /must increase/,
    ],
    [
      'min > max',
      { 12: '        thresholdRange: { min: 99, max: 1 }' },
      'defaults.canary.metrics[0].thresholdRange',
      12,
      /min \(99\) is greater than max \(1\)/,
    ],
    [
      'uppercase repository',
      { 15: '    image: { registry: r.example.io, repository: API }' },
      'services.Api.image.repository',
      15,
      /OCI repository/,
    ],
    [
      'bad registry',
      { 15: '    image: { registry: "r example", repository: api }' },
      'services.Api.image.registry',
      15,
      /registry host/,
    ],
    [
      'both bindings',
      { 18: '      image: { helmParameter: image.tag, kustomizeImage: api }' },
      'services.Api.staging.image',
      18,
      /exactly one/,
    ],
    [
      'subscription id',
      { 20: '      subscriptionId: my-subscription' },
      'services.Api.production.subscriptionId',
      20,
      /GUID/,
    ],
    ['namespace', { 23: '      namespace: Prod_NS' }, 'services.Api.production.namespace', 23, /namespace/],
    [
      'deployment name',
      { 24: '      deployment: api_v2' },
      'services.Api.production.deployment',
      24,
      /Kubernetes name/,
    ],
    [
      'number instead of string',
      { 25: '      application: 42' },
      'services.Api.production.application',
      25,
      /expected an Argo CD Application name/,
    ],
  ])('%s', (_label, change, path, line, message) => {
    const issues = issuesOf(withLines(change));
    expect(issues).toContainEqual({ path, line, message: expect.stringMatching(message) });
  });

  it('reports an unknown key on its own line, and the missing field at its parent', () => {
    const issues = issuesOf(withLines({ 22: '      clustr: aks' }));
    expect(issues).toEqual([
      { path: 'services.Api.production.cluster', line: 19, message: 'required' },
      { path: 'services.Api.production.clustr', line: 22, message: 'unknown field "clustr"' },
    ]);
  });

  it('reports a typo in defaults once, at the defaults line, however many services inherit it', () => {
    const issues = issuesOf(withService(API, withLines({ 7: '    treshold: 5' })));
    expect(issues).toEqual([
      { path: 'defaults.canary.treshold', line: 7, message: 'unknown field "treshold"' },
    ]);
  });

  it('names the service for a field missing everywhere', () => {
    expect(issuesOf(withLines({ 3: '  gates: {}', 4: '' }))).toEqual([
      { path: 'services.Api.approval', line: 14, message: 'required' },
    ]);
  });

  it('reports YAML syntax errors with their line', () => {
    const issues = issuesOf(withLines({ 17: '      application: [api-staging' }));
    expect(issues[0]).toMatchObject({ path: '', line: expect.any(Number) });
    expect(issues[0]!.line).toBeGreaterThanOrEqual(17);
  });

  it('reports duplicate keys', () => {
    const issues = issuesOf(withLines({ 23: '      cluster: aks2' }));
    expect(issues).toEqual([{ path: '', line: 23, message: expect.stringMatching(/unique/) }]);
  });

  it('refuses alias bombs', () => {
    const bomb = ['version: 1', 'a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 6; i++)
      bomb.push(
        `${'b'.repeat(i + 1)}: &${'b'.repeat(i + 1)} [${`*${i === 0 ? 'a' : 'b'.repeat(i)}, `.repeat(10)}]`,
      );
    const issues = issuesOf(bomb.join('\n'));
    expect(issues[0]!.message).toMatch(/alias/i);
  });
});

describe('loadConfig: the file as a whole', () => {
  it.each<[string, string, ConfigIssue[]]>([
    ['empty file', '', [{ path: '', line: undefined, message: expect.stringMatching(/must be a mapping/) }]],
    ['a scalar', 'hello', [{ path: '', line: 1, message: expect.stringMatching(/must be a mapping/) }]],
    [
      'no version',
      BASE.replace('version: 1\n', ''),
      [{ path: 'version', line: 1, message: 'required (version: 1)' }],
    ],
    [
      'version 2',
      BASE.replace('version: 1', 'version: 2'),
      [{ path: 'version', line: 1, message: 'must be 1' }],
    ],
    [
      'unknown top-level key',
      `${BASE}extra: true\n`,
      [{ path: 'extra', line: 27, message: 'unknown field "extra"' }],
    ],
    [
      'services as a list',
      'version: 1\nservices:\n  - name: Api\n',
      [{ path: 'services', line: 2, message: expect.stringMatching(/mapping of service name/) }],
    ],
    [
      'no services',
      'version: 1\nservices: {}\n',
      [{ path: 'services', line: 2, message: expect.stringMatching(/at least one/) }],
    ],
    [
      'defaults not a map',
      withLines({
        2: 'defaults: 3',
        3: 'x0:',
        4: '',
        5: '',
        6: '',
        7: '',
        8: '',
        9: '',
        10: '',
        11: '',
        12: '',
      }),
      [
        { path: 'defaults', line: 2, message: 'must be a mapping' },
        { path: 'x0', line: 3, message: 'unknown field "x0"' },
      ],
    ],
  ])('%s', (_label, text, expected) => {
    expect(issuesOf(text)).toEqual(expect.arrayContaining(expected));
  });

  it.each<[string, string, ConfigIssue]>([
    [
      'defaults.image',
      withLines({ 3: '  image: { registry: r.example.io, repository: api }', 4: '' }),
      { path: 'defaults.image', line: 3, message: 'image is per service' },
    ],
    [
      'unknown defaults key',
      withLines({ 3: '  aproval:' }),
      { path: 'defaults.aproval', line: 3, message: 'unknown field "aproval"' },
    ],
    [
      'bad service name',
      withLines({ 14: '  api_gateway:' }),
      { path: 'services.api_gateway', line: 14, message: expect.stringMatching(/service names/) },
    ],
    [
      'service name too long',
      withLines({ 14: `  ${'A'.repeat(64)}:` }),
      { path: `services.${'A'.repeat(64)}`, line: 14, message: expect.stringMatching(/at most 63/) },
    ],
    [
      'names equal ignoring case',
      withService(API.replace('Second:', 'API:')),
      { path: 'services.API', line: 28, message: 'same name as "Api" ignoring case' },
    ],
    [
      'service not a mapping',
      withService('  Other: 3\n'),
      { path: 'services.Other', line: 27, message: 'must be a mapping' },
    ],
  ])('%s', (_label, text, expected) => {
    expect(issuesOf(text)).toContainEqual(expected);
  });

  it('formats paths with indexes', () => {
    expect(formatPath(['services', 'Api', 'canary', 'steps', 1, 'weight'])).toBe(
      'services.Api.canary.steps[1].weight',
    );
    expect(formatPath([])).toBe('');
  });

  it('lists every problem in the error message with file and line', () => {
    const attempt = () =>
      loadConfig(withLines({ 7: '    threshold: 0', 24: '      deployment: api_v2' }), 'gantry.yaml');
    expect(attempt).toThrow('gantry.yaml: 2 configuration problem(s)');
    expect(attempt).toThrow('gantry.yaml:7 defaults.canary.threshold:');
    expect(attempt).toThrow('gantry.yaml:24 services.Api.production.deployment:');
  });
});
