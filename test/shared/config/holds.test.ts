import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../shared/config/load.js';
import { planFor } from '../../../shared/config/plan.js';
import { BASE } from './fixtures.js';

/** BASE with `holds` set in `defaults` and/or the service (`null`: not set). */
function configWith(defaults: string | null, service: string | null): string {
  let text = BASE;
  if (defaults) text = text.replace('defaults:\n', `defaults:\n  holds: ${defaults}\n`);
  if (service) text = `${text}    holds: ${service}\n`;
  return text;
}

describe('holds (configuration)', () => {
  it.each<[string, string | null, string | null, { staging: boolean; production: boolean }]>([
    ['unset: production only', null, null, { staging: false, production: true }],
    [
      'off for production in the service',
      null,
      '{ production: false }',
      { staging: false, production: false },
    ],
    ['on for staging in defaults', '{ staging: true }', null, { staging: true, production: true }],
    [
      'the service overrides defaults key by key',
      '{ staging: true }',
      '{ production: false }',
      {
        staging: true,
        production: false,
      },
    ],
  ])('%s', (_, defaults, service, holds) => {
    expect(planFor(loadConfig(configWith(defaults, service), 'g.yaml'), 'Api').holds).toEqual(holds);
  });

  it.each([['{ production: yes please }'], ['{ prod: true }'], ['true']])('refuses holds: %s', (value) => {
    expect(() => loadConfig(configWith(null, value), 'g.yaml')).toThrow(ConfigError);
  });
});
