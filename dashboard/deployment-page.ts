/** One deployment: summary, decisions, the stage timeline, the canary charts and DORA, refreshed live. */
import { actionsPanel, type ActionsPanel } from './actions.js';
import { getDeployment, me, serverNow } from './api.js';
import { metricFigure } from './chart.js';
import { decidedPanel, decidingSeries } from './decided.js';
import { doraPanel, type DoraPanel } from './dora.js';
import { h, patch, time, verdictBadge } from './dom.js';
import { commitLabel, formatClock, formatDateTime, shortDigest, stateLabel } from './format.js';
import { pageStatus, type Page, type PageStatus } from './page.js';
import { Poller } from './poller.js';
import { runRingsTable } from './rings.js';
import {
  condense,
  describeEntry,
  metricSeries,
  stageGroups,
  weightSteps,
  type Item,
  type StageGroup,
} from './timeline.js';
import { TERMINAL, type CallerView, type DeploymentView, type TimelineEntry } from './types.js';

const ID = /^[a-z0-9][a-z0-9-]{0,62}-[a-f0-9]{12}(?:-r[1-9][0-9]{0,3})?$/;
const STATUS_TEXT: Record<string, string> = {
  done: 'done',
  current: 'in progress',
  failed: 'failed',
  cancelled: 'cancelled',
  pending: 'not reached yet',
  skipped: 'not reached',
};

/** A link to another run of the same image (a retry, or the run it retried). */
const runLink = (id: string | undefined): Node | undefined =>
  id === undefined ? undefined : h('a', { href: `#/deployments/${encodeURIComponent(id)}` }, id);

function summary(view: DeploymentView): Node[] {
  const { deployment: d, live } = view;
  const rows: Array<[string, Node | string | undefined]> = [
    ['State', h('span', { class: `badge state-${d.state}` }, stateLabel(d.state))],
    [
      'Now',
      live.running ? [live.waitingFor, live.step].filter(Boolean).join(' · ') || live.stage : undefined,
    ],
    ['Canary traffic', d.state === 'Canary' || live.weight ? `${live.weight ?? d.weight}%` : undefined],
    ['Reason', d.reason],
    ['Pushed by', d.pushedBy ? `${d.pushedBy} (${d.source})` : d.source],
    ['Retry of', runLink(d.retryOf)],
    ['Retried by', runLink(d.retriedBy)],
    ['Commit', commitLabel(d)],
    ['Image source', d.provenance?.source],
    ['Created', time(d.createdAt, formatDateTime(d.createdAt))],
    ['Updated', time(d.updatedAt, formatDateTime(d.updatedAt))],
  ];
  return [
    h(
      'dl',
      { class: 'summary' },
      ...rows
        .filter(([, v]) => v !== undefined && v !== '')
        .map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v))),
    ),
  ];
}

function entryItem(e: TimelineEntry): HTMLElement {
  return h(
    'li',
    {},
    time(e.at, formatClock(e.at)),
    ' ',
    h('span', { class: 'entry-text' }, describeEntry(e)),
    ' ',
    verdictBadge(e.verdict),
    e.actor ? h('span', { class: 'actor' }, ` by ${e.actor}`) : null,
    e.comment ? h('q', { class: 'comment' }, e.comment) : null,
  );
}

function item(i: Item): HTMLElement {
  if (i.kind === 'entry') return entryItem(i.entry);
  const { pass, fail, warn, inconclusive } = i.counts;
  const parts = [`${pass} pass`, `${fail} fail`, warn ? `${warn} held` : '', `${inconclusive} inconclusive`];
  return h(
    'li',
    { class: 'entry-summary' },
    h('span', { class: 'entry-text' }, `${i.label}: ${i.total}`),
    ` (${parts.filter(Boolean).join(', ')})`,
  );
}

function stage(g: StageGroup): HTMLElement {
  const items = condense(g.entries);
  return h(
    'li',
    { class: `stage stage-${g.status}` },
    h(
      'div',
      { class: 'stage-head' },
      h('span', { class: 'stage-marker', 'aria-hidden': 'true' }),
      h('h3', {}, g.label),
      h('span', { class: `badge status-${g.status}` }, STATUS_TEXT[g.status] ?? g.status),
    ),
    items.length > 0 ? h('ul', { class: 'entries' }, ...items.map(item)) : null,
  );
}

function analysis(view: DeploymentView): Node[] {
  const deciding = decidingSeries(view.decidedBy);
  // The deciding check's chart comes first.
  const series = metricSeries(view.timeline).sort(
    (a, b) => Number(b.metric === deciding) - Number(a.metric === deciding),
  );
  if (series.length === 0) return [h('p', { class: 'hint' }, 'No canary checks yet.')];
  const steps = weightSteps(view.timeline);
  const endAt = view.deployment.state === 'Canary' ? serverNow() : undefined;
  return series.map((s, i) => metricFigure(s, steps, i, endAt));
}

interface Parts {
  title: HTMLElement;
  digest: HTMLElement;
  head: HTMLElement;
  rings: HTMLElement;
  decided: HTMLElement;
  stages: HTMLElement;
  charts: HTMLElement;
  dora: DoraPanel;
  actions: ActionsPanel;
  status: PageStatus;
}

function layout(main: HTMLElement, id: string, refreshNow: () => void): Parts {
  const title = h('h1', { id: 'page-title', tabindex: -1 }, id);
  const parts: Parts = {
    title,
    digest: h('p', { class: 'subtitle' }),
    head: h('div', { class: 'summary-wrap' }),
    // Only a release train's run has rings; the table sits under the summary when it does.
    rings: h('div', { class: 'rings-wrap' }),
    decided: h('div', { class: 'decided-wrap' }),
    stages: h('ol', { class: 'stages' }),
    charts: h('div', { class: 'charts' }),
    dora: doraPanel(),
    actions: actionsPanel(id, refreshNow, () => title),
    status: pageStatus(() => formatClock(serverNow())),
  };
  const section = (key: string, heading: string, body: HTMLElement) =>
    h(
      'section',
      { class: 'panel', 'aria-labelledby': `${key}-h` },
      h('h2', { id: `${key}-h` }, heading),
      body,
    );
  main.replaceChildren(
    h('nav', { 'aria-label': 'Breadcrumb', class: 'crumbs' }, h('a', { href: '#/' }, 'All deployments')),
    title,
    parts.digest,
    parts.status.live,
    parts.status.error,
    parts.decided,
    parts.head,
    parts.rings,
    parts.actions.element,
    section('stages', 'Stages', parts.stages),
    section('analysis', 'Canary analysis', parts.charts),
    parts.dora.element,
  );
  return parts;
}

/** Each section is rebuilt only when what it shows changed; the action form is never rebuilt. */
function render(p: Parts, view: DeploymentView, caller: CallerView): void {
  const d = view.deployment;
  p.title.textContent = `${d.service} ${d.image.tag ?? ''}`.trim();
  p.digest.replaceChildren(
    `${d.image.registry}/${d.image.repository} `,
    h('code', { title: d.image.digest }, shortDigest(d.image.digest)),
  );
  document.title = `${d.service} ${stateLabel(d.state)} · Gantry`;
  patch(p.decided, JSON.stringify(view.decidedBy ?? null), () =>
    view.decidedBy ? [decidedPanel(view.decidedBy)] : [],
  );
  patch(p.head, JSON.stringify([d, view.live]), () => summary(view));
  patch(p.rings, JSON.stringify(view.rings ?? null), () => {
    const table = runRingsTable(view.rings);
    return table ? [table] : [];
  });
  p.actions.update(caller);
  const last = view.timeline[view.timeline.length - 1]?.seq;
  patch(p.stages, JSON.stringify([view.timeline.length, d.state, last]), () =>
    stageGroups(view.timeline, d.state).map(stage),
  );
  // While the canary runs the time axis reaches "now", so the charts move on every refresh.
  const now = d.state === 'Canary' ? Math.floor(serverNow() / 1000) : 0;
  patch(p.charts, JSON.stringify([view.timeline.length, d.state, now]), () => analysis(view));
  p.dora.show(d.service);
}

export function deploymentPage(main: HTMLElement, id: string): Page {
  if (!ID.test(id)) {
    main.replaceChildren(
      h('h1', { id: 'page-title', tabindex: -1 }, 'Not a deployment'),
      h('p', {}, 'Deployment ids look like apigateway-1a2b3c4d5e6f.'),
    );
    return { unmount: () => undefined };
  }
  let terminal = false;
  const parts = layout(main, id, () => poller.now());
  const poller = new Poller(
    async () => {
      const [view, caller] = await Promise.all([getDeployment(id), me(id)]);
      terminal = TERMINAL.has(view.deployment.state);
      render(parts, view, caller);
    },
    // A finished deployment rarely changes (a later rollback may add to it): poll it slowly.
    () => (terminal ? 15_000 : 2000),
    parts.status.report,
  );
  poller.now();
  return { unmount: () => poller.stop() };
}
