/**
 * Digest quarantine and lane holds on the dev host (virtual clock, records in Azurite): a canary rolled
 * back by analysis quarantines its digest and holds the lane; pushes (Event Grid and manual) and retries
 * of the digest are refused until an Operator lifts the quarantine; a new push waits until the hold is
 * lifted, then runs.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { laneInstanceId, pipelineInstanceId } from '../../shared/contracts/events.js';
import type { ServiceBoard } from '../../shared/app/service-board.js';
import type { DeploymentRecord } from '../../shared/domain/deployment.js';
import { ada, digest, principalHeaders, reader } from './pipeline-harness.js';
import { badCanary, e2e, IMAGE, toCanary, usePipelineHost } from './pipeline-setup.js';

usePipelineHost();

const EG_URL = '/runtime/webhooks/EventGrid?functionName=acrEventGrid';
const LANE = laneInstanceId('ApiGateway');
type Failure = { error: { code: string; message: string; details: Record<string, unknown> } };

/** An ACR ImagePushed event in the Event Grid schema, as the subscription delivers it. */
function pushed(d: string) {
  return {
    id: randomUUID(),
    topic:
      '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/hearloveen',
    subject: 'api-gateway:1.4.0',
    eventType: 'Microsoft.ContainerRegistry.ImagePushed',
    eventTime: '2026-01-05T09:59:00Z',
    data: {
      id: randomUUID(),
      action: 'push',
      target: {
        mediaType: 'application/vnd.oci.image.index.v1+json',
        repository: 'api-gateway',
        digest: d,
        tag: '1.4.0',
      },
      request: { host: 'hearloveen.azurecr.io', method: 'PUT' },
      actor: { name: 'ci-bot' },
    },
    dataVersion: '1.0',
    metadataVersion: '1',
  };
}

const deliver = (d: string): Promise<Response> =>
  e2e.h.host.request(EG_URL, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'aeg-event-type': 'Notification' },
    body: JSON.stringify([pushed(d)]),
  });

async function board(): Promise<ServiceBoard> {
  const res = await e2e.h.host.request('/api/services/ApiGateway', { headers: principalHeaders(reader) });
  expect(res.status).toBe(200);
  return (await res.json()) as ServiceBoard;
}

/** A canary the analysis rolls back: its run, finished. */
async function rolledBack(): Promise<DeploymentRecord> {
  badCanary();
  const d = await e2e.h.submit('ApiGateway', IMAGE(digest()));
  await toCanary(d.id);
  const view = await e2e.h.finish(d.id);
  expect(view.deployment.state).toBe('RolledBack');
  e2e.h.world.metric = (q) => (q.template.includes('duration') ? 200 : 99.9);
  return view.deployment;
}

describe('digest quarantine (dev host, virtual clock)', () => {
  it('refuses pushes and retries of a digest rolled back by analysis until an Operator lifts it', async () => {
    const bad = await rolledBack();
    const digestOf = bad.image.digest;
    const before = await board();
    expect(before.quarantine.quarantined).toEqual([
      expect.objectContaining({
        digest: digestOf,
        deploymentId: bad.id,
        cause: 'automatic',
        reason: bad.reason,
      }),
    ]);

    // Event Grid: answered normally (a redelivery would be refused again), counted on the quarantine.
    expect((await deliver(digestOf)).status).toBe(202);
    const manual = await e2e.h.post('/api/deployments', { service: 'ApiGateway', image: IMAGE(digestOf) });
    expect(manual.status).toBe(409);
    expect(((await manual.json()) as Failure).error).toMatchObject({
      code: 'digest-quarantined',
      details: { deploymentId: bad.id, run: `/api/deployments/${bad.id}`, reason: bad.reason },
    });
    // Asked in advance (what the dashboard's Retry button follows): refused, with the reason.
    const mayRetry = async () => {
      const res = await e2e.h.host.request(`/api/me?deployment=${bad.id}`, {
        headers: principalHeaders(ada),
      });
      return ((await res.json()) as { deployment: { actions: { retry: unknown } } }).deployment.actions.retry;
    };
    expect(await mayRetry()).toEqual({ allowed: false, reason: expect.stringContaining('is quarantined') });
    const retry = await e2e.h.post(`/api/deployments/${bad.id}/retry`, { comment: 'again' }, ada);
    expect(retry.status).toBe(409);
    expect(((await retry.json()) as Failure).error.code).toBe('digest-quarantined');
    expect((await board()).quarantine.quarantined[0]?.refusals).toMatchObject({
      count: 3,
      lastSource: 'retry',
    });

    const liftPath = `/api/services/ApiGateway/quarantine/${digestOf}/lift`;
    expect((await e2e.h.post(liftPath, { reason: 'metrics fixed' }, reader)).status).toBe(403);
    const blank = await e2e.h.post(liftPath, { reason: ' ' }, ada);
    expect(blank.status).toBe(400);
    expect(((await blank.json()) as Failure).error.code).toBe('reason-required');
    const lifted = await e2e.h.post(liftPath, { reason: 'the dashboard query was wrong' }, ada);
    expect(lifted.status).toBe(200);
    expect(await lifted.json()).toMatchObject({
      quarantine: { digest: digestOf, lifted: { by: 'ada', reason: 'the dashboard query was wrong' } },
    });
    const after = await board();
    expect(after.quarantine.quarantined).toEqual([]);
    expect(after.quarantine.liftedQuarantine[0]).toMatchObject({ digest: digestOf, lifted: { by: 'ada' } });
    expect(await mayRetry()).toEqual({ allowed: true });
    const audit = (await e2e.h.view(bad.id)).timeline.find((e) => e.title === 'quarantine:lifted');
    expect(audit).toMatchObject({ actor: 'ada', comment: 'the dashboard query was wrong' });

    // Lifted: the push is accepted, not refused (the digest's first run is known, so it queues nothing),
    // and the retry queues a new run.
    expect((await deliver(digestOf)).status).toBe(202);
    expect((await board()).quarantine.liftedQuarantine[0]?.refusals?.count).toBe(3);
    const again = await e2e.h.post('/api/deployments', { service: 'ApiGateway', image: IMAGE(digestOf) });
    expect(again.status).toBe(200);
    expect((await e2e.h.post(`/api/deployments/${bad.id}/retry`, {}, ada)).status).toBe(201);
  });

  it('holds the lane after an automatic rollback: a new push stays queued until the hold is lifted', async () => {
    const bad = await rolledBack();
    const held = await board();
    expect(held.quarantine.hold).toMatchObject({ deploymentId: bad.id, environment: 'production' });
    expect(held.holds).toContainEqual(expect.objectContaining({ kind: 'lane', deploymentId: bad.id }));

    const next = await e2e.h.submit('ApiGateway', IMAGE(digest()));
    await e2e.h.host.waitFor(LANE, (s) => (s.customStatus ?? '').includes('hold to be lifted'), {
      advanceTime: false,
    });
    // Past the lane's own recheck of its queue: still held.
    await e2e.h.host.advance(6 * 60_000);
    expect((await e2e.h.view(next.id)).deployment.state).toBe('Queued');
    await e2e.h.host.waitFor(LANE, (s) => (s.customStatus ?? '').includes('hold to be lifted'), {
      advanceTime: false,
    });

    expect((await e2e.h.post('/api/services/ApiGateway/hold/lift', { reason: 'ok' }, reader)).status).toBe(
      403,
    );
    const lift = await e2e.h.post('/api/services/ApiGateway/hold/lift', { reason: 'root cause fixed' }, ada);
    expect(lift.status).toBe(200);
    expect(await lift.json()).toMatchObject({ hold: { lifted: { by: 'ada', reason: 'root cause fixed' } } });
    // Only the lift's wake can start it: virtual time stands still.
    await e2e.h.host.waitFor(pipelineInstanceId(next.id), (s) => s.runtimeStatus === 'Running', {
      advanceTime: false,
    });
    const after = await board();
    expect(after.holds.some((x) => x.kind === 'lane')).toBe(false);
    expect(after.quarantine.hold?.lifted).toMatchObject({ by: 'ada' });
  });
});
