import type { LiveStatus } from '../../shared/app/status.js';
import type { DeploymentRecord, TimelineEntry } from '../../shared/domain/deployment.js';
import { TERMINAL_STATES } from '../../shared/domain/deployment.js';
import { fullImage, plain, time } from '../format.js';
import { stateStyle, verdictStyle, type Style } from '../style.js';
import { formatPairs, formatTable } from '../table.js';
import {
  checkCounts,
  checkName,
  checkDetail,
  entryLine,
  eventEntries,
  lastChecks,
  stageRows,
  tookLabel,
} from './timeline.js';
import { decidedLines } from './decided.js';
import { ringLines } from './rings.js';
import type { DecidedBy } from '../../shared/domain/decided-by.js';
import type { RingView } from '../../shared/domain/ring-view.js';

export interface DeploymentView {
  deployment: DeploymentRecord;
  timeline: TimelineEntry[];
  live: LiveStatus;
  decidedBy?: DecidedBy;
  rings?: RingView[];
}

/** `running: canary, step 2, waiting for next check since …`: the live part of the status line. */
export function liveLabel(live: LiveStatus): string {
  if (!live.running) return '';
  const parts = [live.stage, live.step, live.waitingFor ? `waiting for ${live.waitingFor}` : undefined]
    .filter((p): p is string => typeof p === 'string' && p !== '')
    .map(plain);
  if (typeof live.failedChecks === 'number' && live.failedChecks > 0)
    parts.push(`${live.failedChecks} failed check${live.failedChecks === 1 ? '' : 's'}`);
  return parts.length > 0 ? `running: ${parts.join(', ')}` : 'running';
}

/** Traffic weight now: the live phase's when it runs, else the record's. */
export const currentWeight = (view: DeploymentView): number =>
  typeof view.live.weight === 'number' ? view.live.weight : view.deployment.weight;

/** Where the commit came from (`provenance.commitFrom`), as shown after it. */
const COMMIT_FROM: Record<string, string> = {
  push: ' (from the push)',
  image: ' (from the image label)',
  tag: ' (from the tag)',
};

function header(view: DeploymentView, style: Style): string[] {
  const d = view.deployment;
  const live = liveLabel(view.live);
  const source = [
    plain(d.source),
    d.pushedBy ? `pushed by ${plain(d.pushedBy)}` : '',
    d.commitSha
      ? `commit ${plain(d.commitSha).slice(0, 12)}${COMMIT_FROM[d.provenance?.commitFrom ?? ''] ?? ''}`
      : '',
  ]
    .filter(Boolean)
    .join(', ');
  const origin = d.provenance
    ? [d.provenance.source, d.provenance.version].filter(Boolean).map(plain).join(' ') ||
      (d.commitSha ? undefined : plain(d.provenance.detail))
    : undefined;
  return [
    style.bold(plain(d.id)),
    ...formatPairs([
      ['service', plain(d.service)],
      ['state', `${stateStyle(style, plain(d.state))}${live ? `  ${style.dim(live)}` : ''}`],
      ['weight', `${currentWeight(view)}%`],
      ['image', fullImage(d.image)],
      ['source', source],
      ['origin', origin],
      ['created', time(d.createdAt)],
      ['updated', time(d.updatedAt)],
      ['reason', d.reason ? plain(d.reason) : undefined],
    ]),
  ];
}

function stages(view: DeploymentView, style: Style, width: number): string[] {
  const rows = stageRows(view.timeline);
  if (rows.length === 0) return [];
  const terminal = TERMINAL_STATES.has(view.deployment.state);
  const table = formatTable(
    [
      { header: 'STAGE' },
      { header: 'STARTED' },
      { header: 'TOOK', align: 'right' },
      { header: 'NOTE', flex: true },
    ],
    rows.map((r, i) => {
      const current = i === rows.length - 1 && !terminal;
      return [stateStyle(style, r.state), time(r.startedAt), tookLabel(r, current), r.note ?? ''];
    }),
    width,
  );
  return ['', style.bold('Stages'), ...table];
}

function checks(view: DeploymentView, style: Style, width: number): string[] {
  const last = lastChecks(view.timeline);
  if (last.length === 0) return [];
  const counts = Object.entries(checkCounts(view.timeline))
    .map(([verdict, n]) => `${n} ${verdict}`)
    .join(', ');
  const table = formatTable(
    [{ header: 'CHECK' }, { header: 'VERDICT' }, { header: 'VALUE', flex: true }, { header: 'AT' }],
    last.map((e) => [checkName(e), verdictStyle(style, e.verdict), checkDetail(e), time(e.at)]),
    width,
  );
  return ['', `${style.bold('Last checks')} ${style.dim(`(${counts})`)}`, ...table];
}

function events(view: DeploymentView, style: Style, width: number, all: boolean): string[] {
  const entries = eventEntries(view.timeline);
  const shown = all ? entries : entries.slice(-8);
  if (shown.length === 0) return [];
  const table = formatTable(
    [
      { header: 'AT' },
      { header: 'EVENT' },
      { header: 'VERDICT' },
      { header: 'BY' },
      { header: 'NOTE', flex: true },
    ],
    shown.map((e) => [
      time(e.at),
      plain(e.title),
      verdictStyle(style, e.verdict),
      plain(e.actor),
      plain(e.comment),
    ]),
    width,
  );
  const more =
    entries.length > shown.length
      ? style.dim(` (last ${shown.length} of ${entries.length}; --timeline for all)`)
      : '';
  return ['', `${style.bold('Events')}${more}`, ...table];
}

/** `gantry status`: header, stage timeline, current weight, last checks and recent events. */
export function renderStatus(view: DeploymentView, style: Style, width: number, timeline = false): string[] {
  const body = timeline
    ? [
        '',
        style.bold('Timeline'),
        ...[...view.timeline].sort((a, b) => a.seq - b.seq).map((e) => entryLine(e, style)),
      ]
    : [...stages(view, style, width), ...checks(view, style, width), ...events(view, style, width, false)];
  const rings = timeline ? [] : ringLines(view.rings, style, width);
  return [...header(view, style), ...decidedLines(view.decidedBy, style), ...rings, ...body];
}
