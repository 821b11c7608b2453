import type { CanarySpec, MetricCheck } from '../contracts/plan.js';
import type { TimelineEntry } from '../domain/deployment.js';
import {
  judgeBaseline,
  judgeFailFast,
  judgeMetric,
  type CheckEvidence,
  type Judgement,
  type Verdict,
} from './judge.js';
import { afterResume, classifyInterval, decide, EMPTY_TALLY, limitsOf, type Tally } from './limits.js';

/**
 * Re-judging: a past run's recorded evidence (values, request counts, samples, alerts) judged again under
 * another analysis spec, replayed round by round through the same limits. Nothing is queried: only what
 * was recorded counts, so a metric the run never measured is reported as unevaluated, never guessed.
 */

export type CanaryOutcome = 'passed' | 'rolled-back' | 'paused' | 'undetermined';

export interface RejudgedCheck {
  seq: number;
  at: string;
  metric: string;
  kind: CheckEvidence['kind'];
  value: number | null;
  original: Verdict;
  rejudged: Verdict;
  reason?: string;
  changed: boolean;
}

export interface Verdicts {
  outcome: CanaryOutcome;
  reason?: string;
  /** When the decisive round was evaluated. */
  at?: string;
  failedChecks: number;
}

export interface RejudgeResult {
  original: Verdicts;
  rejudged: Verdicts;
  outcomeChanged: boolean;
  changedChecks: number;
  checks: RejudgedCheck[];
  /** Metrics of the new spec with no recorded evidence in this run. */
  unevaluated: string[];
}

/** One analysis round as recorded: an interval round or a fast round, or an operator's resume. */
type Round =
  | { kind: 'interval' | 'fast'; seq: number; at: string; checks: CheckEvidence[]; seqs: number[] }
  | { kind: 'resume'; seq: number; at: string };

const isEvidence = (e: unknown): e is CheckEvidence =>
  typeof e === 'object' && e !== null && typeof (e as CheckEvidence).name === 'string' && 'verdict' in e;

/** The canary's rounds in timeline order (verification checks are not canary analysis). */
export function roundsOf(timeline: readonly TimelineEntry[]): Round[] {
  const rounds: Round[] = [];
  let open: Extract<Round, { kind: 'interval' | 'fast' }> | undefined;
  for (const e of [...timeline].sort((a, b) => a.seq - b.seq)) {
    if (e.title === 'analysis:resumed') rounds.push({ kind: 'resume', seq: e.seq, at: e.at });
    if (e.kind !== 'check') continue;
    if (e.title === 'fast-check') {
      const checks = Array.isArray(e.evidence?.checks) ? e.evidence.checks.filter(isEvidence) : [];
      rounds.push({ kind: 'fast', seq: e.seq, at: e.at, checks, seqs: checks.map(() => e.seq) });
      continue;
    }
    const ev = e.evidence;
    if (!isEvidence(ev) || ev.kind === undefined || e.title.startsWith('verify:')) continue;
    if (open?.at !== ev.evaluatedAt) {
      open = { kind: 'interval', seq: e.seq, at: ev.evaluatedAt, checks: [], seqs: [] };
      rounds.push(open);
    }
    const { weight: _w, mode: _m, ...check } = ev as CheckEvidence & { weight?: number; mode?: string };
    open.checks.push(check);
    open.seqs.push(e.seq);
  }
  return rounds;
}

function rejudgeOne(
  check: CheckEvidence,
  spec: CanarySpec,
  metrics: Map<string, MetricCheck>,
  minRequests: number,
): Judgement | undefined {
  if (check.error) return { verdict: check.verdict, reason: check.reason };
  const traffic = { requests: check.requests, minRequests };
  switch (check.kind) {
    case 'metric': {
      const m = metrics.get(check.name);
      return m && judgeMetric(m, check.value, traffic);
    }
    case 'fail-fast': {
      // Undefined when the new spec has no hard bounds for the metric: the check is dropped.
      const m = metrics.get(check.name);
      return m && judgeFailFast(m, check.value, traffic);
    }
    case 'alerts':
      return spec.alerts ? { verdict: check.verdict, reason: check.reason } : undefined;
    case 'baseline': {
      const b = spec.baseline?.metrics.find((x) => `baseline:${x.metric}` === check.name);
      return b && check.samples ? judgeBaseline(b, check.samples) : undefined;
    }
  }
}

/** A recorded interval check of a metric that has hard bounds only in the new spec: same value. */
function derivedFailFast(round: CheckEvidence[], metrics: Map<string, MetricCheck>): CheckEvidence[] {
  return round.flatMap((c) =>
    c.kind === 'metric' &&
    metrics.get(c.name)?.failFast &&
    !round.some((o) => o.kind === 'fail-fast' && o.name === c.name)
      ? [{ ...c, kind: 'fail-fast' as const }]
      : [],
  );
}

type Step = { stop?: Verdicts; tally: Tally };

function replayRound(
  spec: CanarySpec,
  round: { kind: 'interval' | 'fast'; at: string },
  judged: CheckEvidence[],
  tally: Tally,
): Step {
  const verdict = classifyInterval(judged);
  if (round.kind === 'fast') {
    if (verdict.outcome !== 'abort') return { tally };
    const reason = `fail-fast: ${verdict.reason}`;
    return { tally, stop: { outcome: 'rolled-back', reason, at: round.at, failedChecks: tally.failed } };
  }
  const d = decide(limitsOf(spec), tally, verdict);
  if (d.action === 'rollback' || d.action === 'pause') {
    const outcome = d.action === 'rollback' ? 'rolled-back' : 'paused';
    return {
      tally: d.tally,
      stop: { outcome, reason: d.reason, at: round.at, failedChecks: d.tally.failed },
    };
  }
  return { tally: d.tally };
}

/**
 * Replays `rounds` under `spec`. `completed` says whether the recorded run got through its canary: if
 * the replay never stops, the outcome is `passed` for a completed run and `undetermined` otherwise
 * (the run ended before there was evidence for the rest).
 */
function replay(
  rounds: Round[],
  spec: CanarySpec,
  judge: (check: CheckEvidence) => CheckEvidence | undefined,
  completed: boolean,
): { verdicts: Verdicts; judged: Map<CheckEvidence, CheckEvidence> } {
  const judged = new Map<CheckEvidence, CheckEvidence>();
  let tally = EMPTY_TALLY;
  let stop: Verdicts | undefined;
  for (const round of rounds) {
    if (round.kind === 'resume') {
      tally = afterResume(tally);
      continue;
    }
    const out = round.checks.flatMap((c) => {
      const j = judge(c);
      if (j) judged.set(c, j);
      return j ? [j] : [];
    });
    if (stop) continue;
    const step = replayRound(spec, round, out, tally);
    tally = step.tally;
    stop = step.stop;
  }
  const verdicts = stop ?? {
    outcome: completed ? ('passed' as const) : ('undetermined' as const),
    failedChecks: tally.failed,
  };
  return { verdicts, judged };
}

/** What the run itself decided, read from its recorded decisions (the spec it ran with is not needed). */
export function recordedOutcome(timeline: readonly TimelineEntry[], completed: boolean): Verdicts {
  let failedChecks = 0;
  let paused: Verdicts | undefined;
  for (const e of [...timeline].sort((a, b) => a.seq - b.seq)) {
    const failed = e.evidence?.failed;
    if (e.title.startsWith('analysis:') && typeof failed === 'number') failedChecks = failed;
    const reason = e.comment;
    if (e.title === 'fast-check' && e.verdict === 'fail')
      return { outcome: 'rolled-back', reason: `fail-fast: ${reason ?? ''}`, at: e.at, failedChecks };
    if (e.title === 'analysis:rollback') return { outcome: 'rolled-back', reason, at: e.at, failedChecks };
    if (e.title === 'analysis:pause') paused = { outcome: 'paused', reason, at: e.at, failedChecks };
    if (e.title === 'analysis:resumed') paused = undefined;
  }
  return paused ?? { outcome: completed ? 'passed' : 'undetermined', failedChecks };
}

/** Re-judges a canary's recorded evidence under `next`, against the verdicts the run actually had. */
export function rejudge(timeline: readonly TimelineEntry[], next: CanarySpec): RejudgeResult {
  const rounds = roundsOf(timeline);
  const completed = timeline.some((e) => e.title === 'Canary->Promoting' || e.title === 'skip-analysis');
  const metrics = new Map(next.metrics.map((m) => [m.name, m]));
  const minRequests = limitsOf(next).minRequests;
  const original = recordedOutcome(timeline, completed);
  const after = replay(
    rounds.map((r) =>
      r.kind === 'interval' ? { ...r, checks: [...r.checks, ...derivedFailFast(r.checks, metrics)] } : r,
    ),
    next,
    (c) => {
      const j = rejudgeOne(c, next, metrics, minRequests);
      return j && { ...c, verdict: j.verdict, ...(j.reason !== undefined ? { reason: j.reason } : {}) };
    },
    completed,
  );
  const checks: RejudgedCheck[] = [];
  for (const round of rounds) {
    if (round.kind === 'resume') continue;
    for (const [i, c] of round.checks.entries()) {
      const j = after.judged.get(c);
      const seq = round.seqs[i] ?? round.seq;
      const verdict = j?.verdict ?? c.verdict;
      checks.push({
        seq,
        at: c.evaluatedAt,
        metric: c.name,
        kind: c.kind,
        value: c.value,
        original: c.verdict,
        rejudged: verdict,
        ...((j?.reason ?? c.reason) !== undefined && { reason: j?.reason ?? c.reason }),
        changed: j !== undefined && j.verdict !== c.verdict,
      });
    }
  }
  const measured = new Set(rounds.flatMap((r) => (r.kind === 'resume' ? [] : r.checks.map((c) => c.name))));
  return {
    original,
    rejudged: after.verdicts,
    outcomeChanged: original.outcome !== after.verdicts.outcome,
    changedChecks: checks.filter((c) => c.changed).length,
    checks,
    unevaluated: next.metrics.map((m) => m.name).filter((name) => !measured.has(name)),
  };
}
