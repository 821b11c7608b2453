import { describe, expect, it } from 'vitest';
import { ROLLBACK_STALE_MS, rollbackInProgress } from '../../../shared/activities/releases.js';
import type { TimelineEntry } from '../../../shared/domain/deployment.js';
import type { Ports } from '../../../shared/ports/index.js';
import { MemoryRunStore } from '../../fakes/memory-run-store.js';

const T0 = Date.UTC(2026, 0, 5, 12);
const IMAGE = { registry: 'r.example.io', repository: 'api', digest: `sha256:${'a'.repeat(64)}` };

async function world(
  entries: Array<[string, number]>,
  nowOffsetMs = 60_000,
  via: 'rollback' | null = 'rollback',
) {
  const store = new MemoryRunStore();
  const ports = { store, clock: { now: () => T0 + nowOffsetMs } } as unknown as Ports;
  await store.recordRelease({
    service: 'Api',
    environment: 'production',
    deploymentId: 'api-aaaaaaaaaaaa',
    image: IMAGE,
    releasedAt: new Date(T0).toISOString(),
    ...(via && { via }),
  });
  for (const [title, ms] of entries) {
    const entry: TimelineEntry = {
      deploymentId: 'api-aaaaaaaaaaaa',
      seq: (T0 + ms) * 1000,
      at: new Date(T0 + ms).toISOString(),
      kind: 'action',
      title,
    };
    await store.appendEvent(entry);
  }
  return ports;
}

describe('rollbackInProgress', () => {
  it.each<[string, Array<[string, number]>, number, boolean]>([
    ['a rollback still syncing', [['rollback:to', 0]], 60_000, true],
    [
      'a rollback that synced',
      [
        ['rollback:to', 0],
        ['rollback:synced:api-prod', 30_000],
      ],
      60_000,
      false,
    ],
    [
      'a rollback whose sync failed',
      [
        ['rollback:to', 0],
        ['rollback:sync-failed:api-prod', 30_000],
      ],
      60_000,
      false,
    ],
    [
      'a second rollback to the same release, still syncing',
      [
        ['rollback:to', 0],
        ['rollback:synced:api-prod', 1],
        ['rollback:to', 2],
      ],
      60_000,
      true,
    ],
    [
      'a rollback whose end was never recorded, past the stale limit',
      [['rollback:to', 0]],
      ROLLBACK_STALE_MS + 1,
      false,
    ],
  ])('%s', async (_name, entries, now, pending) => {
    const result = await rollbackInProgress(await world(entries, now), { service: 'Api' });
    expect(result.pending).toBe(pending);
    if (pending) expect(result).toMatchObject({ deploymentId: 'api-aaaaaaaaaaaa' });
  });

  it('a release promoted by its pipeline: nothing to wait for, and its timeline is not read', async () => {
    const ports = await world([['rollback:to', 0]], 60_000, null);
    let reads = 0;
    const listEvents = ports.store.listEvents.bind(ports.store);
    ports.store.listEvents = (id) => {
      reads++;
      return listEvents(id);
    };
    expect(await rollbackInProgress(ports, { service: 'Api' })).toEqual({ pending: false });
    expect(reads).toBe(0);
  });

  it('no production release at all: nothing to wait for', async () => {
    const ports = { store: new MemoryRunStore(), clock: { now: () => T0 } } as unknown as Ports;
    expect(await rollbackInProgress(ports, { service: 'Api' })).toEqual({ pending: false });
  });
});
