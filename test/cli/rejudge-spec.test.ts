import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CliError } from '../../cli/errors.js';
import { canarySpecFromFile } from '../../cli/rejudge-spec.js';

const ID = 'apigateway-1111aaaa2222';
const EXAMPLE = readFileSync('config/gantry.example.yaml', 'utf8');

describe('canarySpecFromFile', () => {
  it.each<[string, string, string | undefined, Record<string, unknown>, string]>([
    [
      'a canary key in YAML',
      'canary:\n  threshold: 3\n  interval: 30s\n',
      undefined,
      { threshold: 3, interval: '30s' },
      'canary',
    ],
    ['a canary key in JSON', '{"canary": {"threshold": 2}}', undefined, { threshold: 2 }, 'canary'],
    [
      'the bare block',
      'threshold: 4\nmetrics: []\n',
      undefined,
      { threshold: 4, metrics: [] },
      'the whole file',
    ],
    [
      'a whole config: the service block merged over defaults',
      [
        'version: 1',
        'defaults:',
        '  canary: { interval: 1m, threshold: 5, steps: [{ weight: 10, duration: 5m }] }',
        'services:',
        '  ApiGateway:',
        '    canary: { threshold: 2, stepWeight: 20, maxWeight: 60 }',
      ].join('\n'),
      'apigateway',
      // The schedule keys travel together: the service's stepWeight drops the inherited steps.
      { interval: '1m', threshold: 2, stepWeight: 20, maxWeight: 60 },
      'services.ApiGateway.canary merged over defaults.canary',
    ],
  ])('%s', (_name, text, service, canary, from) => {
    expect(canarySpecFromFile(text, 'spec.yaml', service, ID)).toEqual({ canary, from });
  });

  it('takes the service from the deployment id when --service is not given', () => {
    const spec = canarySpecFromFile(EXAMPLE, 'gantry.yaml', undefined, 'iotservice-1111aaaa2222');
    expect(spec.from).toBe('services.IoTService.canary merged over defaults.canary');
    expect(spec.canary).toMatchObject({ interval: '1m', threshold: 5 });
    expect((spec.canary.metrics as unknown[]).length).toBeGreaterThan(0);
  });

  it.each<[string, string, string | undefined, string, RegExp]>([
    ['broken YAML', 'canary: [unclosed', undefined, ID, /spec.yaml is not valid YAML or JSON/],
    ['a duplicate key', 'canary: {}\ncanary: {}\n', undefined, ID, /not valid YAML or JSON/],
    ['a list', '- 1\n- 2\n', undefined, ID, /must hold a mapping/],
    ['a scalar canary', 'canary: 5\n', undefined, ID, /'canary' must be a mapping/],
    [
      '--service with a bare block',
      'canary: {}\n',
      'ApiGateway',
      ID,
      /--service applies only to a whole Gantry configuration/,
    ],
    ['services that is not a mapping', 'services: []\n', undefined, ID, /'services' must be a mapping/],
    ['an unknown service', EXAMPLE, 'Nope', ID, /has no service 'Nope' \(it has: ApiGateway, AudioService/],
    ['no service to go by', EXAMPLE, undefined, 'not-an-id', /name the service with --service/],
    [
      'a service without any canary block',
      'services:\n  A: { image: {} }\n',
      'a',
      ID,
      /service A has no canary block/,
    ],
  ])('refuses %s', (_name, text, service, id, message) => {
    const read = () => canarySpecFromFile(text, 'spec.yaml', service, id);
    expect(read).toThrow(CliError);
    expect(read).toThrow(message);
  });
});
