import { describe, expect, it } from 'vitest';
import { chatChannels } from '../../functions/adapters.js';
import { readSettings, readTelemetrySettings, SettingsError } from '../../shared/config.js';

/** Chat settings: read only by shared/config.ts, turned into adapters by the composition root. */

const BASE = { GANTRY_STORAGE: 'UseDevelopmentStorage=true' };
const HOOK =
  'https://prod-01.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?sig=SIG123';

describe('chat settings', () => {
  it('collects Teams webhooks by lower-case name and builds only the configured providers', () => {
    const settings = readSettings({
      ...BASE,
      GANTRY_TEAMS_WEBHOOK_OPS: HOOK,
      GANTRY_PUBLIC_URL: 'https://g.example',
    });
    expect(settings.teamsWebhooks).toEqual({ ops: HOOK });
    const chat = chatChannels(settings);
    expect(chat.publicUrl).toBe('https://g.example');
    expect(chat.teams).toBeDefined();
    expect(chat.slack).toBeUndefined(); // no token: a Slack route is recorded as a failure, not skipped
    const slack = chatChannels(
      readSettings({
        ...BASE,
        GANTRY_SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
        WEBSITE_HOSTNAME: 'app.azurewebsites.net',
      }),
    );
    expect(slack.slack).toBeDefined();
    expect(slack.teams).toBeUndefined();
    expect(slack.publicUrl).toBe('https://app.azurewebsites.net');
  });

  it.each([
    [{ GANTRY_SLACK_BOT_TOKEN: 'xoxp-user-token' }, 'GANTRY_SLACK_BOT_TOKEN'],
    [{ GANTRY_SLACK_API_URL: 'https://slack.com/api' }, 'GANTRY_SLACK_API_URL'],
    [{ GANTRY_TEAMS_WEBHOOK_OPS: 'http://prod.logic.azure.com/x?sig=SIG123' }, 'GANTRY_TEAMS_WEBHOOK_OPS'],
  ])('refuses %j by name, never echoing the value', (env, name) => {
    let error: unknown;
    try {
      readSettings({ ...BASE, ...env });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SettingsError);
    expect((error as Error).message).toContain(name);
    expect((error as Error).message).not.toContain('SIG123');
    expect((error as Error).message).not.toContain('xoxp-user-token');
  });

  it('treats the bot token and webhook URLs as secrets for telemetry', () => {
    const t = readTelemetrySettings({
      GANTRY_SLACK_BOT_TOKEN: 'xoxb-9-9-zz',
      GANTRY_TEAMS_WEBHOOK_OPS: HOOK,
    });
    expect(t.secretValues.sort()).toEqual([HOOK, 'xoxb-9-9-zz'].sort());
  });

  it('accepts a loopback http webhook (the sandbox)', () => {
    expect(
      readSettings({ ...BASE, GANTRY_TEAMS_WEBHOOK_SANDBOX: 'http://127.0.0.1:7088/workflows/sandbox' })
        .teamsWebhooks,
    ).toEqual({ sandbox: 'http://127.0.0.1:7088/workflows/sandbox' });
  });
});
