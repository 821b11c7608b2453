/** The RunStore contract for timeline, queue, releases, approvals and key validation (see run-store-contract.ts). */
import { beforeEach, describe, expect, it } from 'vitest';
import type { RunStore } from '../../../shared/ports/run-store.js';
import {
  HOSTILE_KEYS,
  approval,
  deployment,
  digestOf,
  event,
  hostileCalls,
  queued,
  release,
} from './run-store-fixtures.js';

export function runStoreRecordsContract(name: string, makeStore: () => Promise<RunStore>): void {
  describe(`${name}: RunStore contract (records)`, () => {
    let store: RunStore;
    beforeEach(async () => {
      store = await makeStore();
    });

    it('keeps the timeline in seq order and treats a re-append as the same entry', async () => {
      for (const seq of [2, 10, 0, 1]) await store.appendEvent(event('api-1', seq));
      await store.appendEvent(event('api-1', 1, { verdict: 'pass' }));
      await store.appendEvent(event('api-1', 1, { verdict: 'pass' }));
      await store.appendEvent(event('api-2', 0));
      const timeline = await store.listEvents('api-1');
      expect(timeline.map((e) => e.seq)).toEqual([0, 1, 2, 10]);
      expect(timeline[1]).toEqual(event('api-1', 1, { verdict: 'pass' }));
      expect(await store.listEvents('nobody')).toEqual([]);
      await expect(store.appendEvent(event('api-1', -1))).rejects.toMatchObject({ code: 'invalid-argument' });
      await expect(store.appendEvent(event('api-1', 1.5))).rejects.toMatchObject({
        code: 'invalid-argument',
      });
    });

    it('round-trips large evidence exactly, and cuts evidence too large for one entity with a marker', async () => {
      const samples = Array.from({ length: 3_000 }, (_, i) => ({ t: i, v: i / 7 }));
      const evidence = {
        query: 'sum(rate(x[1m]))',
        samples,
        note: 'Grüße 😀'.repeat(2_000),
        emoji: 'a' + '😀'.repeat(15_000),
      };
      await store.appendEvent(event('api-1', 0, { kind: 'check', evidence }));
      expect((await store.listEvents('api-1'))[0]?.evidence).toEqual(evidence);

      const huge = { blob: 'x'.repeat(2_000_000) };
      await store.appendEvent(event('api-1', 1, { evidence: huge, comment: 'c'.repeat(100_000) }));
      const cut = (await store.listEvents('api-1'))[1];
      expect(cut?.evidence).toMatchObject({ truncated: true, originalChars: JSON.stringify(huge).length });
      expect(String(cut?.evidence?.preview)).toMatch(/^\{"blob":"x{1000}/);
      expect(cut?.comment?.length).toBeLessThan(100_000);
      expect(cut?.title).toBe('entry 1');
    });

    it('shortens free text of an oversized entry without evidence, and refuses oversized records', async () => {
      await store.appendEvent(event('api-1', 0, { comment: 'c'.repeat(600_000), actor: 'a'.repeat(5_000) }));
      const [stored] = await store.listEvents('api-1');
      expect(stored?.comment).toBe('c'.repeat(16_000));
      expect(stored?.actor).toBe('a'.repeat(1_000));
      expect(stored?.evidence).toBeUndefined();
      const tooBig = deployment('api', 'v1', { reason: 'r'.repeat(500_000) });
      await expect(store.createDeployment(tooBig)).rejects.toMatchObject({ code: 'invalid-argument' });
    });

    it('enqueues a digest once, even when 50 identical enqueues race', async () => {
      const item = queued('api', 'd1', '2025-01-01T00:00:00Z');
      const results = await Promise.all(Array.from({ length: 50 }, () => store.enqueue(item)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.enqueue({ ...item, deploymentId: 'other' })).toBe(false);
      expect(await store.listQueue('api')).toEqual([item]);
    });

    it('records a webhook delivery once per source, even when 50 replays race', async () => {
      const results = await Promise.all(
        Array.from({ length: 50 }, () =>
          store.recordDelivery('github', '72d3162e-cc78-11e3-81ab-4c9367dc0958'),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.deliveryRecorded('github', '72d3162e-cc78-11e3-81ab-4c9367dc0958')).toBe(true);
      expect(await store.deliveryRecorded('acr', '72d3162e-cc78-11e3-81ab-4c9367dc0958')).toBe(false);
      expect(await store.recordDelivery('github', '72d3162e-cc78-11e3-81ab-4c9367dc0958')).toBe(false);
      expect(await store.recordDelivery('acr', '72d3162e-cc78-11e3-81ab-4c9367dc0958')).toBe(true);
      expect(await store.recordDelivery('github', 'another')).toBe(true);
    });

    it('lists the queue oldest first and changes only the state of an item', async () => {
      const late = queued('api', 'a-late', '2025-01-01T00:00:09Z');
      const early = queued('api', 'z-early', '2025-01-01T00:00:01+00:00');
      const middle = queued('api', 'm-middle', '2025-01-01T00:00:05Z');
      for (const item of [late, early, middle]) await store.enqueue(item);
      await store.enqueue(queued('web', 'other', '2025-01-01T00:00:00Z'));
      expect((await store.listQueue('api')).map((q) => q.deploymentId)).toEqual([
        'api-z-early',
        'api-m-middle',
        'api-a-late',
      ]);
      await store.setQueueState('api', early.digest, 'superseded');
      expect((await store.listQueue('api'))[0]).toEqual({ ...early, state: 'superseded' });
      await expect(store.setQueueState('api', digestOf('missing'), 'done')).rejects.toMatchObject({
        code: 'not-found',
      });
      await expect(store.setQueueState('api', early.digest, 'lost' as never)).rejects.toMatchObject({
        code: 'invalid-argument',
      });
    });

    it('lists releases newest first, per environment, idempotently', async () => {
      await store.recordRelease(release('api-b', '2025-01-02T00:00:00Z'));
      await store.recordRelease(release('api-c', '2025-03-01T00:00:00Z'));
      await store.recordRelease(release('api-a', '2025-01-01T00:00:00Z'));
      await store.recordRelease(release('api-b', '2025-01-02T00:00:00Z'));
      await store.recordRelease(release('api-s', '2025-06-01T00:00:00Z', 'staging'));
      expect((await store.listReleases('api', 'production')).map((r) => r.deploymentId)).toEqual([
        'api-c',
        'api-b',
        'api-a',
      ]);
      expect(await store.listReleases('api', 'production', 1)).toEqual([
        release('api-c', '2025-03-01T00:00:00Z'),
      ]);
      expect((await store.listReleases('api', 'staging')).map((r) => r.deploymentId)).toEqual(['api-s']);
      expect(await store.listReleases('web', 'production')).toEqual([]);
      await expect(store.listReleases('api', 'production', 0)).rejects.toMatchObject({
        code: 'invalid-argument',
      });
      await expect(store.listReleases('api', 'prod' as never)).rejects.toMatchObject({
        code: 'invalid-argument',
      });
      await expect(store.recordRelease(release('api-x', '1969-12-31T00:00:00Z'))).rejects.toMatchObject({
        code: 'invalid-argument',
      });
    });

    it('lists a rollback before the release it undid when both share a millisecond', async () => {
      const at = '2025-01-02T00:00:00.000Z';
      await store.recordRelease(release('api-a', '2025-01-01T00:00:00Z'));
      await store.recordRelease(release('api-z', at));
      await store.recordRelease({ ...release('api-a', at), via: 'rollback' });
      expect((await store.listReleases('api', 'production', 1)).map((r) => [r.deploymentId, r.via])).toEqual([
        ['api-a', 'rollback'],
      ]);
    });

    it('lists approvals oldest first, accepting approver names with # and /', async () => {
      const guest = approval('alice_example.com#EXT#@tenant.onmicrosoft.com', '2025-01-01T10:00:00Z');
      const refused = approval('ci/bot', '2025-01-01T09:00:00Z', {
        accepted: false,
        refusal: 'pushed the image',
      });
      const later = approval('bob@example.com', '2025-01-01T11:00:00+00:00', {
        decision: 'reject',
        comment: "it's late",
      });
      for (const a of [later, guest, refused, guest]) await store.recordApproval(a);
      expect(await store.listApprovals('api-1')).toEqual([refused, guest, later]);
      expect(await store.listApprovals('api-2')).toEqual([]);
      await expect(store.recordApproval(approval('', '2025-01-01T00:00:00Z'))).rejects.toMatchObject({
        code: 'invalid-argument',
      });
    });

    it('rejects hostile keys with invalid-key on every operation', async () => {
      const d = deployment('api', 'v1');
      for (const bad of HOSTILE_KEYS) {
        for (const call of hostileCalls(store, bad))
          await expect(call()).rejects.toMatchObject({ code: 'invalid-key' });
      }
      await expect(store.createDeployment({ ...d, service: '~ids' })).rejects.toMatchObject({
        code: 'invalid-key',
      });
      await expect(store.getDeployment('k'.repeat(512), d.id)).resolves.toBeUndefined();
    });
  });
}
