import { afterEach, describe, expect, it } from 'vitest';
import { startTestHost } from '../../devhost/testing.js';

const saved = process.env.AZURE_FUNCTIONS_ENVIRONMENT;
afterEach(() => {
  if (saved === undefined) delete process.env.AZURE_FUNCTIONS_ENVIRONMENT;
  else process.env.AZURE_FUNCTIONS_ENVIRONMENT = saved;
});

/** Apps tell a local host from Azure by AZURE_FUNCTIONS_ENVIRONMENT, which Core Tools sets the same way. */
describe('the host environment', () => {
  it('is Development unless the environment already says otherwise', async () => {
    const { AZURE_FUNCTIONS_ENVIRONMENT: _ignored, ...rest } = process.env;
    for (const [given, expected] of [
      [undefined, 'Development'],
      ['Production', 'Production'],
    ] as const) {
      const env: NodeJS.ProcessEnv = { ...rest, ...(given ? { AZURE_FUNCTIONS_ENVIRONMENT: given } : {}) };
      delete process.env.AZURE_FUNCTIONS_ENVIRONMENT;
      const host = await startTestHost({ appDir: 'test/fixtures/apps/conformance', env });
      try {
        expect(env.AZURE_FUNCTIONS_ENVIRONMENT).toBe(expected);
        // The app runs in this process and reads process.env: it must see the same.
        expect(process.env.AZURE_FUNCTIONS_ENVIRONMENT).toBe(expected);
      } finally {
        await host.close();
      }
    }
  });
});
