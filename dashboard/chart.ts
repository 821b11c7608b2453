/**
 * One SVG chart per canary metric: the checked values over time with their verdicts, the threshold lines,
 * and the canary's traffic weight as a step line on a second axis. Every chart has a text summary, an SVG
 * title/description and a data table with the same numbers.
 */
import { h, s } from './dom.js';
import { boundsLabel, formatClock, formatValue, trim } from './format.js';
import { linear, linePath, niceTicks, stepPath, timeDomain, timeTicks, valueDomain } from './scale.js';
import { countVerdicts, weightAt, type CheckPoint, type MetricSeries, type WeightStep } from './timeline.js';

const W = 640;
const H = 220;
const M = { top: 14, right: 52, bottom: 30, left: 60 };

interface Frame {
  x: (t: number) => number;
  y: (v: number) => number;
  w: (weight: number) => number;
  xDomain: readonly [number, number];
  yDomain: readonly [number, number];
}

function frameFor(series: MetricSeries, steps: readonly WeightStep[], endAt?: number): Frame {
  const times = [...series.points.map((p) => p.at), ...steps.map((st) => st.at)];
  if (endAt !== undefined) times.push(endAt);
  const xDomain = timeDomain(times);
  const values = series.points.flatMap((p) => (p.value === null ? [] : [p.value]));
  const yDomain = valueDomain(values, { min: series.min, max: series.max });
  return {
    x: linear(xDomain, [M.left, W - M.right]),
    y: linear(yDomain, [H - M.bottom, M.top]),
    w: linear([0, 100], [H - M.bottom, M.top]),
    xDomain,
    yDomain,
  };
}

function axes(f: Frame): SVGElement {
  const g = s('g', { class: 'axes', 'aria-hidden': 'true' });
  for (const v of niceTicks(f.yDomain[0], f.yDomain[1], 4)) {
    g.append(
      s('line', { class: 'grid', x1: M.left, x2: W - M.right, y1: f.y(v), y2: f.y(v) }),
      s('text', { class: 'tick', x: M.left - 6, y: f.y(v) + 4, 'text-anchor': 'end' }, formatValue(v)),
    );
  }
  for (const wgt of [0, 50, 100])
    g.append(s('text', { class: 'tick tick-weight', x: W - M.right + 6, y: f.w(wgt) + 4 }, `${wgt}%`));
  for (const t of timeTicks(f.xDomain, 6))
    g.append(
      s(
        'text',
        { class: 'tick', x: f.x(t), y: H - M.bottom + 18, 'text-anchor': 'middle' },
        formatClock(t).slice(0, 5),
      ),
    );
  g.append(s('line', { class: 'axis', x1: M.left, x2: W - M.right, y1: H - M.bottom, y2: H - M.bottom }));
  return g;
}

function thresholds(series: MetricSeries, f: Frame): SVGElement {
  const g = s('g', { class: 'thresholds', 'aria-hidden': 'true' });
  for (const [label, value] of [
    ['min', series.min],
    ['max', series.max],
  ] as const) {
    if (value === undefined) continue;
    g.append(
      s('line', { class: 'threshold', x1: M.left, x2: W - M.right, y1: f.y(value), y2: f.y(value) }),
      s(
        'text',
        { class: 'threshold-label', x: M.left + 4, y: f.y(value) - 4 },
        `${label} ${formatValue(value)}`,
      ),
    );
  }
  return g;
}

function marker(p: CheckPoint, f: Frame): SVGElement {
  const x = f.x(p.at);
  const label = `${formatClock(p.at)} UTC: ${formatValue(p.value)}, ${p.verdict}${p.reason ? ` (${p.reason})` : ''}`;
  const title = s('title', {}, label);
  if (p.value === null) {
    const y = H - M.bottom - 6;
    return s(
      'path',
      { class: `point point-${p.verdict}`, d: `M${x} ${y - 5}L${x + 5} ${y + 4}L${x - 5} ${y + 4}Z` },
      title,
    );
  }
  const y = f.y(p.value);
  if (p.verdict === 'fail')
    return s(
      'path',
      {
        class: 'point point-fail',
        d: `M${x - 4} ${y - 4}L${x + 4} ${y + 4}M${x + 4} ${y - 4}L${x - 4} ${y + 4}`,
      },
      title,
    );
  return s('circle', { class: `point point-${p.verdict}`, cx: x, cy: y, r: 3.5 }, title);
}

function describe(series: MetricSeries, steps: readonly WeightStep[]): string {
  const counts = countVerdicts(series.points);
  const last = series.points[series.points.length - 1];
  const weights = [...new Set(steps.map((st) => `${st.weight}%`))].join(' → ') || 'none';
  return [
    `${series.points.length} checks: ${counts.pass} pass, ${counts.fail} fail, ${counts.inconclusive} inconclusive.`,
    `Threshold ${boundsLabel(series.min, series.max)}.`,
    last ? `Latest ${formatValue(last.value)} at ${formatClock(last.at)} UTC (${last.verdict}).` : '',
    `Canary traffic ${weights}.`,
  ]
    .filter(Boolean)
    .join(' ');
}

function svgChart(
  series: MetricSeries,
  steps: readonly WeightStep[],
  id: string,
  endAt?: number,
): SVGElement {
  const f = frameFor(series, steps, endAt);
  const weightPoints = steps.map((st) => [f.x(st.at), f.w(st.weight)] as const);
  const line = linePath(
    series.points.map((p) => (p.value === null ? null : ([f.x(p.at), f.y(p.value)] as const))),
  );
  return s(
    'svg',
    { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': `${id}-t ${id}-d`, class: 'chart-svg' },
    s('title', { id: `${id}-t` }, `${series.metric} over time`),
    s('desc', { id: `${id}-d` }, describe(series, steps)),
    axes(f),
    thresholds(series, f),
    s('path', { class: 'weight-line', d: stepPath(weightPoints, f.x(f.xDomain[1])), 'aria-hidden': 'true' }),
    s('path', { class: 'value-line', d: line, 'aria-hidden': 'true' }),
    s('g', { class: 'points' }, ...series.points.map((p) => marker(p, f))),
  );
}

function dataTable(series: MetricSeries, steps: readonly WeightStep[]): HTMLElement {
  const rows = series.points.map((p) =>
    h(
      'tr',
      { title: p.query ?? '' },
      h('td', {}, formatClock(p.at)),
      h('td', { class: 'num' }, formatValue(p.value)),
      h('td', {}, h('span', { class: `badge verdict-${p.verdict}` }, p.verdict)),
      h('td', {}, p.reason ?? ''),
      h('td', { class: 'num' }, `${trim(p.weight ?? weightAt(steps, p.at), 1)}%`),
    ),
  );
  return h(
    'details',
    { class: 'data', 'data-focus-key': `details-${series.metric}` },
    h(
      'summary',
      { 'data-focus-key': `summary-${series.metric}` },
      `Data table (${series.points.length} checks)`,
    ),
    h(
      'table',
      {},
      h('caption', {}, `${series.metric}: every check (the rendered query is on each row's tooltip)`),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['Time (UTC)', 'Value', 'Verdict', 'Reason', 'Weight'].map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      h('tbody', {}, ...rows),
    ),
  );
}

const LEGEND = [
  ['value-line', 'value'],
  ['point-pass', 'pass'],
  ['point-fail', 'fail (cross)'],
  ['point-inconclusive', 'inconclusive / no data (triangle)'],
  ['threshold', 'threshold'],
  ['weight-line', 'canary traffic % (right axis)'],
] as const;

/** The figure for one metric. `index` keeps SVG ids unique; `endAt` extends the time axis to now. */
export function metricFigure(
  series: MetricSeries,
  steps: readonly WeightStep[],
  index: number,
  endAt?: number,
): HTMLElement {
  const id = `chart-${index}`;
  const counts = countVerdicts(series.points);
  return h(
    'figure',
    { class: 'chart', 'data-metric': series.metric, 'aria-labelledby': `${id}-h` },
    h(
      'figcaption',
      {},
      h('h3', { id: `${id}-h` }, series.metric),
      h(
        'p',
        { class: 'chart-summary' },
        h('span', { class: 'badge verdict-pass' }, `${counts.pass} pass`),
        ' ',
        h('span', { class: 'badge verdict-fail' }, `${counts.fail} fail`),
        ' ',
        h('span', { class: 'badge verdict-inconclusive' }, `${counts.inconclusive} inconclusive`),
        ` · threshold ${boundsLabel(series.min, series.max)}`,
      ),
      series.query
        ? h(
            'p',
            { class: 'query-line' },
            h(
              'span',
              {
                class: 'query-trigger',
                tabindex: 0,
                'aria-describedby': `${id}-q`,
                'data-focus-key': `query-${series.metric}`,
              },
              'Query',
            ),
            h('code', { class: 'tooltip', role: 'tooltip', id: `${id}-q` }, series.query),
          )
        : null,
    ),
    svgChart(series, steps, id, endAt),
    h(
      'ul',
      { class: 'legend', 'aria-label': 'Legend' },
      ...LEGEND.map(([cls, text]) =>
        h('li', {}, h('span', { class: `swatch ${cls}`, 'aria-hidden': 'true' }), text),
      ),
    ),
    dataTable(series, steps),
  );
}
