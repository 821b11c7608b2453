import { plain, time, value } from '../format.js';
import { verdictStyle, type Style } from '../style.js';
import { formatPairs, formatTable } from '../table.js';

/** The answer of `POST /api/analysis/backtest` (docs/api.md). */
export interface BacktestResult {
  service: string;
  from: string;
  to: string;
  spec: 'configured' | 'request';
  outcome: string;
  reason?: string;
  at?: string;
  failedChecks: number;
  rounds: number;
  decisions: Array<{ at: string; action: string; reason?: string; weight: number }>;
  checks: Array<{
    at: string;
    round: 'interval' | 'fast';
    weight: number;
    metric: string;
    kind: string;
    value: number | null;
    verdict: string;
    reason?: string;
  }>;
}

function outcomeStyle(style: Style, outcome: string): string {
  if (outcome === 'passed') return style.green(outcome);
  if (outcome === 'rolled-back') return style.red(outcome);
  return style.yellow(plain(outcome));
}

/**
 * The decision first (what and when), then the verdict table: every interval check, and the fast-round
 * checks that did not pass (a fast round every few seconds over hours would bury the rest) unless `all`.
 */
export function renderBacktest(r: BacktestResult, style: Style, width: number, all: boolean): string[] {
  const decided = r.at
    ? `${outcomeStyle(style, r.outcome)} at ${time(r.at)}`
    : outcomeStyle(style, r.outcome);
  const lines = [
    style.bold(`Backtest of ${plain(r.service)}`),
    ...formatPairs([
      ['window', `${time(r.from)} -> ${time(r.to)}`],
      ['spec', r.spec === 'configured' ? "the service's configured canary" : 'the one given'],
      ['outcome', decided],
      [
        'reason',
        r.reason ? plain(r.reason) : r.outcome === 'undetermined' ? 'the window ended first' : undefined,
      ],
      ['checks', `${r.failedChecks} failed interval check(s) in ${r.rounds} round(s)`],
    ]),
  ];
  const shown = all ? r.checks : r.checks.filter((c) => c.round === 'interval' || c.verdict !== 'pass');
  if (shown.length === 0) return [...lines, '', style.dim('No checks in the window.')];
  const table = formatTable(
    [
      { header: 'AT' },
      { header: 'ROUND' },
      { header: 'WEIGHT', align: 'right' },
      { header: 'METRIC' },
      { header: 'VALUE', align: 'right' },
      { header: 'VERDICT' },
      { header: 'REASON', flex: true },
    ],
    shown.map((c) => [
      time(c.at),
      c.round,
      `${c.weight}%`,
      c.kind !== 'metric' ? `${plain(c.metric)} (${plain(c.kind)})` : plain(c.metric),
      value(c.value),
      verdictStyle(style, plain(c.verdict)),
      plain(c.reason),
    ]),
    width,
  );
  return [...lines, '', style.bold('Checks'), ...table];
}
