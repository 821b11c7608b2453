/**
 * DORA numbers for one service from `GET /api/metrics/dora`. The panel stays hidden when the endpoint
 * is not deployed or answers with an error: a missing extra must not break the page.
 */
import { dora } from './api.js';
import { h, patch } from './dom.js';
import { formatDuration, formatRate, plural, trim } from './format.js';
import type { Dora } from './types.js';

const REFRESH_MS = 60_000;

function figures(d: Dora): Array<[string, string, string]> {
  const perDay = d.deployments.perDay;
  return [
    ['Deployments', String(d.deployments.count), perDay === null ? 'no data' : `${trim(perDay, 2)} per day`],
    [
      'Lead time (median)',
      formatDuration(d.leadTime.medianSeconds),
      `p90 ${formatDuration(d.leadTime.p90Seconds)} · ${d.leadTime.samples} samples`,
    ],
    [
      'Change failure rate',
      formatRate(d.changeFailureRate.rate),
      `${d.changeFailureRate.failed} of ${d.changeFailureRate.total} changes`,
    ],
    [
      'Time to restore (median)',
      formatDuration(d.timeToRestore.medianSeconds),
      plural(Array.isArray(d.timeToRestore.incidents) ? d.timeToRestore.incidents.length : 0, 'incident'),
    ],
  ];
}

export interface DoraPanel {
  element: HTMLElement;
  /** Shows the service's numbers (refreshed at most once a minute); undefined hides the panel. */
  show(service: string | undefined): void;
}

export function doraPanel(): DoraPanel {
  const element = h('section', { class: 'panel dora', 'aria-labelledby': 'dora-h', hidden: true });
  let shown: string | undefined;
  let fetchedAt = 0;
  // Once the endpoint is known to be absent, stop asking: every miss is a 404 in the browser console.
  let absent = false;

  async function load(service: string): Promise<void> {
    const data: Dora | null = await dora(service).catch(() => null);
    if (data === null) absent = true;
    if (service !== shown) return;
    if (!data || typeof data.deployments !== 'object') {
      element.hidden = true;
      return;
    }
    const d = data;
    element.hidden = false;
    patch(element, JSON.stringify(d), () => [
      h('h2', { id: 'dora-h' }, `Delivery performance: ${service}`),
      h('p', { class: 'hint' }, `${d.since.slice(0, 10)} to ${d.until.slice(0, 10)} (DORA)`),
      h(
        'dl',
        { class: 'figures' },
        ...figures(d).map(([label, value, detail]) =>
          h(
            'div',
            {},
            h('dt', {}, label),
            h('dd', {}, h('span', { class: 'figure' }, value), h('span', { class: 'hint' }, detail)),
          ),
        ),
      ),
    ]);
  }

  return {
    element,
    show(service) {
      if (!service || absent) {
        shown = undefined;
        element.hidden = true;
        return;
      }
      if (service === shown && Date.now() - fetchedAt < REFRESH_MS) return;
      shown = service;
      fetchedAt = Date.now();
      void load(service);
    },
  };
}
