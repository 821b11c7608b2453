/** Ring views of a release train: which digest runs in each ring now (service board) or in one run. */
import { h, time } from './dom.js';
import { formatDateTime, shortDigest } from './format.js';
import type { RingTarget, RunRing } from './types.js';

export interface ServiceRing {
  name: string;
  region?: string;
  digest: string | null;
  deploymentId: string | null;
  state: string;
  targets: RingTarget[];
}

const targetsText = (targets: readonly RingTarget[]): string =>
  targets.map((t) => `${t.cluster}/${t.namespace}`).join(', ');

const when = (iso: string | undefined): Node | string =>
  iso === undefined ? '' : time(iso, formatDateTime(iso));

/** A ring's row: its name (row header), region, state badge, then the table's own cells. */
function ringRow(r: { name: string; region?: string; state: string }, ...cells: Node[]): Node {
  return h(
    'tr',
    { 'data-ring': r.name },
    h('th', { scope: 'row' }, r.name),
    h('td', {}, r.region ?? ''),
    h('td', {}, h('span', { class: 'badge' }, r.state)),
    ...cells,
  );
}

function table(cls: string, caption: string, columns: readonly string[], rows: Node[]): Node {
  return h(
    'table',
    { class: `deployments ${cls}` },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, ...columns.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, ...rows),
  );
}

/** The run's rings on its deployment page: state, image and canary weight, and when each ran. */
export function runRingsTable(rings: readonly RunRing[] | undefined): Node | null {
  if (!rings || rings.length === 0) return null;
  const columns = ['Ring', 'Region', 'State', 'Image', 'Targets', 'Started', 'Ended'];
  return table(
    'run-rings',
    'Rings of this run: which version runs where',
    columns,
    rings.map((r) =>
      ringRow(
        r,
        h(
          'td',
          {},
          r.image === null ? 'previous release' : h('code', { title: r.image }, shortDigest(r.image)),
          r.weight > 0 ? ` · ${r.weight}% canary` : null,
        ),
        h('td', {}, targetsText(r.targets)),
        h('td', {}, when(r.startedAt)),
        h('td', {}, when(r.endedAt)),
      ),
    ),
  );
}

export function ringsTable(rings: readonly ServiceRing[] | undefined): Node | null {
  if (!rings || rings.length === 0) return null;
  return table(
    'board-rings',
    'Rings: which version runs where',
    ['Ring', 'Region', 'State', 'Digest', 'Targets'],
    rings.map((r) =>
      ringRow(
        r,
        h(
          'td',
          {},
          r.digest === null
            ? 'none'
            : r.deploymentId
              ? h('a', { href: `#/deployments/${encodeURIComponent(r.deploymentId)}` }, shortDigest(r.digest))
              : shortDigest(r.digest),
        ),
        h('td', {}, targetsText(r.targets)),
      ),
    ),
  );
}
