/** The deployments list with service and status filters, newest first, refreshed live. */
import { listDeployments, listServices, me, serverNow } from './api.js';
import { doraPanel, type DoraPanel } from './dora.js';
import { h, patch, time } from './dom.js';
import { formatAge, formatClock, shortDigest, stateLabel } from './format.js';
import { pageStatus, type Page, type PageStatus } from './page.js';
import { Poller } from './poller.js';
import { STATES, TERMINAL, type Deployment } from './types.js';

const POLL_MS = 3000;

function select(
  id: string,
  label: string,
  all: string,
  values: readonly string[],
  labels = (v: string) => v,
) {
  const element = h(
    'select',
    { id, name: id },
    h('option', { value: '' }, all),
    ...values.map((v) => h('option', { value: v }, labels(v))),
  );
  return { element, field: h('div', { class: 'field' }, h('label', { for: id }, label), element) };
}

function row(d: Deployment): HTMLTableRowElement {
  const terminal = TERMINAL.has(d.state);
  const stage = terminal ? '—' : d.state === 'Canary' ? `Canary · ${d.weight}%` : stateLabel(d.state);
  return h(
    'tr',
    {},
    h('td', {}, h('a', { href: `#/services/${encodeURIComponent(d.service)}` }, d.service)),
    h(
      'td',
      {},
      h(
        'a',
        { href: `#/deployments/${encodeURIComponent(d.id)}`, 'data-focus-key': d.id },
        d.image.tag ?? 'untagged',
        ' ',
        h('code', { class: 'digest' }, shortDigest(d.image.digest)),
      ),
    ),
    h('td', {}, stage),
    h(
      'td',
      {},
      terminal
        ? h('span', { class: `badge outcome-${d.state}`, title: d.reason ?? '' }, stateLabel(d.state))
        : 'in progress',
    ),
    h('td', {}, time(d.createdAt, formatAge(serverNow() - Date.parse(d.createdAt)))),
  );
}

function table(items: Deployment[], more: boolean): Node[] {
  if (items.length === 0) return [h('p', { class: 'empty' }, 'No deployments match these filters.')];
  const sorted = [...items].sort(
    (a, b) => b.createdAt.localeCompare(a.createdAt) || a.service.localeCompare(b.service),
  );
  const nodes: Node[] = [
    h(
      'table',
      { class: 'deployments' },
      h('caption', { class: 'visually-hidden' }, `${items.length} deployments, newest first`),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['Service', 'Image', 'Stage', 'Outcome', 'Age'].map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      h('tbody', {}, ...sorted.map(row)),
    ),
  ];
  // The API pages in service order, so "newest first" only holds within what was fetched.
  if (more)
    nodes.push(h('p', { class: 'hint' }, 'Showing the first 200; narrow the filters to see the rest.'));
  return nodes;
}

interface Filters {
  service: ReturnType<typeof select>;
  status: ReturnType<typeof select>;
}

function layout(main: HTMLElement, status: PageStatus, dora: DoraPanel, results: HTMLElement): Filters {
  const filters = {
    service: select('f-service', 'Service', 'All services', []),
    status: select('f-status', 'Status', 'Any status', STATES, stateLabel),
  };
  main.replaceChildren(
    h('h1', { id: 'page-title', tabindex: -1 }, 'Deployments'),
    h(
      'form',
      { class: 'filters', role: 'search', 'aria-label': 'Filter deployments' },
      filters.service.field,
      filters.status.field,
    ),
    status.live,
    status.error,
    dora.element,
    results,
  );
  return filters;
}

export function listPage(main: HTMLElement, initial: URLSearchParams): Page {
  let params = initial;
  const status = pageStatus(() => formatClock(serverNow()));
  const dora = doraPanel();
  const results = h('div', { class: 'results' });
  const filters = layout(main, status, dora, results);
  const sync = () => {
    filters.service.element.value = params.get('service') ?? '';
    filters.status.element.value = params.get('status') ?? '';
  };
  void listServices().then(
    ({ services }) => {
      filters.service.element.append(...services.map((s) => h('option', { value: s.name }, s.name)));
      sync();
    },
    (error: unknown) => status.report({ ok: false, error, retryInMs: POLL_MS }),
  );
  sync();

  const poller = new Poller(
    async () => {
      const query = {
        service: params.get('service') ?? undefined,
        status: params.get('status') ?? undefined,
      };
      dora.show(query.service);
      const [page] = await Promise.all([listDeployments(query), me()]);
      // Ages move on, so the table is redrawn once a second of server time has passed.
      patch(results, JSON.stringify([page, Math.floor(serverNow() / 1000)]), () =>
        table(page.items, page.continuationToken !== null),
      );
    },
    () => POLL_MS,
    status.report,
  );
  const onChange = () => {
    const next = new URLSearchParams();
    if (filters.service.element.value) next.set('service', filters.service.element.value);
    if (filters.status.element.value) next.set('status', filters.status.element.value);
    // Replace, not push: the filters are a view of one page, and hashchange would rebuild the form.
    history.replaceState(null, '', `#/${next.size > 0 ? `?${next}` : ''}`);
    params = next;
    poller.now();
  };
  filters.service.element.addEventListener('change', onChange);
  filters.status.element.addEventListener('change', onChange);
  poller.now();

  return {
    update(next) {
      params = next;
      sync();
      poller.now();
    },
    unmount: () => poller.stop(),
  };
}
