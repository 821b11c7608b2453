import type { ServiceRing } from '../../shared/app/service-rings.js';
import type { RingTarget, RingView } from '../../shared/domain/ring-view.js';
import { plain, shortDigest, time } from '../format.js';
import type { Style } from '../style.js';
import { formatTable } from '../table.js';

const where = (targets: readonly RingTarget[] | undefined): string =>
  (targets ?? []).map((t) => plain(`${t.cluster}/${t.namespace}`)).join(', ');

/** `gantry status` of a release train: which version runs in which ring, and when each ring ran. */
export function ringLines(rings: readonly RingView[] | undefined, style: Style, width: number): string[] {
  if (!rings || rings.length === 0) return [];
  const table = formatTable(
    [
      { header: 'RING' },
      { header: 'REGION' },
      { header: 'STATE' },
      { header: 'WEIGHT' },
      { header: 'IMAGE' },
      { header: 'STARTED' },
      { header: 'ENDED' },
      { header: 'TARGETS', flex: true },
    ],
    rings.map((r) => [
      plain(r.name),
      plain(r.region ?? ''),
      plain(r.state),
      r.state === 'deploying' ? `${r.weight}%` : '',
      r.image ? shortDigest(r.image) : style.dim('previous release'),
      r.startedAt ? time(r.startedAt) : '',
      r.endedAt ? time(r.endedAt) : '',
      where(r.targets),
    ]),
    width,
  );
  return ['', style.bold('Rings'), ...table];
}

/** `gantry service` of a release train: the digest each ring runs now and the run that put it there. */
export function serviceRingLines(
  rings: readonly ServiceRing[] | undefined,
  style: Style,
  width: number,
): string[] {
  if (!rings || rings.length === 0) return [];
  const table = formatTable(
    [
      { header: 'RING' },
      { header: 'REGION' },
      { header: 'STATE' },
      { header: 'DIGEST' },
      { header: 'DEPLOYMENT' },
      { header: 'TARGETS', flex: true },
    ],
    rings.map((r) => [
      plain(r.name),
      plain(r.region ?? ''),
      plain(r.state),
      r.digest ? shortDigest(r.digest) : style.dim('none'),
      r.deploymentId ? plain(r.deploymentId) : '',
      where(r.targets),
    ]),
    width,
  );
  return ['', style.bold('Rings'), ...table];
}
