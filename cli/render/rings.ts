import type { RingView } from '../../shared/domain/ring-view.js';
import { plain, shortDigest } from '../format.js';
import type { Style } from '../style.js';
import { formatTable } from '../table.js';

/** `gantry status` of a release train: which version runs in which ring. */
export function ringLines(rings: readonly RingView[] | undefined, style: Style, width: number): string[] {
  if (!rings || rings.length === 0) return [];
  const table = formatTable(
    [
      { header: 'RING' },
      { header: 'REGION' },
      { header: 'STATE' },
      { header: 'WEIGHT' },
      { header: 'IMAGE', flex: true },
    ],
    rings.map((r) => [
      plain(r.name),
      plain(r.region ?? ''),
      plain(r.state),
      r.state === 'deploying' ? `${r.weight}%` : '',
      r.image ? shortDigest(r.image) : style.dim('previous release'),
    ]),
    width,
  );
  return ['', style.bold('Rings'), ...table];
}
