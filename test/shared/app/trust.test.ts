import { describe, expect, it } from 'vitest';
import { readHostingSettings } from '../../../shared/config.js';
import { trustFor } from '../../../shared/app/trust.js';

/** From the platform's variables to what is believed: the whole decision, table-driven. */
describe('trustFor(readHostingSettings(env))', () => {
  it.each<[string, Record<string, string>, string]>([
    ['a development host', { AZURE_FUNCTIONS_ENVIRONMENT: 'Development' }, 'headers+dev'],
    ['nothing at all (a container, a bare worker)', {}, 'refused:AZURE_FUNCTIONS_ENVIRONMENT'],
    [
      'Azure with App Service authentication',
      { WEBSITE_SITE_NAME: 'gantry', WEBSITE_AUTH_ENABLED: 'True' },
      'headers',
    ],
    [
      'Azure, authentication spelled in lower case',
      { WEBSITE_INSTANCE_ID: 'abc', WEBSITE_AUTH_ENABLED: 'true' },
      'headers',
    ],
    ['Azure without authentication', { WEBSITE_SITE_NAME: 'gantry' }, 'refused:WEBSITE_AUTH_ENABLED'],
    [
      'Azure with authentication off',
      { WEBSITE_OWNER_NAME: 'sub+rg', WEBSITE_AUTH_ENABLED: 'False' },
      'refused:WEBSITE_AUTH_ENABLED',
    ],
    [
      'Azure claiming to be a development host',
      { WEBSITE_SITE_NAME: 'gantry', AZURE_FUNCTIONS_ENVIRONMENT: 'Development' },
      'refused:WEBSITE_AUTH_ENABLED',
    ],
    [
      'Azure with authentication and the development flag: still no development principal',
      {
        WEBSITE_SITE_NAME: 'gantry',
        WEBSITE_AUTH_ENABLED: 'True',
        AZURE_FUNCTIONS_ENVIRONMENT: 'Development',
      },
      'headers',
    ],
    [
      'an empty site name is not Azure',
      { WEBSITE_SITE_NAME: ' ', AZURE_FUNCTIONS_ENVIRONMENT: 'Development' },
      'headers+dev',
    ],
  ])('%s', (_where, env, expected) => {
    const trust = trustFor(readHostingSettings(env));
    const summary =
      trust.kind === 'refused'
        ? `refused:${trust.missingSetting}`
        : `headers${trust.developmentPrincipal ? '+dev' : ''}`;
    expect(summary).toBe(expected);
  });

  it('names the Azure variables it saw in the refusal', () => {
    const trust = trustFor(readHostingSettings({ WEBSITE_SITE_NAME: 'g', WEBSITE_INSTANCE_ID: 'i' }));
    expect(trust).toMatchObject({
      kind: 'refused',
      reason: expect.stringContaining('WEBSITE_SITE_NAME, WEBSITE_INSTANCE_ID set'),
    });
  });
});
