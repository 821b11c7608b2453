import { exampleWithoutRings } from '../fixtures/example-config.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type AzuriteHandle } from '../../devhost/durable/azurite.js';
import { phaseInstanceId } from '../../shared/contracts/events.js';
import { digest, linus, PipelineHarness } from './pipeline-harness.js';

/**
 * A freeze that begins while a run waits for approval: an approval given inside it is refused (and
 * recorded as refused), the run keeps waiting, and once the freeze lifts a reviewer can approve it.
 */
const MONDAY_10 = Date.UTC(2026, 0, 5, 10, 0, 0);
const WORKFLOWS = ['integration', 'e2e', 'performance', 'security'];
const config = join(mkdtempSync(join(tmpdir(), 'gantry-approval-freeze-')), 'gantry.yaml');
writeFileSync(
  config,
  exampleWithoutRings().replace(
    '  freezes: []\n',
    "  freezes:\n    - { name: board-meeting, from: '2026-01-05T11:00:00Z', to: '2026-01-05T12:00:00Z', reason: Board meeting }\n",
  ),
);

let azurite: AzuriteHandle;
let h: PipelineHarness;
beforeAll(async () => {
  azurite = await startAzurite({ location: undefined });
  h = await PipelineHarness.start({
    storage: azurite.connectionString,
    startTime: MONDAY_10,
    configPath: config,
  });
});
afterAll(async () => {
  await h?.close();
  await azurite?.stop();
});

describe('a freeze that begins while approval waits', () => {
  it('refuses an approval inside it and accepts one after it lifts', { timeout: 120_000 }, async () => {
    const d = await h.submit('ApiGateway', `hearloveen.azurecr.io/api-gateway:1.9.0@${digest()}`);
    await h.waitForPhase(d.id, 'tests', 'test workflows');
    for (const workflow of WORKFLOWS)
      await h.host.request(
        `/runtime/webhooks/durabletask/instances/${encodeURIComponent(phaseInstanceId(d.id, 'tests'))}/raiseEvent/testResult`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ workflow, conclusion: 'success' }),
        },
      );
    await h.waitForPhase(d.id, 'approval', 'approval');
    expect(h.host.clock.now()).toBeLessThan(Date.UTC(2026, 0, 5, 11, 0, 0));

    await h.host.advance(Date.UTC(2026, 0, 5, 11, 5, 0) - h.host.clock.now());
    const inside = await h.post(`/api/deployments/${d.id}/approve`, { comment: 'ship it' }, linus);
    const refused = (await inside.json()) as { error: { code: string; message: string } };
    expect(inside.status).toBe(403);
    expect(refused.error).toMatchObject({ code: 'approval-refused' });
    expect(refused.error.message).toMatch(
      /^frozen: freeze "board-meeting": Board meeting until 2026-01-05T12:00/,
    );
    expect((await h.view(d.id)).deployment.state).toBe('AwaitingApproval');

    await h.host.advance(Date.UTC(2026, 0, 5, 12, 0, 0) - h.host.clock.now());
    const after = await h.post(`/api/deployments/${d.id}/approve`, { comment: 'ship it' }, linus);
    expect(after.status).toBe(202);
    await after.body?.cancel();
    const view = await h.finish(d.id);
    expect(view.deployment.state).toBe('Succeeded');
    // The refusal is audited with the approvals, not on the timeline: one accepted approval counted.
    expect(
      view.timeline.filter((e) => e.title.startsWith('approve:')).map((e) => [e.title, e.actor]),
    ).toEqual([['approve:accepted', 'linus']]);
  });
});
