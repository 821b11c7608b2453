import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { startAzurite, type AzuriteHandle } from '../../devhost/durable/azurite.js';
import { phaseInstanceId } from '../../shared/contracts/events.js';
import { ada, PipelineHarness } from './pipeline-harness.js';

/** Shared by the pipeline end-to-end files: one Azurite per file, a fresh host per test. */

export const IMAGE = (d: string) => `hearloveen.azurecr.io/api-gateway:1.4.0@${d}`;
/** Monday 10:00 UTC: business hours, so production needs an approval. */
export const MONDAY_10 = Date.UTC(2026, 0, 5, 10, 0, 0);
export const WORKFLOWS = ['integration', 'e2e', 'performance', 'security'];

/** The running host, and the Azurite connection string it stores in (to open its tables directly). */
export const e2e = {} as { h: PipelineHarness; storage: string };

/** Registers the hooks: one Azurite per file, a fresh host (and table prefix) per test. */
export function usePipelineHost(startTime = MONDAY_10): void {
  let azurite: AzuriteHandle;
  beforeAll(async () => {
    azurite = await startAzurite({ location: undefined });
    e2e.storage = azurite.connectionString;
  });
  afterAll(async () => {
    await azurite?.stop();
  });
  beforeEach(async () => {
    e2e.h = await PipelineHarness.start({ storage: azurite.connectionString, startTime });
  });
  afterEach(async () => {
    await e2e.h?.close();
  });
}

/** Completes every dispatched test workflow through the Durable API, as the workflow_run webhook would. */
export async function completeTests(
  id: string,
  conclusion = 'success',
  workflows = WORKFLOWS,
): Promise<void> {
  await e2e.h.waitForPhase(id, 'tests', 'test workflows');
  for (const workflow of workflows) {
    const res = await e2e.h.host.request(
      `/runtime/webhooks/durabletask/instances/${encodeURIComponent(phaseInstanceId(id, 'tests'))}/raiseEvent/testResult`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ workflow, conclusion }),
      },
    );
    expect(res.status).toBe(202);
  }
}

/** Tests pass, then ada approves: the run goes on to the canary. */
export async function toCanary(id: string): Promise<void> {
  await completeTests(id);
  await e2e.h.waitForPhase(id, 'approval', 'approval');
  expect((await e2e.h.post(`/api/deployments/${id}/approve`, { comment: 'ok' }, ada)).status).toBe(202);
}

/** Success rate drops to 97% (below the 99% threshold, above the 95% hard bound) under traffic. */
export function badCanary(): void {
  e2e.h.world.metric = (q, w) =>
    q.template.includes('duration') ? 200 : q.template === 'request-rate' ? 50 : w.weight > 0 ? 97 : 99.9;
}
