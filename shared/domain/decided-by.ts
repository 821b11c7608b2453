import type { DeploymentState, TimelineEntry } from './deployment.js';

/**
 * Which timeline entry decided that a deployment stopped (rolled back or failed), with the evidence a
 * person reads first: the check, alert, gate or rule, its value against its bound, its query and when.
 * Pure; evidence is free-form JSON, so every field is type-checked before use.
 */
export interface DecidedBy {
  /** The timeline entry that decided. */
  seq: number;
  at: string;
  title: string;
  kind:
    | 'metric'
    | 'fail-fast'
    | 'alerts'
    | 'baseline'
    | 'verification'
    | 'gate'
    | 'smoke'
    | 'test'
    | 'approval'
    | 'other';
  /** The check, rule, gate or workflow name. */
  name: string;
  verdict: NonNullable<TimelineEntry['verdict']>;
  value?: number | null;
  min?: number;
  max?: number;
  query?: string;
  /** When the evidence was measured (the entry's time when it does not say). */
  evaluatedAt: string;
  reason?: string;
  /** Canary traffic weight when it was measured. */
  weight?: number;
}

const STOPPED: ReadonlySet<DeploymentState> = new Set(['RolledBack', 'Failed']);
const CHECK_KINDS = new Set(['metric', 'fail-fast', 'alerts', 'baseline']);

const rec = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The failing check inside a `fast-check` round: a hard-bound breach or a firing alert first. */
function fastFailure(entry: TimelineEntry): Record<string, unknown> | undefined {
  const checks = Array.isArray(entry.evidence?.checks) ? (entry.evidence.checks as unknown[]).map(rec) : [];
  const failed = checks.filter((c) => c.verdict === 'fail');
  return failed.find((c) => c.kind === 'fail-fast' || c.kind === 'alerts') ?? failed[0];
}

function kindOf(entry: TimelineEntry, evidence: Record<string, unknown>): DecidedBy['kind'] {
  const prefix = entry.title.split(':')[0] ?? '';
  if (entry.title === 'fast-check' || prefix === 'check' || prefix === 'fail-fast') {
    const kind = String(evidence.kind);
    return CHECK_KINDS.has(kind)
      ? (kind as DecidedBy['kind'])
      : prefix === 'fail-fast'
        ? 'fail-fast'
        : 'metric';
  }
  if (prefix === 'verify') return 'verification';
  if (prefix === 'gate' || prefix === 'smoke' || prefix === 'test') return prefix;
  if (prefix === 'approval' || prefix === 'reject') return 'approval';
  return 'other';
}

function describe(entry: TimelineEntry): DecidedBy {
  const fast = entry.title === 'fast-check' ? fastFailure(entry) : undefined;
  const evidence = fast ?? rec(entry.evidence);
  const colon = entry.title.indexOf(':');
  const name = str(evidence.name) ?? (colon >= 0 ? entry.title.slice(colon + 1) : entry.title);
  const value = evidence.value === null ? null : num(evidence.value);
  return {
    seq: entry.seq,
    at: entry.at,
    title: entry.title,
    kind: kindOf(entry, evidence),
    name,
    verdict: entry.verdict ?? 'fail',
    ...(value !== undefined && { value }),
    ...(num(evidence.min) !== undefined && { min: num(evidence.min) }),
    ...(num(evidence.max) !== undefined && { max: num(evidence.max) }),
    ...(str(evidence.query) && { query: str(evidence.query) }),
    evaluatedAt: str(evidence.evaluatedAt) ?? entry.at,
    ...((str(evidence.reason) ?? entry.comment) && { reason: str(evidence.reason) ?? entry.comment }),
    ...(num(rec(entry.evidence).weight) !== undefined && { weight: num(rec(entry.evidence).weight) }),
  };
}

/**
 * For a rolled-back or failed deployment, the failing entry before the stop that decided it: among the
 * failures recorded no later than the terminal transition, the latest one the stop's reason names (a
 * verification rollback names its sustained rule), else the latest failure. Undefined for any other state,
 * or when no recorded check failed (e.g. a sync error: the reason says it all).
 */
export function decidedBy(
  deployment: { state: DeploymentState; reason?: string },
  timeline: readonly TimelineEntry[],
): DecidedBy | undefined {
  if (!STOPPED.has(deployment.state)) return undefined;
  const sorted = [...timeline].sort((a, b) => a.seq - b.seq);
  // The stop's entries share its instant and may be ordered either way (sequence numbers are reserved
  // per step), so "before the stop" is by time: a failure recorded later (a rollback's own checks) is not it.
  const stop = sorted.find((e) => e.kind === 'transition' && e.title.endsWith(`->${deployment.state}`));
  const failures = sorted
    .filter((e) => e.kind !== 'transition' && e.verdict === 'fail' && (!stop || e.at <= stop.at))
    .reverse();
  const reason = deployment.reason ?? '';
  const named = failures.find((e) => {
    const name = describe(e).name;
    return name !== '' && reason.includes(name);
  });
  const decisive = named ?? failures[0];
  return decisive ? describe(decisive) : undefined;
}
