import type { ReleaseRecord } from './deployment.js';

/**
 * Deployments a manual rollback moved production away from: in a newest-first release list, the release
 * just older than a `via: rollback` one was live until the rollback. Their records still say Succeeded.
 */
export function rolledBackIds(releases: readonly ReleaseRecord[]): Set<string> {
  const ids = new Set<string>();
  releases.forEach((r, i) => {
    const before = releases[i + 1];
    if (r.via === 'rollback' && before && before.deploymentId !== r.deploymentId)
      ids.add(before.deploymentId);
  });
  // A release that is current again (rolled back to) is not "rolled back" as far as what runs goes.
  if (releases[0]) ids.delete(releases[0].deploymentId);
  return ids;
}
