import type { ReleaseRecord } from '../domain/deployment.js';
import type { Ports } from '../ports/index.js';

export async function lastKnownGood(
  ports: Ports,
  input: { service: string; environment: 'staging' | 'production' },
): Promise<ReleaseRecord | null> {
  const [latest] = await ports.store.listReleases(input.service, input.environment, 1);
  return latest ?? null;
}

export async function recordRelease(ports: Ports, release: ReleaseRecord): Promise<void> {
  await ports.store.recordRelease(release);
}

/** A rollback whose end was never recorded (its orchestration died) stops blocking the lane after this. */
export const ROLLBACK_STALE_MS = 30 * 60_000;

/**
 * Whether a manual rollback (`POST /api/services/{name}/rollback`) is still syncing: the newest
 * production release was put back by a rollback (`via: 'rollback'`) and its timeline has no
 * `rollback:synced:` / `rollback:sync-failed:` entry after the last `rollback:to` yet. Read from the
 * store, so the lane needs no handle on the rollback's orchestration; the timeline is only read in that
 * rare case, not on every lane iteration.
 */
export async function rollbackInProgress(
  ports: Ports,
  input: { service: string },
): Promise<{ pending: boolean; deploymentId?: string; since?: string }> {
  const [latest] = await ports.store.listReleases(input.service, 'production', 1);
  if (latest?.via !== 'rollback') return { pending: false };
  const events = [...(await ports.store.listEvents(latest.deploymentId))].sort((a, b) => a.seq - b.seq);
  const started = events.filter((e) => e.title === 'rollback:to').at(-1);
  if (!started) return { pending: false };
  const ended = events.some(
    (e) =>
      e.seq > started.seq &&
      (e.title.startsWith('rollback:synced:') || e.title.startsWith('rollback:sync-failed:')),
  );
  const stale = ports.clock.now() - Date.parse(started.at) > ROLLBACK_STALE_MS;
  return ended || stale
    ? { pending: false }
    : { pending: true, deploymentId: latest.deploymentId, since: started.at };
}
