/**
 * Pushes that arrive while a service's lane runs a pipeline do not wake the lane (each wake was an episode
 * replaying the lane's history), and are not lost: the lane takes the newest when the pipeline ends.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAzurite, type AzuriteHandle } from '../../devhost/durable/azurite.js';
import { laneInstanceId, pipelineInstanceId } from '../../shared/contracts/events.js';
import { EventType } from '../../devhost/durable/types.js';
import { ada, digest, PipelineHarness } from './pipeline-harness.js';

const MONDAY_10 = Date.UTC(2026, 0, 5, 10, 0, 0);
const IMAGE = (d: string): string => `hearloveen.azurecr.io/api-gateway:1.4.0@${d}`;
const LANE = laneInstanceId('ApiGateway');

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

const wakes = async (): Promise<number> =>
  (await h.host.engine.getHistory(LANE)).filter((e) => e.EventType === EventType.EventRaised).length;

describe('lane wake-ups', () => {
  it('does not wake a lane whose pipeline is running, and runs the newest push after it', async () => {
    const first = await h.submit('ApiGateway', IMAGE(digest()));
    await h.waitForPhase(first.id, 'tests', 'test workflows');
    const older = await h.submit('ApiGateway', IMAGE(digest()));
    // One millisecond apart: two pushes in the same millisecond have no defined newest (a known gap).
    h.host.clock.advance(1);
    const latest = await h.submit('ApiGateway', IMAGE(digest()));
    // The lane is awaiting its pipeline: a wake would sit in this history until it continues as new.
    expect(await wakes()).toBe(0);
    expect((await h.view(older.id)).deployment.state).toBe('Queued');
    expect((await h.view(latest.id)).deployment.state).toBe('Queued');

    const res = await h.post(`/api/deployments/${first.id}/cancel`, { comment: 'make way' }, ada);
    expect(res.status).toBe(202);
    await h.host.waitForCompletion(pipelineInstanceId(first.id));
    // From here virtual time stands still: not through the lane's 5-minute recheck of its queue.
    await h.host.waitFor(pipelineInstanceId(latest.id), (s) => s.runtimeStatus === 'Running', {
      advanceTime: false,
    });
    expect((await h.view(older.id)).deployment.state).toBe('Superseded');
  });

  it('wakes a lane that is waiting for queued images', async () => {
    const first = await h.submit('ApiGateway', IMAGE(digest()));
    await h.waitForPhase(first.id, 'tests', 'test workflows');
    await h.post(`/api/deployments/${first.id}/cancel`, { comment: 'done' }, ada);
    await h.finish(first.id);
    await h.host.waitFor(LANE, (s) => (s.customStatus ?? '').includes('queued images'), {
      advanceTime: false,
    });
    const next = await h.submit('ApiGateway', IMAGE(digest()));
    // Only the wake can start it: virtual time stands still, so the lane's recheck timer never fires.
    await h.host.waitFor(pipelineInstanceId(next.id), (s) => s.runtimeStatus === 'Running', {
      advanceTime: false,
    });
  });
});
