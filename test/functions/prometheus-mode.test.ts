import type { TokenCredential } from '@azure/core-auth';
import { afterEach, describe, expect, it } from 'vitest';
import { buildOutsidePorts } from '../../functions/adapters.js';
import { PROMETHEUS_SCOPE } from '../../shared/adapters/prometheus.js';
import { readSettings, SettingsError } from '../../shared/config.js';
import {
  startAzureMonitorPrometheus,
  testToken,
  type AzureMonitorStandIn,
} from '../fakes/azure-monitor-prometheus.js';

/** GANTRY_PROMETHEUS_MODE through the composition root: the identity's token, whatever the auth setting. */

let standIn: AzureMonitorStandIn | undefined;
afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
});

const T = Date.parse('2026-12-01T12:00:00Z');
const DATA = `# TYPE up gauge\nup{namespace="prod"} 1 ${T / 1000}\n# EOF\n`;

describe('GANTRY_PROMETHEUS_MODE', () => {
  it('defaults to prometheus and accepts only the two modes', () => {
    expect(readSettings({ GANTRY_STORAGE: 'c' }).GANTRY_PROMETHEUS_MODE).toBe('prometheus');
    expect(() => readSettings({ GANTRY_STORAGE: 'c', GANTRY_PROMETHEUS_MODE: 'amw' })).toThrow(SettingsError);
  });

  it('azure-monitor: queries the workspace with an Entra token for managed Prometheus, even with auth none', async () => {
    standIn = await startAzureMonitorPrometheus(DATA);
    const scopes: string[] = [];
    const credential: TokenCredential = {
      getToken: async (scope) => {
        scopes.push(String(scope));
        return { token: testToken(), expiresOnTimestamp: Date.now() + 3_600_000 };
      },
    };
    const settings = readSettings({
      GANTRY_STORAGE: 'UseDevelopmentStorage=true',
      GANTRY_PROMETHEUS_URL: standIn.url,
      GANTRY_PROMETHEUS_MODE: 'azure-monitor',
    });
    const { metrics } = buildOutsidePorts(settings, () => credential);
    const sample = await metrics.query({
      template: 'sum(up{namespace="{{ namespace }}"})',
      templateKind: 'query',
      variables: { namespace: 'prod' },
      window: 60_000,
      at: new Date(T).toISOString(),
    });
    expect(sample.value).toBe(1);
    expect(scopes).toEqual([PROMETHEUS_SCOPE]);
    expect(standIn.unauthorized).toBe(0);
    // The mode's limits apply: a selector without a metric name is not sent.
    await expect(
      metrics.query({
        template: 'sum({namespace="{{ namespace }}"})',
        templateKind: 'query',
        variables: { namespace: 'prod' },
        window: 60_000,
        at: new Date(T).toISOString(),
      }),
    ).rejects.toMatchObject({ code: 'query-invalid' });
    expect(standIn.queries).toHaveLength(1);
  });

  it('prometheus mode sends no token to a plain Prometheus URL (the stand-in refuses it)', async () => {
    standIn = await startAzureMonitorPrometheus(DATA);
    const settings = readSettings({ GANTRY_STORAGE: 'c', GANTRY_PROMETHEUS_URL: standIn.url });
    const { metrics } = buildOutsidePorts(settings, () => {
      throw new Error('no credential expected');
    });
    await expect(
      metrics.query({
        template: 'sum(up)',
        templateKind: 'query',
        variables: {},
        window: 60_000,
        at: new Date(T).toISOString(),
      }),
    ).rejects.toMatchObject({ code: 'unauthorized' });
    expect(standIn.unauthorized).toBe(1);
  });
});
