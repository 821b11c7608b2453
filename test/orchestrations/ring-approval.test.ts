import { exampleWithoutRings } from '../fixtures/example-config.js';
import { afterEach, describe, expect, it } from 'vitest';
import { FileConfigSource } from '../../shared/adapters/config-file.js';
import { decide } from '../../shared/app/approvals.js';
import { loadConfig } from '../../shared/config/load.js';
import { ringPhaseInstanceId } from '../../shared/domain/rings.js';
import { AUTO_APPROVAL, image, LKG, PROD_APP, withLastKnownGood } from './chaos-fixtures.js';
import { Orchestrations } from './harness.js';

const NORTH_APP = 'api-gateway-prod-eun';
const PROD_BLOCK =
  '      application: api-gateway-prod\n      image: { kustomizeImage: hearloveen.azurecr.io/api-gateway }\n';

/** ApiGateway as a two-ring train whose eu-north ring waits for its own approval. */
function trainConfig(approval = 'true'): FileConfigSource {
  const example = exampleWithoutRings();
  expect(example).toContain(PROD_BLOCK);
  const rings = `      rings:
        - { name: eu-west, region: westeurope }
        - name: eu-north
          soak: 30m
          approval: ${approval}
          targets: [{ cluster: hearloveen-aks-eun, application: ${NORTH_APP} }]
`;
  return new FileConfigSource(loadConfig(example.replace(PROD_BLOCK, PROD_BLOCK + rings), 'rings.yaml'));
}

// Ring 0 starts inside the auto-approve window (02:00-06:00 UTC) and eu-north reaches its border after
// the window closed, so only ring 1 needs a person.
const START = AUTO_APPROVAL + 2 * 3_600_000 + 50 * 60_000;

let o: Orchestrations | undefined;
afterEach(async () => {
  await o?.close();
  o = undefined;
});

async function atRingApproval(approval?: string) {
  o = await Orchestrations.start({ startTime: START, config: trainConfig(approval) });
  await withLastKnownGood(o);
  const ref = image();
  const d = await o.submit(ref);
  await o.completeTests(d.id);
  await o.waitFor(ringPhaseInstanceId(d.id, 'approval', 'eu-north', 0), (s) => {
    const st = s.customStatus ? (JSON.parse(s.customStatus) as { waitingFor?: string }) : {};
    return s.runtimeStatus === 'Running' && (st.waitingFor ?? '').startsWith('approval by');
  });
  return { x: o, id: d.id, digest: ref.split('@')[1] as string };
}

const decision = (
  x: Orchestrations,
  id: string,
  kind: 'approve' | 'reject',
  name = 'ada',
  groups = ['devops-team'],
) =>
  decide(x.ports, x.control, {
    id,
    principal: { name, groups, roles: ['Gantry.Approver'], source: 'development' },
    decision: kind,
    comment: kind === 'reject' ? 'not in Stockholm today' : 'ok',
    at: x.nowIso(),
  });

describe('per-ring approval', () => {
  it('waits at the border of eu-north for its own approval, then releases it', async () => {
    const { x, id, digest } = await atRingApproval();
    expect(x.world.deploys.filter((d) => d.app === NORTH_APP)).toEqual([]);
    const accepted = await decision(x, id, 'approve');
    expect(accepted.approval.evidence?.ring).toBe('eu-north');
    // Recorded by the ring's approval phase once it counted it; a second decision by ada is then refused.
    await x.waitFor(
      ringPhaseInstanceId(id, 'approval', 'eu-north', 0),
      (s) => {
        const st = s.customStatus ? (JSON.parse(s.customStatus) as { waitingFor?: string }) : {};
        return st.waitingFor === 'wait timer';
      },
      false,
    );
    await expect(decision(x, id, 'approve')).rejects.toThrow(/duplicate-approver/);
    const done = await x.finish(id);
    expect(done.state).toBe('Succeeded');
    expect(x.world.apps.get(NORTH_APP)?.image?.digest).toBe(digest);
    // Entries of one instant sort by recorder slot, so the order is checked by time.
    const events = await x.ports.store.listEvents(id);
    const at = (title: string): string => {
      const entry = events.find((e) => e.title === title);
      expect(entry, title).toBeDefined();
      return entry?.at ?? '';
    };
    expect(at('ring:eu-north:approval') >= at('ring:eu-north:soak')).toBe(true);
    expect(at('approve:accepted') >= at('ring:eu-north:approval')).toBe(true);
    expect(at('ring:eu-north:started') >= at('ring:eu-north:approval-ended')).toBe(true);
    expect(at('ring:eu-north:approval-ended') >= at('approve:accepted')).toBe(true);
  });

  it('a rejection of eu-north stops the train and rolls ring 0 back (onRingFailure: rollback-all)', async () => {
    const { x, id } = await atRingApproval();
    await decision(x, id, 'reject');
    const done = await x.finish(id);
    expect(done.state).toBe('RolledBack');
    expect(done.reason).toBe('ring eu-north: rejected by ada: not in Stockholm today');
    expect(x.world.apps.get(PROD_APP)?.image?.digest).toBe(LKG.digest);
    expect(x.world.deploys.filter((d) => d.app === NORTH_APP)).toEqual([]);
  });

  it("left unanswered, it follows the service's policy: the next auto-approve window releases the ring", async () => {
    const { x, id, digest } = await atRingApproval();
    const done = await x.finish(id);
    expect(done.state).toBe('Succeeded');
    expect(x.world.apps.get(NORTH_APP)?.image?.digest).toBe(digest);
    const titles = (await x.ports.store.listEvents(id)).map((e) => e.title);
    expect(titles).toContain('approval:auto (window opened)');
  });

  it('a cancel reaches the waiting ring approval', async () => {
    const { x, id } = await atRingApproval();
    await x.interrupt(id, 'cancel', 'not today');
    const done = await x.finish(id);
    expect(done.state).toBe('Cancelled');
    expect(done.reason).toBe('ring eu-north: cancel by ops: not today');
    expect(x.world.deploys.filter((d) => d.app === NORTH_APP)).toEqual([]);
  });

  it("a ring's own reviewers and M of N: the regional on-call, two of them, release eu-north", async () => {
    const { x, id, digest } = await atRingApproval(
      '{ reviewers: [eun-oncall], minApprovers: 2, waitTimer: 10m }',
    );
    const status = await x.control.status(ringPhaseInstanceId(id, 'approval', 'eu-north', 0));
    expect(status?.customStatus).toMatchObject({ waitingFor: 'approval by eun-oncall (0/2)' });
    const required = (await x.ports.store.listEvents(id))
      .filter((e) => e.title === 'approval:required')
      .at(-1);
    expect(required?.evidence).toMatchObject({
      reviewers: ['eun-oncall'],
      minApprovers: 2,
      waitTimerMs: 600_000,
    });
    // The service's reviewers approved ring 0, but not this ring: refused over HTTP, nothing delivered.
    await expect(decision(x, id, 'approve')).rejects.toThrow(/not-a-reviewer/);
    await decision(x, id, 'approve', 'bo', ['eun-oncall']);
    await x.waitFor(
      ringPhaseInstanceId(id, 'approval', 'eu-north', 0),
      (s) => JSON.stringify(s.customStatus ?? '').includes('(1/2)'),
      false,
    );
    expect(x.world.deploys.filter((d) => d.app === NORTH_APP)).toEqual([]);
    await decision(x, id, 'approve', 'cy', ['eun-oncall']);
    const done = await x.finish(id);
    expect(done.state).toBe('Succeeded');
    expect(x.world.apps.get(NORTH_APP)?.image?.digest).toBe(digest);
    const events = await x.ports.store.listEvents(id);
    const at = (title: string) => Date.parse(events.find((e) => e.title === title)?.at ?? '');
    // The ring's own wait timer, counted from its request.
    expect(at('ring:eu-north:started') - at('ring:eu-north:approval')).toBeGreaterThanOrEqual(600_000);
    expect(events.filter((e) => e.title === 'approve:accepted').map((e) => e.actor)).toEqual(
      expect.arrayContaining(['bo', 'cy']),
    );
  });

  it('with autoApprove: [] on the ring, no window releases it: unanswered, the request expires', async () => {
    const { x, id } = await atRingApproval('{ reviewers: [eun-oncall], autoApprove: [] }');
    const done = await x.finish(id);
    expect(done.state).toBe('RolledBack');
    expect(done.reason).toMatch(/^ring eu-north: approval expired at /);
    const titles = (await x.ports.store.listEvents(id)).map((e) => e.title);
    expect(titles).not.toContain('approval:auto (window opened)');
    expect(x.world.deploys.filter((d) => d.app === NORTH_APP)).toEqual([]);
    expect(x.world.apps.get(PROD_APP)?.image?.digest).toBe(LKG.digest);
  });
});
