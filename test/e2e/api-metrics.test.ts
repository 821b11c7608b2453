import { describe, expect, it } from 'vitest';
import { phaseInstanceId } from '../../shared/contracts/events.js';
import type { DeploymentRecord, TimelineEntry } from '../../shared/domain/deployment.js';
import { computeDora, type DoraMetrics } from '../../shared/domain/dora.js';
import { syntheticWeek, WEEK } from '../shared/domain/dora-week.js';
import { api, getJson, useApiHost, type ErrorBody } from './api-fixtures.js';
import { ada, digest } from './pipeline-harness.js';

useApiHost();

type Report = { service: string | null } & DoraMetrics;

/** The synthetic week written to Azurite through the same adapter the app uses. */
async function seedWeek() {
  const week = syntheticWeek();
  for (const r of week) {
    await api.store.createDeployment(r.record);
    for (const e of r.events) await api.store.appendEvent(e);
  }
  return week;
}

const dora = (query: string) => getJson<Report>(`/api/metrics/dora?${query}`);
const period = `since=${encodeURIComponent(WEEK.since)}&until=${encodeURIComponent(WEEK.until)}`;

describe('GET /api/metrics/dora over seeded records (Azurite)', () => {
  it('answers the numbers worked out by hand for the synthetic week', async () => {
    const week = await seedWeek();
    const { status, body } = await dora(period);
    expect(status).toBe(200);
    // The hand-worked values (test/shared/domain/dora.test.ts explains each one).
    expect(body).toMatchObject({
      service: null,
      since: WEEK.since,
      until: WEEK.until,
      deployments: { count: 6, perDay: 0.8571, perWeek: 6 },
      leadTime: { medianSeconds: 6750, p90Seconds: 10800, samples: 6, fromCommit: 3 },
      changeFailureRate: { failed: 3, total: 7, rate: 0.4286 },
      timeToRestore: { medianSeconds: 195 },
    });
    expect(body.timeToRestore.incidents.map((i) => i.seconds)).toEqual([240, 150]);
    // And nothing else differs from the pure computation over every record.
    const everything = computeDora(
      week.map((r) => r.record),
      week.flatMap((r) => r.events),
      WEEK,
    );
    expect(body).toEqual({ service: null, ...everything });
  });

  it('narrows to one service given in any casing', async () => {
    await seedWeek();
    const { status, body } = await dora(`${period}&service=apigateway`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      service: 'ApiGateway',
      deployments: { count: 3 },
      leadTime: { medianSeconds: 6300, p90Seconds: 9000, samples: 3 },
      changeFailureRate: { failed: 3, total: 5, rate: 0.6 },
    });
    const audio = await dora(`${period}&service=AudioService`);
    expect(audio.body.changeFailureRate).toEqual({ failed: 0, total: 2, rate: 0 });
    expect(audio.body.timeToRestore).toEqual({ medianSeconds: null, incidents: [] });
  });

  it.each([
    ['service=NoSuchService', 'service'],
    ['service=bad%2Fname', 'service'],
    ['since=last-week', 'since'],
    ['since=2026-02-30T00:00:00Z', 'since'],
    ['until=2026-01-12T00:00:00', 'until'],
    [`since=${encodeURIComponent(WEEK.until)}&until=${encodeURIComponent(WEEK.since)}`, 'since'],
    ['since=2025-01-01T00:00:00Z&until=2026-01-01T00:00:00Z', 'since'],
  ])('rejects %s with 400 naming the parameter', async (query, parameter) => {
    const { status, body } = await getJson<ErrorBody>(`/api/metrics/dora?${query}`);
    expect(status).toBe(400);
    expect(body.error.code).toBe('invalid-parameter');
    expect(body.error.details.parameter).toBe(parameter);
  });
});

const IMAGE = (d: string) => `hearloveen.azurecr.io/api-gateway:1.4.0@${d}`;
const WORKFLOWS = ['integration', 'e2e', 'performance', 'security'];

/** Tests pass and the run is approved, so it goes on to the canary. */
async function toCanary(id: string): Promise<void> {
  const h = api.h;
  await h.waitForPhase(id, 'tests', 'test workflows');
  for (const workflow of WORKFLOWS) {
    const raised = await h.host.request(
      `/runtime/webhooks/durabletask/instances/${encodeURIComponent(phaseInstanceId(id, 'tests'))}/raiseEvent/testResult`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ workflow, conclusion: 'success' }),
      },
    );
    expect(raised.status).toBe(202);
  }
  await h.waitForPhase(id, 'approval', 'approval');
  expect((await h.post(`/api/deployments/${id}/approve`, { comment: 'ok' }, ada)).status).toBe(202);
}

const ms = (e: TimelineEntry | undefined): number => Date.parse(e?.at ?? 'missing');

describe('GET /api/metrics/dora over real pipeline runs', () => {
  it('counts a release from its commit time and a canary rollback as an incident', async () => {
    const h = api.h;
    const committedAt = '2026-01-05T10:00:00Z';
    const res = await h.post('/api/deployments', {
      service: 'ApiGateway',
      image: IMAGE(digest()),
      committedAt,
    });
    expect(res.status).toBe(201);
    const good = ((await res.json()) as { deployment: DeploymentRecord }).deployment;
    expect(good.committedAt).toBe('2026-01-05T10:00:00.000Z');
    await toCanary(good.id);
    const released = await h.finish(good.id);
    expect(released.deployment.state).toBe('Succeeded');

    // Success rate 97% whenever the canary takes traffic: below the 99% threshold, above the 95%
    // fail-fast bound, so five failed interval checks roll it back minutes after the first.
    h.world.metric = (q, w) => (q.template.includes('duration') ? 200 : w.weight > 0 ? 97 : 99.9);
    const bad = await h.submit('ApiGateway', IMAGE(digest()));
    await toCanary(bad.id);
    const rolledBack = await h.finish(bad.id);
    expect(rolledBack.deployment.state).toBe('RolledBack');

    const { status, body } = await dora('service=ApiGateway');
    expect(status).toBe(200);
    const synced = released.timeline.find((e) => e.title === 'synced:api-gateway-prod');
    expect(body.deployments.count).toBe(1);
    expect(body.leadTime).toEqual({
      medianSeconds: (ms(synced) - Date.parse(committedAt)) / 1000,
      p90Seconds: (ms(synced) - Date.parse(committedAt)) / 1000,
      samples: 1,
      fromCommit: 1,
    });
    expect(body.changeFailureRate).toEqual({ failed: 1, total: 2, rate: 0.5 });
    // Any failing check of the canary (interval, fail-fast or fast-check entry) is the first signal.
    const firstFailure = rolledBack.timeline.find((e) => e.kind === 'check' && e.verdict === 'fail');
    const drained = rolledBack.timeline.find((e) => e.title === 'weight:0');
    expect(body.timeToRestore.incidents).toEqual([
      {
        deploymentId: bad.id,
        service: 'ApiGateway',
        failedAt: firstFailure?.at,
        restoredAt: drained?.at,
        seconds: (ms(drained) - ms(firstFailure)) / 1000,
      },
    ]);
    expect(body.timeToRestore.incidents[0]?.seconds).toBeGreaterThan(0);
  });

  it('refuses a commit time that is not a time, or is after the push, and creates nothing', async () => {
    for (const committedAt of ['yesterday', '2026-01-05T10:00:00', '2027-01-01T00:00:00Z']) {
      const res = await api.h.post('/api/deployments', {
        service: 'ApiGateway',
        image: IMAGE(digest()),
        committedAt,
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as ErrorBody;
      expect(body.error).toMatchObject({ code: 'invalid-field', details: { field: 'committedAt' } });
    }
    const list = await getJson<{ items: unknown[] }>('/api/deployments');
    expect(list.body.items).toEqual([]);
  });
});
