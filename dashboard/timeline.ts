/**
 * Reading a deployment's timeline: the stages it went through, the canary checks per metric and the
 * traffic weight steps. Pure; evidence is free-form JSON, so every field is type-checked before use.
 */
import type { TimelineEntry, Verdict } from './types.js';

export interface CheckPoint {
  seq: number;
  at: number;
  value: number | null;
  verdict: Verdict;
  reason?: string;
  query?: string;
  min?: number;
  max?: number;
  weight?: number;
}

export interface MetricSeries {
  metric: string;
  points: CheckPoint[];
  min?: number;
  max?: number;
  /** The latest rendered query. */
  query?: string;
}

export interface WeightStep {
  at: number;
  weight: number;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const VERDICTS = new Set<string>(['pass', 'fail', 'warn', 'inconclusive']);

function pointOf(entry: TimelineEntry): CheckPoint {
  const e = entry.evidence ?? {};
  const evaluated = Date.parse(str(e.evaluatedAt) ?? entry.at);
  const verdict =
    entry.verdict ?? (VERDICTS.has(String(e.verdict)) ? (e.verdict as Verdict) : 'inconclusive');
  return {
    seq: entry.seq,
    at: Number.isFinite(evaluated) ? evaluated : Date.parse(entry.at),
    value: num(e.value) ?? null,
    verdict,
    reason: str(e.reason),
    query: str(e.query),
    min: num(e.min),
    max: num(e.max),
    weight: num(e.weight),
  };
}

/**
 * Check entries (`check:<metric>` by default) grouped by metric, in order of first appearance. With the
 * default prefix, fast checks are charted too: hard-bound checks (`fail-fast:<metric>`, and those inside a
 * `fast-check` round) as `<metric> (fail-fast)`, the round's threshold checks under their metric. The
 * alerts check is a count of firing alerts, not a metric over time: its verdicts show in the timeline.
 */
export function metricSeries(timeline: readonly TimelineEntry[], prefix = 'check:'): MetricSeries[] {
  const byMetric = new Map<string, CheckPoint[]>();
  const add = (metric: string, point: CheckPoint) =>
    byMetric.set(metric, [...(byMetric.get(metric) ?? []), point]);
  for (const entry of [...timeline].sort((a, b) => a.seq - b.seq)) {
    if (entry.kind !== 'check') continue;
    if (prefix === 'check:') for (const [metric, point] of fastPoints(entry)) add(metric, point);
    if (entry.evidence?.kind === 'alerts') continue;
    if (entry.title.startsWith(prefix)) add(entry.title.slice(prefix.length), pointOf(entry));
  }
  return [...byMetric].map(([metric, points]) => {
    const last = points[points.length - 1];
    return { metric, points, min: last?.min, max: last?.max, query: last?.query };
  });
}

const FAST = ' (fail-fast)';

/** The chartable checks of a `fast-check` round or a `fail-fast:<metric>` entry, keyed by series. */
function fastPoints(entry: TimelineEntry): Array<[string, CheckPoint]> {
  if (entry.title.startsWith('fail-fast:')) return [[`${entry.title.slice(10)}${FAST}`, pointOf(entry)]];
  if (entry.title !== 'fast-check' || !Array.isArray(entry.evidence?.checks)) return [];
  const weight = num(entry.evidence.weight);
  return (entry.evidence.checks as unknown[]).flatMap((c): Array<[string, CheckPoint]> => {
    if (typeof c !== 'object' || c === null) return [];
    const check = c as Record<string, unknown>;
    const name = str(check.name);
    if (!name || check.kind === 'alerts') return [];
    const verdict = VERDICTS.has(String(check.verdict)) ? (check.verdict as Verdict) : 'inconclusive';
    const point = pointOf({ ...entry, verdict, evidence: { ...check, weight } });
    return [[check.kind === 'fail-fast' ? `${name}${FAST}` : name, point]];
  });
}

/** Traffic weight changes (`weight:<n>`), in time order. */
export function weightSteps(timeline: readonly TimelineEntry[]): WeightStep[] {
  return [...timeline]
    .sort((a, b) => a.seq - b.seq)
    .filter((e) => /^weight:\d+$/.test(e.title))
    .map((e) => ({ at: Date.parse(e.at), weight: num(e.evidence?.weight) ?? Number(e.title.slice(7)) }));
}

/** The weight in force at `at` (0 before the first step). */
export function weightAt(steps: readonly WeightStep[], at: number): number {
  let weight = 0;
  for (const s of steps) if (s.at <= at) weight = s.weight;
  return weight;
}

export type VerdictCounts = Record<Verdict, number>;

export function countVerdicts(entries: ReadonlyArray<{ verdict?: Verdict }>): VerdictCounts {
  const counts: VerdictCounts = { pass: 0, fail: 0, warn: 0, inconclusive: 0 };
  for (const e of entries) if (e.verdict) counts[e.verdict] += 1;
  return counts;
}

export const STAGES = [
  { key: 'submitted', label: 'Submitted', state: 'Queued' },
  { key: 'gates', label: 'Gates', state: 'Gating' },
  { key: 'staging', label: 'Staging', state: 'Staging' },
  { key: 'tests', label: 'Tests', state: 'Testing' },
  { key: 'approval', label: 'Approval', state: 'AwaitingApproval' },
  { key: 'canary', label: 'Canary', state: 'Canary' },
  { key: 'promotion', label: 'Promotion', state: 'Promoting' },
  { key: 'verification', label: 'Verification', state: 'Verifying' },
] as const;

export type StageStatus = 'done' | 'current' | 'failed' | 'cancelled' | 'pending' | 'skipped';

export interface StageGroup {
  key: (typeof STAGES)[number]['key'];
  label: string;
  status: StageStatus;
  entries: TimelineEntry[];
}

const stageIndexOf = (state: string): number => STAGES.findIndex((s) => s.state === state);

/**
 * The orchestration that recorded an entry: `seq` is ms × 1000 + slot × 100 + counter, with the pipeline
 * in slot 0 and the phases in slots 1-7 in stage order (orchestrations/lib/recorder.ts). A phase's last
 * entries can share a millisecond with the pipeline's next transition and sort after it; the slot still
 * says which stage they belong to.
 */
export const slotOf = (seq: number): number => Math.floor((((seq % 1000) + 1000) % 1000) / 100);

/**
 * Entries grouped by stage: a phase's own entries under its stage; the pipeline's transitions open the
 * stage they enter (or close the one they leave, for a final state); anything else goes where the run
 * was. Each stage gets a status from how far the run got and how it ended.
 */
export function stageGroups(timeline: readonly TimelineEntry[], state: string): StageGroup[] {
  const groups: StageGroup[] = STAGES.map((s) => ({
    key: s.key,
    label: s.label,
    status: 'pending',
    entries: [],
  }));
  let current = 0;
  let reached = 0;
  for (const entry of [...timeline].sort((a, b) => a.seq - b.seq)) {
    const to = entry.kind === 'transition' ? /->(\w+)$/.exec(entry.title)?.[1] : undefined;
    const entered = to === undefined ? -1 : stageIndexOf(to);
    if (entered >= 0) {
      current = entered;
      reached = Math.max(reached, entered);
    }
    const slot = slotOf(entry.seq);
    const phase = entry.kind !== 'transition' && slot >= 1 && slot < STAGES.length ? slot : current;
    groups[phase]?.entries.push(entry);
  }
  const terminal = stageIndexOf(state) < 0;
  groups.forEach((g, i) => {
    if (i < reached) g.status = 'done';
    else if (i > reached) g.status = terminal ? 'skipped' : 'pending';
    else if (!terminal) g.status = 'current';
    else if (state === 'Succeeded') g.status = 'done';
    else g.status = state === 'Cancelled' || state === 'Superseded' ? 'cancelled' : 'failed';
  });
  return groups;
}

export type Item =
  | { kind: 'entry'; entry: TimelineEntry }
  | { kind: 'summary'; label: string; counts: VerdictCounts; total: number };

/** Families recorded once per interval or sample: always folded into one counted line. */
const FAMILY_LABELS: Record<string, string> = {
  check: 'Canary checks',
  'fail-fast': 'Fail-fast checks',
  'fast-check': 'Fast checks',
  analysis: 'Analysis intervals',
  verify: 'Verification checks',
};
/** Any other family folds once it repeats this often. */
const FOLD_AFTER = 6;

const familyOf = (title: string): string =>
  title.includes(':') ? title.slice(0, title.indexOf(':')) : title;

/**
 * A stage's entries with the repetitive ones (checks, interval decisions, verification samples) folded
 * into one counted line per family, placed where the first of them was.
 */
export function condense(entries: readonly TimelineEntry[]): Item[] {
  const buckets = new Map<string, TimelineEntry[]>();
  for (const entry of entries) {
    if (entry.kind === 'transition') continue;
    const family = familyOf(entry.title);
    buckets.set(family, [...(buckets.get(family) ?? []), entry]);
  }
  const folded = (family: string) =>
    family in FAMILY_LABELS || (buckets.get(family)?.length ?? 0) > FOLD_AFTER;
  const items: Item[] = [];
  const emitted = new Set<string>();
  for (const entry of entries) {
    const family = familyOf(entry.title);
    if (entry.kind === 'transition' || !folded(family)) items.push({ kind: 'entry', entry });
    else if (!emitted.has(family)) {
      emitted.add(family);
      const bucket = buckets.get(family) ?? [];
      const label = FAMILY_LABELS[family] ?? family;
      items.push({ kind: 'summary', label, counts: countVerdicts(bucket), total: bucket.length });
    }
  }
  return items;
}

const list = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

/** One entry in words (the actor, time and comment are shown beside it). */
export function describeEntry(entry: TimelineEntry): string {
  const { title } = entry;
  const e = entry.evidence ?? {};
  const [prefix, rest = ''] = title.includes(':')
    ? [title.slice(0, title.indexOf(':')), title.slice(title.indexOf(':') + 1)]
    : [title];
  if (entry.kind === 'transition') return title === '->Queued' ? 'Queued' : title.replace('->', ' → ');
  switch (prefix) {
    case 'gate':
      return `Gate ${rest}`;
    case 'smoke':
      return `Smoke check ${rest}`;
    case 'test':
      return `Test workflow ${rest}`;
    case 'synced':
      return `Argo CD ${rest} synced`;
    case 'sync-failed':
      return `Argo CD ${rest} failed to sync`;
    case 'weight':
      return `Canary traffic ${rest}%`;
    case 'verify':
      return rest === 'pods' ? podsText(e) : title;
    case 'approval':
      return approvalText(rest, e);
    case 'approve':
      return rest === 'accepted' ? 'Approved' : 'Approval refused';
    case 'reject':
      return rest === 'accepted' ? 'Rejected' : 'Rejection refused';
    default:
      return title;
  }
}

/** The post-deploy pod watch: pods read, never a value, and "no pods reported" is not health. */
function podsText(e: Record<string, unknown>): string {
  const replicas = num(e.replicas) ?? 0;
  if (replicas === 0) return 'Pods: no pods reported';
  const crashing = Array.isArray(e.crashLooping) ? e.crashLooping.length : 0;
  return `Pods: ${num(e.readyReplicas) ?? 0}/${replicas} ready${crashing > 0 ? `, ${crashing} crash-looping` : ''}`;
}

function approvalText(kind: string, e: Record<string, unknown>): string {
  if (kind === 'required') {
    const reviewers = list(e.reviewers);
    const n = num(e.minApprovers) ?? 1;
    return `Approval required from ${reviewers.join(' or ') || 'a reviewer'} (${n} approver${n === 1 ? '' : 's'})`;
  }
  if (kind === 'auto') return `Approved automatically${str(e.reason) ? `: ${str(e.reason)}` : ''}`;
  if (kind === 'blocked') return `Blocked${str(e.reason) ? `: ${str(e.reason)}` : ''}`;
  if (kind === 'expired') return 'Approval request expired';
  return `Approval ${kind}`;
}
