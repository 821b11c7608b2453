/**
 * The behaviour every RunStore must have, run against TableRunStore (on Azurite) and the in-memory fake
 * (memory-run-store.test.ts), so the fake used by orchestration tests cannot drift from the adapter.
 * Deployments here; timeline, queue, releases, approvals and key validation in run-store-contract-records.ts.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { DeploymentRecord } from '../../../shared/domain/deployment.js';
import type { RunStore } from '../../../shared/ports/run-store.js';
import { runStoreQuarantineContract } from './run-store-contract-quarantine.js';
import { runStoreRecordsContract } from './run-store-contract-records.js';
import { INJECTION, deployment, event } from './run-store-fixtures.js';

export function runStoreContract(name: string, makeStore: () => Promise<RunStore>): void {
  describe(`${name}: RunStore contract`, () => {
    let store: RunStore;
    beforeEach(async () => {
      store = await makeStore();
    });

    it('creates a deployment once and returns the stored record on repeats', async () => {
      const first = deployment('api', 'v1', { reason: undefined, commitSha: 'abc' });
      expect(await store.createDeployment(first)).toEqual({
        record: { ...first, reason: undefined },
        created: true,
      });
      const again = await store.createDeployment({ ...first, state: 'Canary', weight: 50 });
      expect(again.created).toBe(false);
      expect(again.record).toEqual(JSON.parse(JSON.stringify(first)));
      expect(await store.getDeployment('api', first.id)).toEqual(again.record);
      expect(await store.findDeployment(first.id)).toEqual(again.record);
      expect(await store.getDeployment('API', first.id)).toBeUndefined();
      expect(await store.findDeployment('api-000000000000')).toBeUndefined();
    });

    it('writes a first timeline entry and queue item only with the deployment it creates, checked first', async () => {
      const d = deployment('api', 'v1');
      const entry = event(d.id, 1000, { kind: 'transition', title: '->Queued' });
      const queueItem = {
        service: 'api',
        digest: d.image.digest,
        deploymentId: d.id,
        enqueuedAt: d.createdAt,
        state: 'queued',
      } as const;
      for (const bad of [
        { entry: event('api-other', 1000), queueItem },
        { entry: { ...entry, at: 'yesterday' }, queueItem },
        { entry, queueItem: { ...queueItem, deploymentId: 'api-other' } },
        { entry, queueItem: { ...queueItem, state: 'lost' as 'queued' } },
      ])
        await expect(store.createDeployment(d, bad)).rejects.toMatchObject({ code: 'invalid-argument' });
      expect(await store.findDeployment(d.id)).toBeUndefined();
      expect(await store.listQueue('api')).toEqual([]);
      expect((await store.createDeployment(d, { entry, queueItem })).created).toBe(true);
      // A duplicate (another arrival, another time) adds no second entry and no second queue row.
      const later = {
        entry: { ...entry, seq: 2000 },
        queueItem: { ...queueItem, enqueuedAt: '2030-01-01T00:00:00Z' },
      };
      expect((await store.createDeployment(d, later)).created).toBe(false);
      expect(await store.listEvents(d.id)).toEqual([entry]);
      expect(await store.listQueue('api')).toEqual([queueItem]);
      await store.appendEvent(event(d.id, 3000));
      expect((await store.listEvents(d.id)).map((e) => e.seq)).toEqual([1000, 3000]);
      expect(await store.findDeployment(d.id)).toEqual(d);
      // Queue rows share the deployments' partition on Table Storage: listings see deployments only.
      expect((await store.listDeployments({ service: 'api' })).items).toEqual([d]);
      expect((await store.listDeployments({})).items).toEqual([d]);
      await store.setQueueState('api', d.image.digest, 'running');
      expect(await store.listQueue('api')).toEqual([{ ...queueItem, state: 'running' }]);
    });

    it('finds deployments of services whose names are not lower case, and refuses an id reused by another service', async () => {
      const mixed = deployment('PaymentsAPI', 'v1');
      await store.createDeployment(mixed);
      expect(await store.findDeployment(mixed.id)).toMatchObject({ service: 'PaymentsAPI', id: mixed.id });
      await expect(store.createDeployment({ ...mixed, service: 'paymentsapi' })).rejects.toMatchObject({
        code: 'id-conflict',
      });
    });

    it('applies updates and keeps filter columns in step with the record', async () => {
      const d = deployment('api', 'v1');
      await store.createDeployment(d);
      const updated = await store.updateDeployment('api', d.id, (c) => ({
        ...c,
        state: 'Canary',
        weight: 25,
      }));
      expect(updated).toMatchObject({ state: 'Canary', weight: 25 });
      expect(await store.getDeployment('api', d.id)).toEqual(updated);
      expect((await store.listDeployments({ state: 'Canary' })).items.map((x) => x.id)).toEqual([d.id]);
      expect((await store.listDeployments({ state: 'Queued' })).items).toEqual([]);
    });

    it('lands every one of 20 concurrent read-modify-write updates', async () => {
      const d = deployment('api', 'v1');
      await store.createDeployment(d);
      const bump = (c: DeploymentRecord): DeploymentRecord => ({ ...c, weight: c.weight + 1 });
      const results = await Promise.all(
        Array.from({ length: 20 }, () => store.updateDeployment('api', d.id, bump)),
      );
      expect(results.map((r) => r.weight).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
      expect((await store.getDeployment('api', d.id))?.weight).toBe(20);
    });

    it('refuses updates of missing deployments and updates that move the record', async () => {
      await expect(store.updateDeployment('api', 'api-missing', (c) => c)).rejects.toMatchObject({
        code: 'not-found',
      });
      const d = deployment('api', 'v1');
      await store.createDeployment(d);
      await expect(
        store.updateDeployment('api', d.id, (c) => ({ ...c, id: 'api-other' })),
      ).rejects.toMatchObject({
        code: 'invalid-argument',
      });
      await expect(
        store.updateDeployment('api', d.id, (c) => ({ ...c, state: 'Bogus' as never })),
      ).rejects.toMatchObject({
        code: 'invalid-argument',
      });
      expect(await store.getDeployment('api', d.id)).toEqual(d);
    });

    it('filters deployments by service, state and creation time (as times, not strings)', async () => {
      await store.createDeployment(deployment('api', 'a', { createdAt: '2025-01-01T00:00:00Z' }));
      await store.createDeployment(
        deployment('api', 'b', { createdAt: '2025-01-02T01:00:00+01:00', state: 'Failed' }),
      );
      await store.createDeployment(
        deployment('web', 'c', { createdAt: '2025-01-03T00:00:00Z', state: 'Failed' }),
      );
      const ids = async (q: Parameters<RunStore['listDeployments']>[0]) =>
        (await store.listDeployments(q)).items.map((d) => d.image.tag);
      expect(await ids({})).toEqual(expect.arrayContaining(['a', 'b', 'c']));
      expect((await ids({})).slice(2)).toEqual(['c']);
      expect((await ids({ service: 'api' })).sort()).toEqual(['a', 'b']);
      expect((await ids({ state: 'Failed' })).sort()).toEqual(['b', 'c']);
      expect((await ids({ since: '2025-01-02T00:00:00Z' })).sort()).toEqual(['b', 'c']);
      expect(await ids({ service: 'api', state: 'Failed', since: '2025-01-02T00:00:00.000Z' })).toEqual([
        'b',
      ]);
      expect(await ids({ service: 'nobody' })).toEqual([]);
      await expect(store.listDeployments({ since: 'yesterday' })).rejects.toMatchObject({
        code: 'invalid-argument',
      });
      await expect(store.listDeployments({ state: 'Nope' as never })).rejects.toMatchObject({
        code: 'invalid-argument',
      });
      await expect(store.listDeployments({ pageSize: 0 })).rejects.toMatchObject({
        code: 'invalid-argument',
      });
    });

    it('pages through 120 deployments without duplicates or gaps, in service-then-id order', async () => {
      const all = ['api', 'batch', 'web'].flatMap((s) =>
        Array.from({ length: 40 }, (_, i) => deployment(s, `v${i}`)),
      );
      await Promise.all(all.map((d) => store.createDeployment(d)));
      const seen: string[] = [];
      const sizes: number[] = [];
      let token: string | undefined;
      do {
        const page = await store.listDeployments({ pageSize: 50, continuationToken: token });
        sizes.push(page.items.length);
        seen.push(...page.items.map((d) => `${d.service}/${d.id}`));
        token = page.continuationToken;
      } while (token !== undefined);
      expect(sizes).toEqual([50, 50, 20]);
      const expected = all.map((d) => `${d.service}/${d.id}`).sort();
      expect(seen).toEqual(expected);
      expect((await store.listDeployments({})).items).toHaveLength(50);
      expect((await store.listDeployments({ pageSize: 1000 })).items).toHaveLength(120);
    });

    it('pages through a filtered listing and refuses tokens that are altered or from another query', async () => {
      for (let i = 0; i < 12; i++)
        await store.createDeployment(deployment('api', `v${i}`, { state: i % 3 ? 'Queued' : 'Canary' }));
      const first = await store.listDeployments({ state: 'Queued', pageSize: 5 });
      expect(first.items).toHaveLength(5);
      const token = first.continuationToken as string;
      const second = await store.listDeployments({ state: 'Queued', pageSize: 5, continuationToken: token });
      expect(second.items).toHaveLength(3);
      expect(second.continuationToken).toBeUndefined();
      expect(new Set([...first.items, ...second.items].map((d) => d.id)).size).toBe(8);

      const flipped = token.slice(0, 5) + (token[5] === 'A' ? 'B' : 'A') + token.slice(6);
      for (const bad of [flipped, 'garbage', '', `${token}x`, Buffer.from('{}').toString('base64')]) {
        await expect(
          store.listDeployments({ state: 'Queued', continuationToken: bad }),
        ).rejects.toMatchObject({
          code: 'invalid-continuation-token',
        });
      }
      await expect(
        store.listDeployments({ state: 'Canary', continuationToken: token }),
      ).rejects.toMatchObject({
        code: 'invalid-continuation-token',
      });
    });

    it('treats quotes in filter values as data: an injection attempt matches nothing', async () => {
      await store.createDeployment(deployment('api', 'v1'));
      await store.appendEvent(event('api-1', 0));
      expect(await store.listDeployments({ service: INJECTION })).toEqual({ items: [] });
      expect(await store.findDeployment(INJECTION)).toBeUndefined();
      expect(await store.listEvents(INJECTION)).toEqual([]);
      expect(await store.listQueue(INJECTION)).toEqual([]);
      expect(await store.listApprovals(INJECTION)).toEqual([]);
    });
  });

  runStoreRecordsContract(name, makeStore);
  runStoreQuarantineContract(name, makeStore);
}
