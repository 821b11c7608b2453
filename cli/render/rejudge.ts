import { plain, time, value } from '../format.js';
import { verdictStyle, type Style } from '../style.js';
import { formatPairs, formatTable } from '../table.js';

/** The answer of `POST /api/deployments/{id}/rejudge` (docs/api.md). */
export interface RejudgeResult {
  deploymentId: string;
  original: { outcome: string; failedChecks: number };
  rejudged: { outcome: string; reason?: string; failedChecks: number };
  outcomeChanged: boolean;
  changedChecks: number;
  checks: Array<{
    seq: number;
    at: string;
    metric: string;
    value: number | null;
    /** `metric`, `fail-fast`, `alerts`, `baseline` where the API says. */
    kind?: string;
    original: string;
    rejudged: string;
    reason?: string;
    changed: boolean;
  }>;
  /** Metrics of the new spec with no recorded evidence in this run. */
  unevaluated?: string[];
}

const failed = (n: number): string => `${n} failed check${n === 1 ? '' : 's'}`;

/** What would change under another canary spec: the outcome first, then the verdicts that flip. */
export function renderRejudge(r: RejudgeResult, style: Style, width: number, all: boolean): string[] {
  const original = `${plain(r.original.outcome)} (${failed(r.original.failedChecks)})`;
  const rejudged = `${plain(r.rejudged.outcome)} (${failed(r.rejudged.failedChecks)})`;
  const outcome = r.outcomeChanged
    ? `${original} -> ${style.bold(style.yellow(rejudged))}  ${style.yellow('CHANGED')}`
    : `${original} -> ${rejudged}  ${style.dim('unchanged')}`;
  const lines = [
    style.bold(`Rejudged ${plain(r.deploymentId)}`),
    ...formatPairs([
      ['outcome', outcome],
      ['reason', r.rejudged.reason ? plain(r.rejudged.reason) : undefined],
      ['verdicts', `${r.changedChecks} of ${r.checks.length} would change`],
      [
        'unjudged',
        r.unevaluated?.length ? `${r.unevaluated.map(plain).join(', ')} (no recorded evidence)` : undefined,
      ],
    ]),
  ];
  const shown = all ? r.checks : r.checks.filter((c) => c.changed);
  if (shown.length === 0) return [...lines, '', style.dim('No verdict would change.')];
  const table = formatTable(
    [
      { header: 'AT' },
      { header: 'METRIC' },
      { header: 'VALUE', align: 'right' },
      { header: 'WAS' },
      { header: 'NOW' },
      { header: 'REASON', flex: true },
    ],
    shown.map((c) => [
      time(c.at),
      c.kind && c.kind !== 'metric' ? `${plain(c.metric)} (${plain(c.kind)})` : plain(c.metric),
      value(c.value),
      verdictStyle(style, plain(c.original)),
      c.changed ? style.bold(verdictStyle(style, plain(c.rejudged))) : verdictStyle(style, plain(c.rejudged)),
      plain(c.reason),
    ]),
    width,
  );
  return [...lines, '', style.bold(all ? 'Checks' : 'Changed verdicts'), ...table];
}
