import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AlertPayloadError } from '../../../shared/alerts/alert.js';
import { readAlertmanager } from '../../../shared/alerts/alertmanager.js';
import { readAzureMonitor } from '../../../shared/alerts/azure-monitor.js';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(`test/fixtures/alerts/${name}`, 'utf8')) as Record<string, unknown>;

const problems = (read: () => unknown): string[] => {
  try {
    read();
  } catch (error) {
    if (error instanceof AlertPayloadError) return error.problems;
    throw error;
  }
  return [];
};

describe('readAlertmanager (webhook payload version 4)', () => {
  it('reads each alert: fingerprint, status, labels, annotations, start', () => {
    const { payload, alerts } = readAlertmanager(fixture('alertmanager-v4.json'));
    expect(payload.groupKey).toBe('{}:{alertname="HighErrorRate"}');
    expect(alerts).toEqual([
      {
        source: 'alertmanager',
        id: '9f3c8bb5e2a4d1f0',
        name: 'HighErrorRate',
        status: 'firing',
        labels: expect.objectContaining({ namespace: 'hearloveen-prod', deployment: 'api-gateway' }),
        annotations: expect.objectContaining({ summary: 'Error rate above 5% for 2 minutes' }),
        startsAt: '2026-01-05T12:08:30.123Z',
        link: expect.stringContaining('http://prometheus:9090/graph'),
      },
    ]);
  });

  it.each([
    ['another version', { version: '3' }, /^version: must be "4"/],
    ['no alerts', { alerts: [] }, /^alerts: must hold at least one alert/],
    ['a bad status', { status: 'pending' }, /^status:/],
    ['labels that are not strings', { alerts: [{ ...alert(), labels: { a: 1 } }] }, /^alerts\.0\.labels\.a:/],
    [
      'a bad start time',
      { alerts: [{ ...alert(), startsAt: 'yesterday' }] },
      /startsAt: must be an RFC 3339/,
    ],
    ['a bad fingerprint', { alerts: [{ ...alert(), fingerprint: '../x' }] }, /fingerprint: must be/],
  ])('refuses %s, naming where', (_, change, message) => {
    const found = problems(() => readAlertmanager({ ...fixture('alertmanager-v4.json'), ...change }));
    expect(found.some((p) => message.test(p))).toBe(true);
  });

  it('refuses a body that is not an object', () => {
    expect(problems(() => readAlertmanager([]))).not.toEqual([]);
  });
});

function alert(): Record<string, unknown> {
  return (fixture('alertmanager-v4.json').alerts as Array<Record<string, unknown>>)[0] as Record<
    string,
    unknown
  >;
}

describe('readAzureMonitor (common alert schema)', () => {
  it('reads a metric alert: dimensions as labels, firedDateTime as start, a fixed-size id', () => {
    const [a] = readAzureMonitor(fixture('azure-monitor-metric.json'));
    expect(a).toMatchObject({
      source: 'azure-monitor',
      name: 'api-gateway-5xx',
      status: 'firing',
      startsAt: '2026-01-05T12:08:30.371Z',
      labels: {
        'Kubernetes namespace': 'hearloveen-prod',
        controllerName: 'api-gateway',
        configurationItem: 'hearloveen-aks-prod',
        severity: 'Sev1',
      },
      annotations: { description: '5xx responses of api-gateway' },
    });
    expect(a?.id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('reads a Prometheus rule group alert: its labels and annotations', () => {
    const body = fixture('azure-monitor-metric.json') as { data: Record<string, unknown> };
    body.data.alertContext = {
      interval: 'PT1M',
      expression: 'job:errors:ratio5m > 0.05',
      labels: { alertname: 'HighErrorRate', namespace: 'hearloveen-prod', deployment: 'api-gateway' },
      annotations: { summary: 'errors' },
      ruleGroup:
        '/subscriptions/x/resourceGroups/y/providers/Microsoft.AlertsManagement/prometheusRuleGroups/z',
    };
    const [a] = readAzureMonitor(body);
    expect(a?.labels).toMatchObject({ namespace: 'hearloveen-prod', deployment: 'api-gateway' });
    expect(a?.annotations.summary).toBe('errors');
  });

  it('reads Resolved as resolved', () => {
    const body = fixture('azure-monitor-metric.json') as { data: { essentials: Record<string, unknown> } };
    body.data.essentials.monitorCondition = 'Resolved';
    expect(readAzureMonitor(body)[0]?.status).toBe('resolved');
  });

  it.each([
    ['another schema', { schemaId: 'Microsoft.Insights/activityLogs' }, /^schemaId: must be/],
    ['no essentials', { data: {} }, /^data\.essentials:/],
  ])('refuses %s, naming where', (_, change, message) => {
    const found = problems(() => readAzureMonitor({ ...fixture('azure-monitor-metric.json'), ...change }));
    expect(found.some((p) => message.test(p))).toBe(true);
  });

  it('refuses a bad monitorCondition and a bad firedDateTime', () => {
    const body = fixture('azure-monitor-metric.json') as { data: { essentials: Record<string, unknown> } };
    body.data.essentials.monitorCondition = 'Active';
    body.data.essentials.firedDateTime = 'now';
    const found = problems(() => readAzureMonitor(body));
    expect(found).toEqual([
      expect.stringMatching(/^data\.essentials\.monitorCondition:/),
      expect.stringMatching(/^data\.essentials\.firedDateTime: must be an ISO 8601 time/),
    ]);
  });
});
