/** The service board's ring view: which digest runs in each ring of a release train now. */
import { h } from './dom.js';
import { shortDigest } from './format.js';

export interface ServiceRing {
  name: string;
  region?: string;
  digest: string | null;
  deploymentId: string | null;
  state: string;
  targets: Array<{ cluster: string; namespace: string; argoApp: string }>;
}

export function ringsTable(rings: readonly ServiceRing[] | undefined): Node | null {
  if (!rings || rings.length === 0) return null;
  return h(
    'table',
    { class: 'deployments board-rings' },
    h('caption', {}, 'Rings: which version runs where'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['Ring', 'Region', 'State', 'Digest', 'Targets'].map((c) => h('th', { scope: 'col' }, c)),
      ),
    ),
    h(
      'tbody',
      {},
      ...rings.map((r) =>
        h(
          'tr',
          { 'data-ring': r.name },
          h('th', { scope: 'row' }, r.name),
          h('td', {}, r.region ?? ''),
          h('td', {}, h('span', { class: 'badge' }, r.state)),
          h(
            'td',
            {},
            r.digest === null
              ? 'none'
              : r.deploymentId
                ? h(
                    'a',
                    { href: `#/deployments/${encodeURIComponent(r.deploymentId)}` },
                    shortDigest(r.digest),
                  )
                : shortDigest(r.digest),
          ),
          h('td', {}, r.targets.map((t) => `${t.cluster}/${t.namespace}`).join(', ')),
        ),
      ),
    ),
  );
}
