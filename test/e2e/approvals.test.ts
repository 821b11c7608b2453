import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAzurite, type AzuriteHandle } from '../../devhost/durable/azurite.js';
import { TableRunStore } from '../../shared/adapters/table-store.js';
import { phaseInstanceId } from '../../shared/contracts/events.js';
import { REFUSED_ROWS_PER_CALLER } from '../../shared/app/refusals.js';
import { ada, ci, digest, linus, mallory, PipelineHarness, reader, type User } from './pipeline-harness.js';

const IMAGE = (d: string) => `hearloveen.azurecr.io/api-gateway:1.5.0@${d}`;
const MONDAY_10 = Date.UTC(2026, 0, 5, 10, 0, 0);
const WORKFLOWS = ['integration', 'e2e', 'performance', 'security'];

let azurite: AzuriteHandle;
let h: PipelineHarness;

beforeAll(async () => {
  azurite = await startAzurite({ location: undefined });
});
afterAll(async () => {
  await azurite?.stop();
});
beforeEach(async () => {
  h = await PipelineHarness.start({ storage: azurite.connectionString, startTime: MONDAY_10 });
});
afterEach(async () => {
  await h?.close();
});

/** Pushes as `pusher`, completes the tests and waits until the run asks for approval. */
async function awaitingApproval(pusher: User = ci): Promise<string> {
  const d = await h.submit('ApiGateway', IMAGE(digest()), pusher);
  await h.waitForPhase(d.id, 'tests', 'test workflows');
  for (const workflow of WORKFLOWS) {
    await h.host.request(
      `/runtime/webhooks/durabletask/instances/${encodeURIComponent(phaseInstanceId(d.id, 'tests'))}/raiseEvent/testResult`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ workflow, conclusion: 'success' }),
      },
    );
  }
  await h.waitForPhase(d.id, 'approval', 'approval');
  return d.id;
}

async function decide(id: string, user: User, action: 'approve' | 'reject' = 'approve', comment = 'ok') {
  const res = await h.post(`/api/deployments/${id}/${action}`, { comment }, user);
  return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string } } };
}

describe('approvals over HTTP', () => {
  it('refuses a caller outside the reviewer groups with 403 and records the refusal', async () => {
    const id = await awaitingApproval();
    const r = await decide(id, mallory);
    expect(r.status).toBe(403);
    expect(r.body.error?.message).toMatch(/^not-a-reviewer/);
    const view = await h.view(id);
    expect(view.deployment.state).toBe('AwaitingApproval');
    const store = await TableRunStore.create({
      connectionString: azurite.connectionString,
      tablePrefix: process.env.GANTRY_TABLE_PREFIX as string,
    });
    const [refused] = await store.listApprovals(id);
    expect(refused).toMatchObject({
      approver: 'mallory',
      decision: 'approve',
      accepted: false,
      groups: ['marketing'],
    });
    expect(refused?.refusal).toMatch(/^not-a-reviewer/);
    // The decision keeps what the approver saw.
    expect(refused?.evidence).toMatchObject({
      gates: { vulnerability: 'pass', signature: 'pass' },
      tests: { integration: 'pass', e2e: 'pass', performance: 'pass', security: 'pass' },
    });
  });

  it('refuses the pusher even when they are a reviewer', async () => {
    const id = await awaitingApproval(ada);
    const r = await decide(id, ada);
    expect(r.status).toBe(403);
    expect(r.body.error?.message).toMatch(/^self-approval/);
    expect((await decide(id, linus)).status).toBe(202);
  });

  it('accepts a reviewer once; the same reviewer again is refused during the wait timer', async () => {
    const id = await awaitingApproval();
    expect((await decide(id, ada)).status).toBe(202);
    await h.waitForPhase(id, 'approval', 'wait timer', false);
    const again = await decide(id, ada);
    expect(again.status).toBe(403);
    expect(again.body.error?.message).toMatch(/^duplicate-approver/);
  });

  it('needs the Approver role before the policy is even asked, and records nothing then', async () => {
    const id = await awaitingApproval();
    // linus is a reviewer by group; without the role he is refused all the same.
    const operatorOnly: User = { ...linus, roles: ['Gantry.Operator'] };
    for (const user of [operatorOnly, reader]) {
      const r = await decide(id, user);
      expect([r.status, r.body.error?.code]).toEqual([403, 'role-required']);
      expect(r.body.error?.message).toContain('needs the Gantry.Approver role');
    }
    const cancel = await h.post(`/api/deployments/${id}/cancel`, {}, reader);
    expect(cancel.status).toBe(403);
    const store = await TableRunStore.create({
      connectionString: azurite.connectionString,
      tablePrefix: process.env.GANTRY_TABLE_PREFIX as string,
    });
    expect(await store.listApprovals(id)).toEqual([]);
    expect((await h.view(id)).deployment.state).toBe('AwaitingApproval');
  });

  it('audits a caller’s repeated refusals within a bound: the last row counts the rest', async () => {
    const id = await awaitingApproval();
    const store = await TableRunStore.create({
      connectionString: azurite.connectionString,
      tablePrefix: process.env.GANTRY_TABLE_PREFIX as string,
    });
    const tries = REFUSED_ROWS_PER_CALLER + 7;
    for (let i = 0; i < tries; i++) {
      expect((await decide(id, mallory)).status).toBe(403);
      await h.host.advance(60_000); // a minute apart: each attempt has its own time
    }
    expect((await decide(id, mallory, 'reject', 'no')).status).toBe(403);
    const rows = (await store.listApprovals(id)).filter((a) => a.approver === 'mallory');
    const approvals = rows.filter((a) => a.decision === 'approve');
    expect(approvals).toHaveLength(REFUSED_ROWS_PER_CALLER);
    const last = approvals.at(-1);
    expect(last?.attempts).toBe(tries - REFUSED_ROWS_PER_CALLER + 1);
    expect(Date.parse(last?.lastAt ?? '') - Date.parse(last?.at ?? '')).toBe(
      (tries - REFUSED_ROWS_PER_CALLER) * 60_000,
    );
    // Another decision is another count; another caller is unaffected by mallory's.
    expect(rows.filter((a) => a.decision === 'reject')).toHaveLength(1);
    expect((await decide(id, linus)).status).toBe(202);
  });

  it('answers 409 once the request has ended (the 02:00 window approved it) and the run has ended', async () => {
    const id = await awaitingApproval();
    const view = await h.finish(id);
    expect(view.deployment.state).toBe('Succeeded');
    const late = await decide(id, ada);
    expect(late.status).toBe(409);
    expect(late.body.error?.code).toBe('not-awaiting-approval');
  });
});
