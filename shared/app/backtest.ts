import { metricVariables } from '../analysis/variables.js';
import { analyse } from '../activities/analysis.js';
import {
  roundsIn,
  runBacktest,
  type BacktestDecision,
  type BacktestOutcome,
  type BacktestRound,
} from '../analysis/backtest.js';
import type { CheckEvidence } from '../analysis/judge.js';
import { limitsOf } from '../analysis/limits.js';
import type { CanarySpec, PipelinePlan } from '../contracts/plan.js';
import { parseInstant } from '../domain/instant.js';
import type { Ports } from '../ports/index.js';
import { MAX_BACKTEST_ROUNDS, MAX_BACKTEST_WINDOW_MS } from './backtest-limits.js';
import { AppError } from './errors.js';
import { knownService } from './queries.js';
import { parseCanaryBlock } from './rejudge.js';

/**
 * `POST /api/analysis/backtest`: a service's canary spec (or one given) evaluated against the metrics of
 * a past window, round by round at the spec's cadence, by the same `analyse` activity and the same
 * limits as a live canary. Nothing is deployed, recorded or changed: only metrics are read.
 */

export interface BacktestCheck {
  at: string;
  round: BacktestRound['kind'];
  step: number;
  weight: number;
  metric: string;
  kind: CheckEvidence['kind'];
  value: number | null;
  verdict: CheckEvidence['verdict'];
  reason?: string;
  requests?: number | null;
  min?: number;
  max?: number;
  error?: boolean;
  query: string;
}

export interface BacktestView {
  service: string;
  from: string;
  to: string;
  /** Which spec was evaluated: the service's configured one, or the one in the request. */
  spec: 'configured' | 'request';
  outcome: BacktestOutcome;
  reason?: string;
  /** When the decision would have been taken. */
  at?: string;
  failedChecks: number;
  rounds: number;
  decisions: BacktestDecision[];
  checks: BacktestCheck[];
}

export interface BacktestRequest {
  service: string;
  from: number;
  to: number;
  spec: CanarySpec;
  source: BacktestView['spec'];
}

const invalid = (field: string, message: string): AppError =>
  new AppError(400, 'invalid-field', message, { field });

function instant(body: Record<string, unknown>, field: 'from' | 'to'): number {
  const raw = body[field];
  const ms = typeof raw === 'string' && raw.length <= 40 ? parseInstant(raw) : undefined;
  if (ms === undefined)
    throw invalid(field, `'${field}' must be an ISO 8601 time with a zone, e.g. 2026-12-01T10:00:00Z.`);
  return ms;
}

/** The canary block of `config`, validated as the configuration file's; issues named `config.<path>`. */
function specOf(config: unknown): CanarySpec {
  try {
    return parseCanaryBlock({ canary: config });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const rename = (s: string) => s.replace(/^canary\b/, 'config').replace(/: canary\./, ': config.');
    const issues = (error.details?.issues as Array<{ path: string; message: string }> | undefined)?.map(
      (i) => ({ ...i, path: rename(i.path) }),
    );
    const message = issues
      ? rename(error.message)
      : "'config' must be a canary block object, as under a service's `canary:` in the configuration.";
    throw new AppError(400, 'invalid-spec', message, issues ? { issues } : { field: 'config' });
  }
}

/**
 * A spec sent without a `provider` reads the service's Prometheus as the service does: with its cluster
 * label (a train over several clusters has one by default), so it is judged on the same cluster's series.
 */
function inheritClusterLabel(spec: CanarySpec, config: unknown, plan: PipelinePlan): CanarySpec {
  const clusterLabel = plan.canary.metrics.find((m) => m.clusterLabel)?.clusterLabel;
  if (!clusterLabel || (config as { provider?: unknown }).provider !== undefined) return spec;
  return { ...spec, metrics: spec.metrics.map((m) => ({ ...m, clusterLabel })) };
}

/** Validates a request body; throws 4xx naming the problem, before anything is queried. */
export function parseBacktest(ports: Ports, body: unknown, now: number): BacktestRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new AppError(400, 'invalid-body', 'The body must be a JSON object {service, from, to, config?}.');
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).filter((k) => !['service', 'from', 'to', 'config'].includes(k));
  if (unknown.length > 0) throw invalid(unknown[0] as string, `Unknown field '${unknown[0]?.slice(0, 40)}'.`);
  if (typeof b.service !== 'string' || b.service === '') throw invalid('service', "'service' is required.");
  const service = knownService(ports, b.service);
  const from = instant(b, 'from');
  const to = instant(b, 'to');
  if (from >= to) throw invalid('to', "'to' must be after 'from'.");
  if (to > now) throw invalid('to', "'to' is in the future: a backtest reads history only.");
  if (to - from > MAX_BACKTEST_WINDOW_MS)
    throw invalid('to', `The window is longer than the maximum of ${MAX_BACKTEST_WINDOW_MS / 3_600_000} h.`);
  const plan = ports.config.plan(service) as PipelinePlan;
  const spec = b.config === undefined ? plan.canary : inheritClusterLabel(specOf(b.config), b.config, plan);
  if (roundsIn(spec, from, to) > MAX_BACKTEST_ROUNDS)
    throw invalid(
      'to',
      `The window holds more than ${MAX_BACKTEST_ROUNDS} rounds at this spec's cadence; shorten it.`,
    );
  return { service, from, to, spec, source: b.config === undefined ? 'configured' : 'request' };
}

const row = (round: BacktestRound, c: CheckEvidence): BacktestCheck => ({
  at: c.evaluatedAt,
  round: round.kind,
  step: round.step,
  weight: round.weight,
  metric: c.name,
  kind: c.kind,
  value: c.value,
  verdict: c.verdict,
  ...(c.reason !== undefined && { reason: c.reason }),
  ...(c.requests !== undefined && { requests: c.requests }),
  ...(c.min !== undefined && { min: c.min }),
  ...(c.max !== undefined && { max: c.max }),
  ...(c.error && { error: true }),
  query: c.query,
});

/** Runs a validated backtest request against the metrics provider. */
export async function backtest(ports: Ports, request: BacktestRequest): Promise<BacktestView> {
  const plan = ports.config.plan(request.service) as PipelinePlan;
  const { spec } = request;
  const prod = plan.production;
  const variables = metricVariables(plan.service, prod);
  const minRequests = limitsOf(spec).minRequests;
  const { state, rounds } = await runBacktest(spec, request, (round) =>
    analyse(ports, {
      metrics: spec.metrics,
      variables,
      at: new Date(round.at).toISOString(),
      router: prod.router,
      mode: round.kind,
      minRequests,
      ...(spec.alerts && { alerts: spec.alerts }),
      ...(spec.baseline && round.kind === 'interval' && { baseline: spec.baseline }),
    }),
  );
  return {
    service: request.service,
    from: new Date(request.from).toISOString(),
    to: new Date(request.to).toISOString(),
    spec: request.source,
    outcome: state.stop?.outcome ?? 'undetermined',
    ...(state.stop && { reason: state.stop.reason, at: state.stop.at }),
    failedChecks: state.tally.failed,
    rounds: rounds.length,
    decisions: state.decisions,
    checks: rounds.flatMap(({ round, checks }) => checks.map((c) => row(round, c))),
  };
}
