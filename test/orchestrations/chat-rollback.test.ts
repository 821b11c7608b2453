import { afterEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../shared/app/principal.js';
import { rollbackService } from '../../shared/app/rollback.js';
import { rollbackInstanceId } from '../../shared/contracts/rollback.js';
import { AUTO_APPROVAL, LKG, PROD_APP, image, withLastKnownGood } from './chaos-fixtures.js';
import { TERMINAL_STATUSES } from '../../devhost/durable/types.js';
import { Orchestrations } from './harness.js';

/**
 * A rollback (the API, `/gantry rollback`, an alert) is announced on the message of the release it left,
 * through the same routed, retried delivery as a run's events: who acted and why.
 */

let o: Orchestrations;
afterEach(async () => {
  await o?.close();
});

const OPERATOR: Principal = {
  name: 'ada@example.com',
  groups: [],
  roles: ['Gantry.Operator'],
  source: 'slack',
};
const ALERT: Principal = { name: 'alertmanager', groups: [], roles: [], source: 'alert' };

/** Releases a new image over the last known good, then rolls it back as `principal` says. */
async function releaseThenRollBack(
  comment: string,
  principal: Principal = OPERATOR,
  beforeRollback: () => void = () => undefined,
): Promise<{ id: string }> {
  o = await Orchestrations.start({ startTime: AUTO_APPROVAL });
  await withLastKnownGood(o);
  const d = await o.submit(image());
  await o.completeTests(d.id);
  expect((await o.finish(d.id)).state).toBe('Succeeded');
  beforeRollback();
  const automatic = principal.source === 'alert';
  await rollbackService(o.ports, o.control, {
    service: 'ApiGateway',
    comment,
    principal,
    at: o.nowIso(),
    automatic,
  });
  await o.waitFor(rollbackInstanceId('ApiGateway'), (s) => TERMINAL_STATUSES.has(s.runtimeStatus));
  await o.h.engine.waitForIdle();
  return d;
}

describe('chat notifications of a rollback', () => {
  it('updates the rolled-back release’s own Slack message and tells Teams, with who and why', async () => {
    const d = await releaseThenRollBack('error rate up after 2.0.0');
    const slack = o.world.chatSent.filter((s) => s.to === 'slack:C0DEPLOYS01');
    const last = slack.at(-1);
    expect(last?.message).toMatchObject({
      deploymentId: d.id,
      event: 'rolled-back',
      environment: 'production',
      stage: 'RolledBack',
      actor: 'ada@example.com',
      reason: 'rolled back to apigateway-0123456789ab: error rate up after 2.0.0',
    });
    // Same message as the run's (the thread its first post returned), not a new one.
    expect(last?.thread?.ts).toBe(slack[1]?.thread?.ts);
    const teams = o.world.chatSent.filter((s) => s.to === 'teams:sandbox').map((s) => s.message.event);
    expect(teams.at(-1)).toBe('rolled-back');
    expect(o.world.apps.get(PROD_APP)?.image?.digest).toBe(LKG.digest);
  });

  it('a chat outage never fails the rollback: recorded on the release rolled back from', async () => {
    const d = await releaseThenRollBack('bad', OPERATOR, () => {
      o.world.chatAnswer = { status: 'retry', error: 'slack: HTTP 503' };
    });
    const failures = (await o.ports.store.listEvents(d.id)).filter((e) => e.title === 'notification:failed');
    expect(failures.at(-1)).toMatchObject({ verdict: 'warn', evidence: { event: 'rolled-back' } });
    expect(failures.at(-1)?.comment).toContain(
      'slack:C0DEPLOYS01: slack: HTTP 503 (gave up after 3 attempts)',
    );
    const restored = await o.ports.store.listEvents('apigateway-0123456789ab');
    expect(restored.find((e) => e.title === `rollback:synced:${PROD_APP}`)?.verdict).toBe('pass');
    expect(o.world.apps.get(PROD_APP)?.image?.digest).toBe(LKG.digest);
  });

  it('an alert whose rollback does not sync is an incident on the channel, with the reason', async () => {
    const d = await releaseThenRollBack('alert HighErrorRate firing', ALERT, () => {
      o.world.syncOutcomes.set(PROD_APP, 'Failed');
    });
    const last = o.world.chatSent.filter((s) => s.to === 'slack:C0DEPLOYS01').at(-1)?.message;
    expect(last).toMatchObject({ deploymentId: d.id, event: 'incident', actor: 'alertmanager' });
    expect(last?.reason).toMatch(/^rollback to apigateway-0123456789ab failed: api-gateway-prod Failed/);
  });
});
