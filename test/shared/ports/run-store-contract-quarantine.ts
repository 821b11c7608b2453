/** The RunStore contract for quarantined digests and lane holds (see run-store-contract.ts). */
import { beforeEach, describe, expect, it } from 'vitest';
import type { HoldRecord, QuarantineRecord } from '../../../shared/domain/quarantine.js';
import type { RunStore } from '../../../shared/ports/run-store.js';
import { digestOf } from './run-store-fixtures.js';

const T0 = '2026-12-01T10:00:00.000Z';

function quarantined(
  service: string,
  version: string,
  extra: Partial<QuarantineRecord> = {},
): QuarantineRecord {
  return {
    service,
    digest: digestOf(version),
    deploymentId: `${service}-${digestOf(version).slice(7, 19)}`,
    reason: 'analysis: error rate 7% > 1%',
    cause: 'automatic',
    at: T0,
    ...extra,
  };
}

export function runStoreQuarantineContract(name: string, makeStore: () => Promise<RunStore>): void {
  describe(`${name}: RunStore contract (quarantine and holds)`, () => {
    let store: RunStore;
    beforeEach(async () => {
      store = await makeStore();
    });

    it('reads a quarantine back by service and digest, replaces it on a second write, and keeps services apart', async () => {
      const q = quarantined('api', 'v1');
      expect(await store.getQuarantine('api', q.digest)).toBeUndefined();
      await store.putQuarantine(q);
      expect(await store.getQuarantine('api', q.digest)).toEqual(q);
      expect(await store.getQuarantine('web', q.digest)).toBeUndefined();
      const lifted = {
        ...q,
        lifted: { by: 'olivia', reason: 'false alarm', at: '2026-12-01T11:00:00.000Z' },
      };
      await store.putQuarantine(lifted);
      expect(await store.getQuarantine('api', q.digest)).toEqual(lifted);
      expect(await store.listQuarantine('api')).toEqual([lifted]);
    });

    it("lists a service's quarantined digests newest first, and nothing of another service", async () => {
      await store.putQuarantine(quarantined('api', 'v1', { at: '2026-12-01T09:00:00.000Z' }));
      await store.putQuarantine(quarantined('api', 'v2', { at: '2026-12-01T12:00:00.000Z' }));
      await store.putQuarantine(quarantined('web', 'v3'));
      expect((await store.listQuarantine('api')).map((q) => q.digest)).toEqual([
        digestOf('v2'),
        digestOf('v1'),
      ]);
      expect(await store.listQuarantine('nobody')).toEqual([]);
    });

    it('refuses bad keys and times before writing', async () => {
      await expect(store.putQuarantine(quarantined('~ids', 'v1'))).rejects.toMatchObject({
        code: 'invalid-key',
      });
      await expect(store.putQuarantine(quarantined('api', 'v1', { digest: 'a/b' }))).rejects.toMatchObject({
        code: 'invalid-key',
      });
      await expect(store.putQuarantine(quarantined('api', 'v1', { at: 'yesterday' }))).rejects.toMatchObject({
        code: 'invalid-argument',
      });
      await expect(store.getQuarantine('api', 'x#y')).rejects.toMatchObject({ code: 'invalid-key' });
      expect(await store.listQuarantine('api')).toEqual([]);
    });

    it('updates a quarantine under a guard: concurrent counts all land, a lift is never undone', async () => {
      const q = quarantined('api', 'v1');
      await expect(store.updateQuarantine('api', q.digest, (c) => c)).rejects.toMatchObject({
        code: 'not-found',
      });
      await store.putQuarantine(q);
      const count = (c: QuarantineRecord): QuarantineRecord => ({
        ...c,
        refusals: { count: (c.refusals?.count ?? 0) + 1, lastAt: T0, lastSource: 'event-grid' },
      });
      await Promise.all(Array.from({ length: 8 }, () => store.updateQuarantine('api', q.digest, count)));
      expect((await store.getQuarantine('api', q.digest))?.refusals?.count).toBe(8);
      const lift = { by: 'olivia', reason: 'ok', at: T0 };
      await Promise.all([
        store.updateQuarantine('api', q.digest, (c) => ({ ...c, lifted: lift })),
        ...Array.from({ length: 4 }, () =>
          store.updateQuarantine('api', q.digest, (c) => (c.lifted ? c : count(c))),
        ),
      ]);
      expect((await store.getQuarantine('api', q.digest))?.lifted).toEqual(lift);
      await expect(
        store.updateQuarantine('api', q.digest, (c) => ({ ...c, digest: digestOf('v2') })),
      ).rejects.toMatchObject({ code: 'invalid-argument' });
    });

    it('keeps one hold per service, replaced by the next write', async () => {
      const hold: HoldRecord = {
        service: 'api',
        environment: 'production',
        deploymentId: 'api-aaaaaaaaaaaa',
        reason: 'automatic rollback',
        at: T0,
      };
      expect(await store.getHold('api')).toBeUndefined();
      await store.putHold(hold);
      expect(await store.getHold('api')).toEqual(hold);
      expect(await store.getHold('web')).toBeUndefined();
      const lifted = { ...hold, lifted: { by: 'olivia', reason: 'fixed', at: '2026-12-01T10:30:00.000Z' } };
      await store.putHold(lifted);
      expect(await store.getHold('api')).toEqual(lifted);
      await expect(store.putHold({ ...hold, at: 'soon' })).rejects.toMatchObject({
        code: 'invalid-argument',
      });
      await expect(store.getHold('a/b')).rejects.toMatchObject({ code: 'invalid-key' });
    });
  });
}
