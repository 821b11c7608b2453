import type { CanarySpec } from '../contracts/plan.js';
import type { TimelineEntry } from '../domain/deployment.js';
import type { CheckEvidence } from './judge.js';
import { classifyInterval, decide, type Decision, type Limits, type Tally } from './limits.js';

/**
 * The timeline entry of one fast round: a single `fast-check` entry holding every check of the round, so
 * it is re-judged like any other without flooding the timeline. Its verdict is `fail` only for a breach
 * that aborts (hard bound, alert); a round with missing evidence is `inconclusive`.
 */
export function fastCheckEntry(
  checks: CheckEvidence[],
  weight: number,
): Pick<TimelineEntry, 'kind' | 'title' | 'verdict' | 'comment' | 'evidence'> {
  const worst = classifyInterval(checks);
  const verdict =
    worst.outcome === 'abort'
      ? 'fail'
      : checks.some((c) => c.verdict === 'inconclusive')
        ? 'inconclusive'
        : 'pass';
  return {
    kind: 'check',
    title: 'fast-check',
    verdict,
    ...(worst.outcome !== 'pass' && { comment: worst.reason }),
    evidence: { mode: 'fast', weight, checks },
  };
}

type Entry = Pick<TimelineEntry, 'kind' | 'title' | 'verdict' | 'comment' | 'evidence'>;

/** `check:<metric>` for interval checks, `fail-fast:<metric>`, `check:baseline:<metric>`, `check:alerts`. */
export const checkTitle = (c: CheckEvidence): string =>
  c.kind === 'fail-fast' ? `fail-fast:${c.name}` : `check:${c.name}`;

/** The timeline entries of one analysis round: one per check (interval), one for the whole round (fast). */
export function analysisEntries(checks: CheckEvidence[], mode: 'interval' | 'fast', weight: number): Entry[] {
  if (mode === 'fast') return [fastCheckEntry(checks, weight)];
  return checks.map((c) => ({
    kind: 'check' as const,
    title: checkTitle(c),
    verdict: c.verdict,
    evidence: { ...c, weight, mode },
  }));
}

/**
 * How many entries a round of `spec` writes, known before it runs (the orchestration reserves their
 * sequence numbers): per metric one check and one more with hard bounds, one per baseline comparison of
 * a known metric, one for alerts; a fast round writes one.
 */
export function entryCount(spec: CanarySpec, mode: 'interval' | 'fast'): number {
  if (mode === 'fast') return 1;
  const names = new Set(spec.metrics.map((m) => m.name));
  const baseline = (spec.baseline?.metrics ?? []).filter((b) => names.has(b.metric)).length;
  return (
    spec.metrics.length + spec.metrics.filter((m) => m.failFast).length + baseline + (spec.alerts ? 1 : 0)
  );
}

/** The `analysis:<action>` entry of an interval's decision (what the canary does next, and why). */
export function decisionEntry(decision: Decision, weight: number, limits: Limits): Entry {
  const reason = 'reason' in decision ? decision.reason : undefined;
  return {
    kind: 'decision',
    title: `analysis:${decision.action}`,
    verdict: decision.action === 'advance' ? 'pass' : decision.action === 'hold' ? 'warn' : 'fail',
    ...(reason && { comment: reason }),
    evidence: { ...decision.tally, weight, threshold: limits.threshold },
  };
}

/**
 * Pure: an interval round's decision from its checks and the tally before it. The orchestration and the
 * `analyse` activity that records the decision both call this, so the recorded decision is the one acted on.
 */
export const intervalDecision = (limits: Limits, tally: Tally, checks: readonly CheckEvidence[]): Decision =>
  decide(limits, tally, classifyInterval(checks));
