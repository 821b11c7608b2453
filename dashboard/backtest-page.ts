/**
 * The backtest view, `#/services/<name>/backtest?from=…&to=…`: the service's canary spec judged on a past
 * window (POST /api/analysis/backtest), with the decision, the per-check verdict table and the same
 * charts the deployment page draws. Nothing is deployed; the form only reads metrics.
 */
import { ApiError, backtest, serverNow, type BacktestView } from './api.js';
import { metricFigure } from './chart.js';
import { h, time, verdictBadge } from './dom.js';
import { formatDateTime, formatValue, plural } from './format.js';
import type { Page } from './page.js';
import type { CheckPoint, MetricSeries, WeightStep } from './timeline.js';

const HOUR = 3_600_000;

/** One chart per metric and kind, as on the deployment page (fast checks as `<metric> (fail-fast)`). */
export function backtestSeries(view: BacktestView): MetricSeries[] {
  const byKey = new Map<string, MetricSeries>();
  view.checks.forEach((c, seq) => {
    if (c.kind === 'alerts') return;
    const key = c.kind === 'metric' ? c.metric : `${c.metric} (${c.kind})`;
    const series = byKey.get(key) ?? { metric: key, points: [], min: c.min, max: c.max, query: c.query };
    const point: CheckPoint = { seq, at: Date.parse(c.at), value: c.value, verdict: c.verdict };
    if (c.reason) point.reason = c.reason;
    series.points.push(point);
    byKey.set(key, series);
  });
  return [...byKey.values()];
}

/** The weight the canary would have had, as steps over time (traffic reaches it at `from`). */
export function backtestSteps(view: BacktestView): WeightStep[] {
  const steps: WeightStep[] = [];
  const first = view.checks[0];
  if (first) steps.push({ at: Date.parse(view.from), weight: first.weight });
  for (const d of view.decisions)
    if (d.action === 'advance' && steps.at(-1)?.weight !== d.weight)
      steps.push({ at: Date.parse(d.at), weight: d.weight });
  for (const c of view.checks)
    if (steps.at(-1)?.weight !== c.weight) steps.push({ at: Date.parse(c.at), weight: c.weight });
  return steps.sort((a, b) => a.at - b.at);
}

function summary(view: BacktestView): HTMLElement {
  const row = (label: string, ...value: Array<Node | string>) => [h('dt', {}, label), h('dd', {}, ...value)];
  return h(
    'dl',
    { class: 'backtest-summary' },
    ...row('Outcome', h('span', { class: `badge outcome-${view.outcome}` }, view.outcome)),
    ...(view.at ? row('Decided at', time(view.at, formatDateTime(view.at))) : []),
    ...row('Reason', view.reason ?? (view.outcome === 'undetermined' ? 'the window ended first' : '')),
    ...row('Checks', `${plural(view.failedChecks, 'failed interval')} in ${plural(view.rounds, 'round')}`),
  );
}

function table(view: BacktestView): HTMLElement {
  const shown = view.checks.filter((c) => c.round === 'interval' || c.verdict !== 'pass');
  return h(
    'table',
    { class: 'backtest-checks' },
    h('caption', {}, 'Interval checks, and fast checks that did not pass'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['At', 'Round', 'Weight', 'Metric', 'Value', 'Verdict', 'Reason'].map((t) =>
          h('th', { scope: 'col' }, t),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      ...shown.map((c) =>
        h(
          'tr',
          { class: `verdict-${c.verdict}` },
          h('td', {}, time(c.at, formatDateTime(c.at))),
          h('td', {}, c.round),
          h('td', {}, `${c.weight}%`),
          h('td', {}, c.kind === 'metric' ? c.metric : `${c.metric} (${c.kind})`),
          h('td', {}, formatValue(c.value)),
          h('td', {}, verdictBadge(c.verdict)),
          h('td', {}, c.reason ?? ''),
        ),
      ),
    ),
  );
}

export function backtestPage(main: HTMLElement, name: string, params: URLSearchParams): Page {
  const now = serverNow();
  const from = h('input', {
    id: 'bt-from',
    name: 'from',
    value: params.get('from') ?? new Date(now - 2 * HOUR).toISOString(),
  });
  const to = h('input', {
    id: 'bt-to',
    name: 'to',
    value: params.get('to') ?? new Date(now - HOUR).toISOString(),
  });
  const error = h('p', { class: 'page-error', role: 'alert' });
  const result = h('div', { class: 'backtest-result', 'aria-live': 'polite' });
  let live = true;
  const run = async () => {
    error.textContent = '';
    result.replaceChildren(h('p', { class: 'hint' }, 'Evaluating…'));
    try {
      const view = await backtest({ service: name, from: from.value.trim(), to: to.value.trim() });
      if (!live) return;
      const charts = backtestSeries(view).map((s, i) =>
        metricFigure(s, backtestSteps(view), i, Date.parse(view.to)),
      );
      result.replaceChildren(summary(view), table(view), h('div', { class: 'charts' }, ...charts));
    } catch (e) {
      if (!live) return;
      result.replaceChildren();
      error.textContent = e instanceof ApiError ? `${e.message} (${e.code})` : String(e);
    }
  };
  const form = h(
    'form',
    { class: 'backtest-form' },
    h('label', { for: 'bt-from' }, 'From (traffic reaches the canary)'),
    from,
    h('label', { for: 'bt-to' }, 'To'),
    to,
    h('button', { type: 'submit' }, 'Backtest'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void run();
  });
  main.replaceChildren(
    h('p', {}, h('a', { href: `#/services/${encodeURIComponent(name)}` }, `← ${name}`)),
    h('h1', { id: 'page-title', tabindex: -1 }, `Backtest of ${name}`),
    h(
      'p',
      { class: 'hint' },
      "The service's canary spec judged on a past window's metrics; nothing is deployed.",
    ),
    form,
    error,
    result,
  );
  if (params.has('from') && params.has('to')) void run();
  return {
    unmount() {
      live = false;
    },
  };
}
