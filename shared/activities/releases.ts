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
