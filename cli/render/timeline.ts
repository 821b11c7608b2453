import type { TimelineEntry } from '../../shared/domain/deployment.js';
import { bounds, duration, plain, time, value } from '../format.js';
import { stateStyle, verdictStyle, type Style } from '../style.js';

export interface StageRow {
  state: string;
  startedAt: string;
  /** Milliseconds spent in the stage; undefined for the stage the deployment is in now. */
  tookMs?: number;
  note?: string;
}

const byOrder = (a: TimelineEntry, b: TimelineEntry): number => a.seq - b.seq;

/** The stages a deployment went through, from its `A->B` transition entries, oldest first. */
export function stageRows(timeline: readonly TimelineEntry[]): StageRow[] {
  const transitions = timeline.filter((e) => e.kind === 'transition' && e.title.includes('->')).sort(byOrder);
  return transitions.map((e, i) => {
    const next = transitions[i + 1];
    const state = e.title.slice(e.title.indexOf('->') + 2);
    const tookMs = next ? Date.parse(next.at) - Date.parse(e.at) : undefined;
    return { state: plain(state), startedAt: e.at, tookMs, note: e.comment ? plain(e.comment) : undefined };
  });
}

const isCheck = (e: TimelineEntry): boolean => e.title.startsWith('check:') || e.title.startsWith('verify:');

/** The kind of check, when it is not a plain metric check: `fail-fast`, `alerts`, `baseline`. */
const checkKind = (e: TimelineEntry): string | undefined => {
  const kind = e.evidence?.kind;
  return typeof kind === 'string' && kind !== 'metric' ? plain(kind) : undefined;
};

/** `check:success-rate`, or `check:success-rate (fail-fast)` when one metric is judged two ways. */
export const checkName = (e: TimelineEntry): string => {
  const kind = checkKind(e);
  return kind ? `${plain(e.title)} (${kind})` : plain(e.title);
};

const VERDICTS = new Set(['pass', 'fail', 'warn', 'inconclusive']);

/**
 * Fast checks read like interval checks: a `fail-fast:<metric>` entry as `check:<metric>` (its evidence
 * says `fail-fast`), and each check inside a `fast-check` round as one entry of its own.
 */
export function expandFastChecks(timeline: readonly TimelineEntry[]): TimelineEntry[] {
  return timeline.flatMap((e): TimelineEntry[] => {
    if (e.title.startsWith('fail-fast:'))
      return [{ ...e, title: `check:${e.title.slice(10)}`, evidence: { ...e.evidence, kind: 'fail-fast' } }];
    if (e.title !== 'fast-check' || !Array.isArray(e.evidence?.checks)) return [e];
    const weight = e.evidence.weight;
    return (e.evidence.checks as unknown[]).flatMap((c): TimelineEntry[] => {
      if (typeof c !== 'object' || c === null) return [];
      const check = c as Record<string, unknown>;
      if (typeof check.name !== 'string' || check.name === '') return [];
      const verdict = VERDICTS.has(String(check.verdict))
        ? (check.verdict as TimelineEntry['verdict'])
        : 'inconclusive';
      return [{ ...e, title: `check:${check.name}`, verdict, evidence: { ...check, weight } }];
    });
  });
}

/** The newest entry of each canary check and verification rule, in the order they first appeared. */
export function lastChecks(timeline: readonly TimelineEntry[]): TimelineEntry[] {
  const latest = new Map<string, TimelineEntry>();
  for (const e of expandFastChecks([...timeline].sort(byOrder))) if (isCheck(e)) latest.set(checkName(e), e);
  return [...latest.values()];
}

export function checkCounts(timeline: readonly TimelineEntry[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of expandFastChecks(timeline))
    if (isCheck(e)) counts[e.verdict ?? 'none'] = (counts[e.verdict ?? 'none'] ?? 0) + 1;
  return counts;
}

/** Entries a person acts on or reads about: gates, decisions, actions and notes, but no weight steps. */
export const eventEntries = (timeline: readonly TimelineEntry[]): TimelineEntry[] =>
  [...timeline]
    .sort(byOrder)
    .filter((e) => e.kind !== 'transition' && !isCheck(e) && !e.title.startsWith('weight:'));

const evidence = (e: TimelineEntry): Record<string, unknown> => e.evidence ?? {};

/** What a check found: `99.9 (min 99) at 25%`, plus the reason when it has one. */
export function checkDetail(e: TimelineEntry): string {
  const ev = evidence(e);
  if (e.title === 'verify:pods') return podsDetail(ev);
  const b = bounds(ev.min, ev.max);
  const parts = [value(ev.value) + (b ? ` (${b})` : '')];
  if (typeof ev.weight === 'number') parts.push(`at ${ev.weight}%`);
  if (typeof ev.reason === 'string' && ev.reason !== '') parts.push(`- ${plain(ev.reason)}`);
  return parts.join(' ');
}

/** A pod watch reads pods, not a value: `2/2 pods ready`, or `no pods reported` (never a pass on nothing). */
export function podsDetail(ev: Record<string, unknown>): string {
  const replicas = typeof ev.replicas === 'number' ? ev.replicas : 0;
  if (replicas === 0) return 'no pods reported';
  const ready = typeof ev.readyReplicas === 'number' ? ev.readyReplicas : 0;
  const crashing = Array.isArray(ev.crashLooping) ? ev.crashLooping.length : 0;
  const parts = [`${ready}/${replicas} ${replicas === 1 ? 'pod' : 'pods'} ready`];
  if (crashing > 0) parts.push(`${crashing} crash-looping`);
  return parts.join(', ');
}

/** One timeline entry as one line, for `watch` and `status --timeline`. */
export function entryLine(e: TimelineEntry, style: Style): string {
  const when = style.dim(time(e.at));
  if (e.kind === 'transition') {
    const to = e.title.slice(e.title.indexOf('->') + 2);
    const from = e.title.slice(0, e.title.indexOf('->'));
    const arrow = `${from ? `${plain(from)} -> ` : ''}${stateStyle(style, plain(to))}`;
    return [when, arrow, e.comment ? style.dim(plain(e.comment)) : ''].filter(Boolean).join('  ');
  }
  if (e.title.startsWith('weight:')) {
    return `${when}  ${style.bold(`traffic -> ${value(evidence(e).weight)}%`)}${e.comment ? `  ${style.dim(plain(e.comment))}` : ''}`;
  }
  const detail = isCheck(e)
    ? checkDetail(e)
    : [e.actor ? `by ${plain(e.actor)}` : '', e.comment ? plain(e.comment) : ''].filter(Boolean).join(': ');
  const name = isCheck(e) ? checkName(e) : plain(e.title);
  return [when, name, verdictStyle(style, e.verdict), detail].filter(Boolean).join('  ');
}

export const tookLabel = (row: StageRow, current: boolean): string =>
  row.tookMs !== undefined ? duration(row.tookMs) : current ? 'now' : '';
