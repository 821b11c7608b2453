/** "Why it stopped": the check, alert, gate or rule that decided a rollback or failure, shown first. */
import { h, time, verdictBadge } from './dom.js';
import { boundsLabel, formatDateTime, formatValue } from './format.js';
import type { DecidedBy } from './types.js';

const KIND: Record<string, string> = {
  metric: 'Canary check',
  'fail-fast': 'Fail-fast check (hard bound)',
  alerts: 'Alert',
  baseline: 'Baseline comparison',
  verification: 'Post-deploy verification rule',
  gate: 'Gate',
  smoke: 'Smoke check',
  test: 'Test workflow',
  approval: 'Approval',
};

/** The chart series a deciding canary check is drawn in (see `metricSeries`). */
export function decidingSeries(d: DecidedBy | undefined): string | undefined {
  if (!d) return undefined;
  if (d.kind === 'fail-fast') return `${d.name} (fail-fast)`;
  return d.kind === 'metric' || d.kind === 'baseline' ? d.name : undefined;
}

export function decidedPanel(d: DecidedBy): HTMLElement {
  const hasValue = d.value !== undefined;
  const rows: Array<[string, Node | string | undefined]> = [
    ['Decided by', `${KIND[d.kind] ?? 'Entry'} ${d.name}`],
    ['Verdict', verdictBadge(d.verdict) ?? d.verdict],
    ['Value', hasValue ? `${formatValue(d.value)} (bound: ${boundsLabel(d.min, d.max)})` : undefined],
    ['Why', d.reason],
    ['Traffic', d.weight !== undefined ? `${d.weight}%` : undefined],
    ['When', time(d.evaluatedAt, formatDateTime(d.evaluatedAt))],
    ['Query', d.query ? h('code', { class: 'query' }, d.query) : undefined],
  ];
  return h(
    'section',
    { class: 'panel decided', 'aria-labelledby': 'decided-h', 'data-seq': d.seq },
    h('h2', { id: 'decided-h' }, 'Why it stopped'),
    h(
      'dl',
      { class: 'summary' },
      ...rows
        .filter(([, v]) => v !== undefined && v !== '')
        .map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v))),
    ),
  );
}
