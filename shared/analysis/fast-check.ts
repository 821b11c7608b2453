import type { TimelineEntry } from '../domain/deployment.js';
import type { CheckEvidence } from './judge.js';
import { classifyInterval } from './limits.js';

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
