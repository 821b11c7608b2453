import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlertResult } from '../../shared/app/alerts.js';
import type { ReleaseRecord, TimelineEntry } from '../../shared/domain/deployment.js';
import { deploymentIdFor } from '../../shared/domain/image-ref.js';
import { api, useApiHost, type ErrorBody } from './api-fixtures.js';
import { ada, digest, titles } from './pipeline-harness.js';
import { IMAGE, toCanary } from './pipeline-setup.js';

useApiHost();

const TOKEN = 'alertmanager-e2e-token-0123456789';
const AZURE_SECRET = 'azure-monitor-e2e-secret-0123456789';
const LABELS = { alertname: 'HighErrorRate', namespace: 'hearloveen-prod', deployment: 'api-gateway' };

beforeEach(() => {
  process.env.GANTRY_ALERTMANAGER_TOKEN = TOKEN;
  process.env.GANTRY_AZURE_MONITOR_SECRET = AZURE_SECRET;
});
afterEach(() => {
  for (const n of ['GANTRY_ALERTMANAGER_TOKEN', 'GANTRY_AZURE_MONITOR_SECRET', 'WEBSITE_SITE_NAME'])
    delete process.env[n];
});

const now = (): number => api.h.host.clock.now();
const ago = (minutes: number): string => new Date(now() - minutes * 60_000).toISOString();

interface AlertSpec {
  status?: 'firing' | 'resolved';
  startsAt?: string;
  fingerprint?: string;
  labels?: Record<string, string>;
}

/** An Alertmanager v4 payload, as `webhook_configs` posts it. */
function payload(alerts: AlertSpec[]): Record<string, unknown> {
  const full = alerts.map((a, i) => ({
    status: a.status ?? 'firing',
    labels: a.labels ?? LABELS,
    annotations: { summary: 'Error rate above 5% for 2 minutes' },
    startsAt: a.startsAt ?? ago(1),
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus:9090/graph?g0.expr=errors',
    fingerprint: a.fingerprint ?? `a1b2c3d4e5f6a7b${i}`,
  }));
  return {
    version: '4',
    groupKey: '{}:{alertname="HighErrorRate"}',
    truncatedAlerts: 0,
    status: full.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    receiver: 'gantry',
    groupLabels: { alertname: 'HighErrorRate' },
    commonLabels: LABELS,
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    alerts: full,
  };
}

async function post(
  path: string,
  body: unknown,
  headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` },
): Promise<{ status: number; body: { results: AlertResult[] } & ErrorBody }> {
  const res = await api.h.host.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { results: AlertResult[] } & ErrorBody };
}

const alert = (specs: AlertSpec[]) => post('/api/webhooks/alertmanager', payload(specs));
const outcomes = (r: { body: { results: AlertResult[] } }) => r.body.results.map((x) => x.outcome);

/** Production releases of ApiGateway released the given minutes ago (oldest first), with their records. */
async function released(...minutesAgo: number[]): Promise<ReleaseRecord[]> {
  const out: ReleaseRecord[] = [];
  for (const [i, m] of minutesAgo.entries()) {
    const d = digest();
    const image = {
      registry: 'hearloveen.azurecr.io',
      repository: 'api-gateway',
      tag: `1.0.${i}`,
      digest: d,
    };
    const id = deploymentIdFor('ApiGateway', d);
    const at = ago(m + 30);
    await api.store.createDeployment({
      ...{ id, service: 'ApiGateway', image, state: 'Succeeded', source: 'github' },
      ...{ createdAt: at, updatedAt: at, weight: 0 },
    });
    const release: ReleaseRecord = {
      service: 'ApiGateway',
      environment: 'production',
      deploymentId: id,
      image,
      releasedAt: ago(m),
    };
    await api.store.recordRelease(release);
    out.push(release);
  }
  return out;
}

const timeline = async (id: string): Promise<TimelineEntry[]> => (await api.h.view(id)).timeline;
const alertEntries = async (id: string) => (await timeline(id)).filter((e) => e.title.startsWith('alert:'));

describe('POST /api/webhooks/alertmanager and /azure-monitor: authentication and payloads', () => {
  it('takes a bearer token or basic auth; refuses wrong or missing credentials with 401', async () => {
    const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
    const body = payload([{ labels: { alertname: 'Other', namespace: 'elsewhere' } }]);
    const cases: Array<[Record<string, string>, number]> = [
      [{ authorization: `Bearer ${TOKEN}` }, 200],
      [{ authorization: basic('alertmanager', TOKEN) }, 200],
      [{ authorization: `Bearer ${TOKEN.slice(1)}` }, 401],
      [{ authorization: basic('alertmanager', 'wrong-password-0000') }, 401],
      [{}, 401],
    ];
    for (const [headers, status] of cases) {
      const res = await post('/api/webhooks/alertmanager', body, headers);
      expect([headers.authorization?.slice(0, 6), res.status]).toEqual([
        headers.authorization?.slice(0, 6),
        status,
      ]);
      if (status === 401) expect(res.body.error.code).toBe('unauthorized');
      else expect(res.body.results[0]?.reason).toMatch(/^no matching service/);
    }
    const azure = (q: string) => post(`/api/webhooks/azure-monitor${q}`, azurePayload(), {});
    expect((await azure(`?token=${AZURE_SECRET}`)).status).toBe(200);
    expect((await azure('?token=wrong-secret-0000000000')).status).toBe(401);
    expect((await azure('')).status).toBe(401);
    const header = await post('/api/webhooks/azure-monitor', azurePayload(), {
      'x-gantry-token': AZURE_SECRET,
    });
    expect(header.status).toBe(200);
  });

  it('refuses every alert with 503 in Azure when its secret is not configured', async () => {
    delete process.env.GANTRY_ALERTMANAGER_TOKEN;
    delete process.env.GANTRY_AZURE_MONITOR_SECRET;
    process.env.WEBSITE_SITE_NAME = 'gantry-func';
    for (const path of ['/api/webhooks/alertmanager', '/api/webhooks/azure-monitor']) {
      const res = await post(path, {}, { authorization: `Bearer ${TOKEN}` });
      expect([path, res.status, res.body.error.code]).toEqual([path, 503, 'alert-webhook-not-configured']);
    }
  });

  it('answers malformed payloads with 400 naming the problem, and records nothing', async () => {
    const [r] = await released(10);
    const bad: Array<[unknown, number, string, RegExp]> = [
      ['{not json', 400, 'malformed-json', /not valid JSON/],
      [{ ...payload([{}]), version: '3' }, 400, 'invalid-payload', /version: must be "4"/],
      [{ ...payload([{}]), alerts: [{ status: 'firing' }] }, 400, 'invalid-payload', /alerts\.0\.labels/],
      [payload([{ startsAt: 'soon' }]), 400, 'invalid-payload', /startsAt: must be an RFC 3339 time/],
    ];
    for (const [body, status, code, message] of bad) {
      const res = await post('/api/webhooks/alertmanager', body);
      expect([res.status, res.body.error.code]).toEqual([status, code]);
      expect(res.body.error.message).toMatch(message);
    }
    const azure = await post(
      `/api/webhooks/azure-monitor?token=${AZURE_SECRET}`,
      { schemaId: 'x', data: {} },
      {},
    );
    expect([azure.status, azure.body.error.code]).toEqual([400, 'invalid-payload']);
    expect(azure.body.error.details.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^schemaId:/),
        expect.stringMatching(/^data\.essentials/),
      ]),
    );
    const text = await api.h.host.request('/api/webhooks/alertmanager', {
      method: 'POST',
      headers: { 'content-type': 'text/plain', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(payload([{}])),
    });
    expect(text.status).toBe(415);
    expect(await alertEntries(r?.deploymentId ?? '')).toEqual([]);
    expect(api.h.world.deploys).toEqual([]);
  });
});

function azurePayload(
  condition: 'Fired' | 'Resolved' = 'Fired',
  firedMinutesAgo = 1,
): Record<string, unknown> {
  return {
    schemaId: 'azureMonitorCommonAlertSchema',
    data: {
      essentials: {
        alertId: `/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.AlertsManagement/alerts/${'b'.repeat(8)}-0000-0000-0000-000000000000`,
        alertRule: 'api-gateway-errors',
        severity: 'Sev1',
        signalType: 'Metric',
        monitorCondition: condition,
        monitoringService: 'Prometheus',
        configurationItems: ['hearloveen-aks-prod'],
        firedDateTime: ago(firedMinutesAgo),
        essentialsVersion: '1.0',
        alertContextVersion: '1.0',
      },
      alertContext: {
        interval: 'PT1M',
        expression: 'job:errors:ratio5m > 0.05',
        labels: { alertname: 'HighErrorRate', namespace: 'elsewhere', deployment: 'nothing' },
        annotations: { summary: 'errors' },
      },
    },
  };
}

describe('an alert after a release', () => {
  it('10 minutes after a release: rolled back to the last known good; a second alert does nothing more', async () => {
    const [good, bad] = await released(120, 10);
    const started = ago(2);
    const first = await alert([{ startsAt: started }]);
    expect(first.status).toBe(200);
    expect(first.body.results).toEqual([
      expect.objectContaining({
        outcome: 'rolled-back',
        service: 'ApiGateway',
        deploymentId: bad?.deploymentId,
      }),
    ]);
    await api.h.host.waitForCompletion(first.body.results[0]?.instanceId ?? '');
    expect(api.h.world.deploys).toEqual([{ app: 'api-gateway-prod', digest: good?.image.digest }]);
    const [entry] = await alertEntries(bad?.deploymentId ?? '');
    expect(entry).toMatchObject({ kind: 'decision', title: 'alert:rolled-back', actor: 'alertmanager' });
    expect(entry?.evidence).toMatchObject({ labels: LABELS, startsAt: started, status: 'firing' });
    expect(entry?.evidence?.annotations).toMatchObject({ summary: 'Error rate above 5% for 2 minutes' });
    expect(titles(await timeline(good?.deploymentId ?? ''))).toContain('rollback:to');
    expect(api.h.world.notifications.filter((n) => n.title === 'alert:rolled-back')).toHaveLength(1);

    // The same alert re-sent (repeat_interval), another alert firing since the rollback, and the first
    // resolving: nothing more.
    const repeat = await alert([{ startsAt: started }]);
    const another = await alert([{ startsAt: ago(0), fingerprint: 'ffff0000ffff0000' }]);
    const resolved = await alert([{ status: 'resolved', startsAt: started }]);
    expect([outcomes(repeat), outcomes(another), outcomes(resolved)]).toEqual([
      ['ignored'],
      ['refused'],
      ['ignored'],
    ]);
    expect(repeat.body.results[0]?.reason).toMatch(/^repeat/);
    expect(another.body.results[0]?.reason).toMatch(/rollback is never rolled back/);
    expect(resolved.body.results[0]?.reason).toMatch(/^resolved/);
    await api.h.host.idle();
    expect(api.h.world.deploys).toHaveLength(1);
    // Each decision is on the timeline of the release production runs now (the restored one).
    expect(titles(await alertEntries(good?.deploymentId ?? ''))).toEqual([
      'alert:ignored',
      'alert:refused',
      'alert:ignored',
    ]);
  });

  it('ignores an alert that started before the release or is older than the window', async () => {
    const [, current] = await released(120, 10);
    const res = await alert([
      { startsAt: ago(15), fingerprint: '0000000000000001' },
      { startsAt: ago(61), fingerprint: '0000000000000002' },
    ]);
    expect(res.body.results.map((r) => [r.outcome, r.reason.split(':')[0]])).toEqual([
      ['ignored', 'before release'],
      ['ignored', 'too old'],
    ]);
    const entries = await alertEntries(current?.deploymentId ?? '');
    expect(entries.map((e) => [e.title, e.evidence?.startsAt])).toEqual([
      ['alert:ignored', ago(15)],
      ['alert:ignored', ago(61)],
    ]);
    expect(api.h.world.deploys).toEqual([]);
  });

  it('notifies only once the window has passed, and never rolls back a rollback', async () => {
    await released(300, 90);
    const late = await alert([{ startsAt: ago(1) }]);
    expect([outcomes(late), late.body.results[0]?.reason]).toEqual([
      ['notified'],
      expect.stringMatching(/notify only/),
    ]);
    const manual = await api.h.post('/api/services/ApiGateway/rollback', { comment: 'by hand' }, ada);
    expect(manual.status).toBe(202);
    const afterRollback = await alert([{ startsAt: ago(0), fingerprint: '1111222233334444' }]);
    expect(outcomes(afterRollback)).toEqual(['refused']);
    await api.h.host.idle();
    expect(api.h.world.deploys).toHaveLength(1); // the manual rollback only
  });

  it('an Azure Monitor alert routes by its labels and dimensions as well', async () => {
    const [, current] = await released(120, 10);
    const body = azurePayload('Fired', 2) as { data: { alertContext: { labels: Record<string, string> } } };
    body.data.alertContext.labels = LABELS;
    const res = await post(`/api/webhooks/azure-monitor?token=${AZURE_SECRET}`, body, {});
    expect(res.body.results).toEqual([
      expect.objectContaining({
        outcome: 'rolled-back',
        deploymentId: current?.deploymentId,
        alert: 'api-gateway-errors',
      }),
    ]);
    const resolved = await post(
      `/api/webhooks/azure-monitor?token=${AZURE_SECRET}`,
      azurePayload('Resolved'),
      {},
    );
    expect(outcomes(resolved)).toEqual(['ignored']);
  });
});

describe('an alert while a deployment runs', () => {
  it('during the canary: aborted now, not at the next check', async () => {
    await released(300);
    const d = await api.h.submit('ApiGateway', IMAGE(digest()));
    await toCanary(d.id);
    await api.h.waitForPhase(d.id, 'canary', 'next analysis');
    const res = await alert([{ labels: { ...LABELS, deployment: 'api-gateway-canary' } }]);
    expect(res.body.results).toEqual([expect.objectContaining({ outcome: 'aborted', deploymentId: d.id })]);
    const alertAt = now();
    const view = await api.h.finish(d.id);
    expect(view.deployment.state).toBe('RolledBack');
    expect(view.deployment.reason).toMatch(/^abort by alertmanager: alert HighErrorRate firing since/);
    const end = view.timeline.find((e) => e.title === 'Canary->RolledBack');
    // The canary's checks run every minute: the abort landed before the next one.
    expect(Date.parse(end?.at ?? '') - alertAt).toBeLessThan(60_000);
    expect(titles(view.timeline)).toContain('alert:aborted');
  });

  it('during verification: rolled back', async () => {
    await released(300);
    const d = await api.h.submit('ApiGateway', IMAGE(digest()));
    await toCanary(d.id);
    await api.h.waitForPhase(d.id, 'verification', 'verification window');
    const res = await alert([{}]);
    expect(res.body.results).toEqual([
      expect.objectContaining({ outcome: 'rolled-back', deploymentId: d.id }),
    ]);
    const view = await api.h.finish(d.id);
    expect(view.deployment.state).toBe('RolledBack');
    expect(titles(view.timeline)).toEqual(
      expect.arrayContaining(['alert:rolled-back', 'Verifying->RolledBack']),
    );
  });

  it('before traffic reaches it: notify only', async () => {
    await released(300);
    const d = await api.h.submit('ApiGateway', IMAGE(digest()));
    await api.h.waitForPhase(d.id, 'tests', 'test workflows');
    const res = await alert([{}]);
    expect(res.body.results).toEqual([expect.objectContaining({ outcome: 'notified', deploymentId: d.id })]);
    expect((await api.h.view(d.id)).deployment.interrupts).toBeUndefined();
  });
});
