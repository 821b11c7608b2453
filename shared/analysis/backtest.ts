import type { CanarySpec } from '../contracts/plan.js';
import type { CheckEvidence } from './judge.js';
import { checksForStep, classifyInterval, decide, EMPTY_TALLY, limitsOf, type Tally } from './limits.js';

/**
 * Backtesting (Kayenta's standalone analysis): a canary spec stepped over a past window at its own
 * cadence, as `orchestrations/phases/canary-analysis.ts` steps a live canary, with nothing deployed. Pure:
 * the caller queries each round's checks (the same `analyse` activity a live canary runs) and feeds them
 * back. Interval rounds go through `classifyInterval` and `decide` (limits.ts), fast rounds abort on a
 * fail-fast breach or a firing alert, exactly as live; a pause ends the backtest (no operator resumes
 * history), and so does the last step's last passing check (the canary would have been promoted).
 */

export type BacktestOutcome = 'passed' | 'rolled-back' | 'paused' | 'undetermined';

export interface BacktestRound {
  kind: 'interval' | 'fast';
  /** Epoch ms the round is evaluated at. */
  at: number;
  /** 0-based step and its weight (what the canary would have had; nothing is set). */
  step: number;
  weight: number;
}

export interface BacktestDecision {
  at: string;
  action: 'advance' | 'hold' | 'rollback' | 'pause' | 'promote';
  reason?: string;
  step: number;
  weight: number;
  tally: Tally;
}

export interface BacktestState {
  tally: Tally;
  step: number;
  passed: number;
  /** Start of the current interval and the time already waited in it (fast slices), ms. */
  intervalStart: number;
  waited: number;
  decisions: BacktestDecision[];
  stop?: { outcome: Exclude<BacktestOutcome, 'undetermined'>; reason: string; at: string };
}

export function startBacktest(from: number): BacktestState {
  return { tally: EMPTY_TALLY, step: 0, passed: 0, intervalStart: from, waited: 0, decisions: [] };
}

/** Time between rounds: the fast-check cadence when the spec has hard bounds or alerts to check. */
export function cadenceOf(spec: CanarySpec): number {
  const hasFast = spec.alerts !== undefined || spec.metrics.some((m) => m.failFast);
  return hasFast && spec.fastCheckInterval ? spec.fastCheckInterval : spec.interval;
}

/** The next round to evaluate, or undefined once decided or past `to`. */
export function nextRound(spec: CanarySpec, state: BacktestState, to: number): BacktestRound | undefined {
  if (state.stop) return undefined;
  const slice = Math.min(cadenceOf(spec), spec.interval - state.waited);
  const at = state.intervalStart + state.waited + slice;
  if (at > to) return undefined;
  const kind = state.waited + slice >= spec.interval ? 'interval' : 'fast';
  return { kind, at, step: state.step, weight: spec.steps[state.step]?.weight ?? 0 };
}

/** The state after one round's checks. */
export function applyRound(
  spec: CanarySpec,
  state: BacktestState,
  round: BacktestRound,
  checks: readonly CheckEvidence[],
): BacktestState {
  const at = new Date(round.at).toISOString();
  const verdict = classifyInterval(checks);
  if (round.kind === 'fast') {
    const waited = round.at - state.intervalStart;
    if (verdict.outcome !== 'abort') return { ...state, waited };
    const reason = `fail-fast: ${verdict.reason} at ${round.weight}%`;
    return { ...state, waited, stop: { outcome: 'rolled-back', reason, at } };
  }
  const d = decide(limitsOf(spec), state.tally, verdict);
  const base = { ...state, tally: d.tally, intervalStart: round.at, waited: 0 };
  const where = { at, step: round.step, weight: round.weight, tally: d.tally };
  if (d.action === 'advance') {
    const need = checksForStep(spec.steps[round.step]?.duration ?? spec.interval, spec.interval);
    const passed = state.passed + 1;
    if (passed < need)
      return { ...base, passed, decisions: [...state.decisions, { ...where, action: 'advance' }] };
    const step = round.step + 1;
    if (step < spec.steps.length)
      return { ...base, passed: 0, step, decisions: [...state.decisions, { ...where, action: 'advance' }] };
    const reason = `all ${spec.steps.length} steps passed`;
    return {
      ...base,
      passed,
      decisions: [...state.decisions, { ...where, action: 'promote', reason }],
      stop: { outcome: 'passed', reason, at },
    };
  }
  const decisions = [...state.decisions, { ...where, action: d.action, reason: d.reason }];
  if (d.action === 'hold') return { ...base, decisions };
  const reason = d.action === 'rollback' ? `${d.reason} at ${round.weight}%` : d.reason;
  return {
    ...base,
    decisions,
    stop: { outcome: d.action === 'rollback' ? 'rolled-back' : 'paused', reason, at },
  };
}

/** Rounds a window can need at most (every round at the shortest cadence). */
export const roundsIn = (spec: CanarySpec, from: number, to: number): number =>
  Math.floor((to - from) / cadenceOf(spec));

/** When a round is and what kind: independent of the verdicts, so it can be queried ahead. */
export type RoundTime = Pick<BacktestRound, 'kind' | 'at'>;

/** Every round time in the window, in order, at the spec's cadence (as `nextRound` walks them). */
export function* roundTimes(spec: CanarySpec, from: number, to: number): Generator<RoundTime> {
  const cadence = cadenceOf(spec);
  for (let start = from; ; start += spec.interval) {
    for (let waited = 0; waited < spec.interval;) {
      waited += Math.min(cadence, spec.interval - waited);
      if (start + waited > to) return;
      yield { kind: waited >= spec.interval ? 'interval' : 'fast', at: start + waited };
    }
  }
}

/** Rounds queried ahead of the one being judged: a remote provider's latency overlaps, a few at a time. */
export const QUERY_AHEAD = 4;

/**
 * Every round of a backtest, with `query` supplying each round's checks. The decisions are sequential,
 * but what is queried depends only on the round's time and kind, so up to QUERY_AHEAD rounds are queried
 * ahead (read-only; answers past the decision are dropped).
 */
export async function runBacktest(
  spec: CanarySpec,
  window: { from: number; to: number },
  query: (round: RoundTime) => Promise<CheckEvidence[]>,
): Promise<{ state: BacktestState; rounds: Array<{ round: BacktestRound; checks: CheckEvidence[] }> }> {
  const times = roundTimes(spec, window.from, window.to);
  const ahead: Array<RoundTime & { checks: Promise<CheckEvidence[]> }> = [];
  const fill = () => {
    for (let next = ahead.length < QUERY_AHEAD ? times.next() : undefined; next && !next.done;) {
      const checks = query(next.value);
      // Handled here too: an answer dropped after the decision must not become an unhandled rejection.
      checks.catch(() => undefined);
      ahead.push({ ...next.value, checks });
      next = ahead.length < QUERY_AHEAD ? times.next() : undefined;
    }
  };
  let state = startBacktest(window.from);
  const rounds: Array<{ round: BacktestRound; checks: CheckEvidence[] }> = [];
  for (let round = nextRound(spec, state, window.to); round; round = nextRound(spec, state, window.to)) {
    fill();
    const head = ahead.shift();
    if (head?.at !== round.at || head.kind !== round.kind) throw new Error('backtest schedule out of step');
    const checks = await head.checks;
    rounds.push({ round, checks });
    state = applyRound(spec, state, round, checks);
  }
  return { state, rounds };
}
