/**
 * Pure parts of the image gates: reading a Trivy JSON report, judging it against the vulnerability
 * policy (severity threshold plus an allow-list with expiry), and judging a commit's CI checks.
 * Kept free of I/O so every rule is table-tested and a stored report can be re-judged offline.
 */

export const SEVERITIES = ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];
export type FailOn = 'critical' | 'high' | 'medium' | 'low';

export interface Finding {
  id: string;
  pkg: string;
  installed: string;
  fixed?: string;
  severity: Severity;
  /** Trivy's result target, e.g. `app (debian 12.8)` or `usr/local/bin/app`. */
  target: string;
}

export interface TrivyReport {
  artifact?: string;
  findings: Finding[];
}

export class ScanReportError extends Error {
  readonly code = 'scan-report-invalid';
  constructor(message: string) {
    super(message);
    this.name = 'ScanReportError';
  }
}

/** Index just past the JSON value that opens at `start` (brackets balanced outside strings), or -1. */
function valueEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if ((c === '}' || c === ']') && --depth === 0) return i + 1;
  }
  return -1;
}

/**
 * Job logs mix stdout with stderr (log lines may come before or after the report), so the document is
 * the first line-initial `{` (or `[`) whose balanced span parses as JSON.
 */
export function extractJson(text: string, open: '{' | '[' = '{'): unknown {
  for (const m of text.matchAll(open === '{' ? /(?:^|\n)[ \t]*\{/g : /(?:^|\n)[ \t]*\[/g)) {
    const start = m.index + m[0].length - 1;
    const end = valueEnd(text, start);
    if (end < 0) continue;
    try {
      return JSON.parse(text.slice(start, end)) as unknown;
    } catch {
      // try the next candidate
    }
  }
  throw new ScanReportError('no JSON document found in the job output');
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function severityOf(value: unknown): Severity {
  const upper = typeof value === 'string' ? value.toUpperCase() : '';
  return (SEVERITIES as readonly string[]).includes(upper) ? (upper as Severity) : 'UNKNOWN';
}

/** Parses Trivy's JSON output (`--format json`, SchemaVersion 2). */
export function parseTrivyReport(text: string): TrivyReport {
  const doc = extractJson(text);
  if (!isRecord(doc)) throw new ScanReportError('the Trivy report is not a JSON object');
  if (doc.SchemaVersion !== 2) {
    throw new ScanReportError(
      `unsupported Trivy report SchemaVersion ${String(doc.SchemaVersion)} (expected 2)`,
    );
  }
  if (doc.Results !== undefined && doc.Results !== null && !Array.isArray(doc.Results)) {
    throw new ScanReportError('the Trivy report has a malformed Results field');
  }
  const findings: Finding[] = [];
  for (const result of (doc.Results ?? []) as unknown[]) {
    if (!isRecord(result) || !Array.isArray(result.Vulnerabilities)) continue;
    for (const v of result.Vulnerabilities as unknown[]) {
      if (!isRecord(v) || !str(v.VulnerabilityID)) continue;
      const fixed = str(v.FixedVersion);
      findings.push({
        id: v.VulnerabilityID as string,
        pkg: str(v.PkgName) ?? '',
        installed: str(v.InstalledVersion) ?? '',
        ...(fixed ? { fixed } : {}),
        severity: severityOf(v.Severity),
        target: str(result.Target) ?? '',
      });
    }
  }
  const artifact = str(doc.ArtifactName);
  return { ...(artifact ? { artifact } : {}), findings };
}

export interface AllowEntry {
  id: string;
  expires: string;
  reason?: string;
}

export interface VulnerabilityVerdict {
  verdict: 'pass' | 'fail' | 'warn';
  summary: string;
  evidence: {
    counts: Record<Severity, number>;
    failOn: FailOn;
    blocking: number;
    /** Worst findings first (blocking ones before waived ones of the same severity). */
    top: Array<Finding & { allowed?: true }>;
    allowed: Array<AllowEntry & { findings: number }>;
    expired: Array<AllowEntry & { findings: number }>;
  };
}

const DAY_MS = 86_400_000;

/** A date-only expiry applies through that whole day (UTC); anything unparseable counts as expired. */
export function allowEntryActive(expires: string, now: number): boolean {
  const end = /^\d{4}-\d{2}-\d{2}$/.test(expires)
    ? Date.parse(`${expires}T00:00:00Z`) + DAY_MS
    : Date.parse(expires);
  return Number.isFinite(end) && now < end;
}

const rank = (s: Severity): number => SEVERITIES.indexOf(s);

/**
 * Fails on findings at or above `failOn` unless an unexpired allow-list entry names them. UNKNOWN
 * (not yet rated) never blocks but is counted. Expired entries are reported and make a pass a warn, so
 * stale exceptions get noticed before they start failing deployments.
 */
export function evaluateVulnerabilities(
  findings: Finding[],
  policy: { failOn: FailOn; allow: AllowEntry[] },
  now: number,
): VulnerabilityVerdict {
  const threshold = rank(policy.failOn.toUpperCase() as Severity);
  const entries = policy.allow.map((e) => ({
    ...e,
    key: e.id.toUpperCase(),
    active: allowEntryActive(e.expires, now),
    findings: 0,
  }));
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const judged = findings.map((f) => {
    counts[f.severity]++;
    const entry = entries.find((e) => e.key === f.id.toUpperCase());
    if (entry) entry.findings++;
    const atThreshold = f.severity !== 'UNKNOWN' && rank(f.severity) >= threshold;
    return { finding: f, blocking: atThreshold && !entry?.active, allowed: atThreshold && !!entry?.active };
  });
  const blocking = judged.filter((j) => j.blocking).length;
  const top = [...judged]
    .sort(
      (a, b) =>
        rank(b.finding.severity) - rank(a.finding.severity) ||
        Number(b.blocking) - Number(a.blocking) ||
        Number(!!b.finding.fixed) - Number(!!a.finding.fixed) ||
        a.finding.id.localeCompare(b.finding.id),
    )
    .slice(0, 10)
    .map((j) => (j.allowed ? { ...j.finding, allowed: true as const } : j.finding));
  const strip = ({ id, expires, reason, findings: n }: (typeof entries)[number]) => ({
    id,
    expires,
    ...(reason !== undefined ? { reason } : {}),
    findings: n,
  });
  const allowed = entries.filter((e) => e.active && e.findings > 0).map(strip);
  const expired = entries.filter((e) => !e.active).map(strip);
  const total = findings.length;
  const verdict = blocking > 0 ? 'fail' : expired.length > 0 ? 'warn' : 'pass';
  const summary =
    blocking > 0
      ? `${blocking} finding(s) at ${policy.failOn} or above (of ${total})`
      : `no blocking findings (${total} total, ${allowed.length} allow-list entr${allowed.length === 1 ? 'y' : 'ies'} used` +
        `${expired.length ? `, ${expired.length} expired` : ''})`;
  return { verdict, summary, evidence: { counts, failOn: policy.failOn, blocking, top, allowed, expired } };
}

/** One observed CI signal for a commit: a check run or a legacy commit status. */
export interface CheckObservation {
  name: string;
  source: 'check-run' | 'status';
  /** Check runs: queued/in_progress/completed...; statuses: pending/success/failure/error. */
  status: string;
  conclusion?: string;
  url?: string;
}

export type CheckState = 'pass' | 'fail' | 'pending';

const PASSING_CONCLUSIONS = new Set(['success', 'neutral', 'skipped']);

/** Branch-protection semantics: neutral and skipped count as passing; a missing check is still pending. */
export function checkState(o: CheckObservation): CheckState {
  if (o.source === 'status') {
    if (o.status === 'success') return 'pass';
    return o.status === 'pending' ? 'pending' : 'fail';
  }
  if (o.status !== 'completed') return 'pending';
  return PASSING_CONCLUSIONS.has(o.conclusion ?? '') ? 'pass' : 'fail';
}

export interface CiVerdict {
  state: CheckState;
  checks: Array<CheckObservation & { state: CheckState }>;
  missing: string[];
}

/** Judges the required checks; a check run wins over a status of the same name. */
export function evaluateCiChecks(observed: CheckObservation[], required: string[]): CiVerdict {
  const checks: CiVerdict['checks'] = [];
  const missing: string[] = [];
  for (const name of required) {
    const found =
      observed.find((o) => o.source === 'check-run' && o.name === name) ??
      observed.find((o) => o.source === 'status' && o.name === name);
    if (found) checks.push({ ...found, state: checkState(found) });
    else missing.push(name);
  }
  const state: CheckState = checks.some((c) => c.state === 'fail')
    ? 'fail'
    : missing.length > 0 || checks.some((c) => c.state === 'pending')
      ? 'pending'
      : 'pass';
  return { state, checks, missing };
}
