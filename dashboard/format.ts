/** Text for the dashboard: pure, so the exact wording is tested without a browser. */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** `sha256:1a2b…` → `1a2b3c4d5e6f`: the 12 hex digits deployment ids use. */
export function shortDigest(digest: string): string {
  const hex = digest.includes(':') ? digest.slice(digest.indexOf(':') + 1) : digest;
  return hex.slice(0, 12);
}

/** How long ago, from the server's clock: `just now`, `42 s ago`, `5 min ago`, `3 h ago`, `2 d ago`. */
export function formatAge(ms: number): string {
  if (!Number.isFinite(ms) || ms < 1000) return 'just now';
  if (ms < MINUTE) return `${Math.floor(ms / 1000)} s ago`;
  if (ms < HOUR) return `${Math.floor(ms / MINUTE)} min ago`;
  if (ms < DAY) return `${Math.floor(ms / HOUR)} h ago`;
  return `${Math.floor(ms / DAY)} d ago`;
}

/** A duration in seconds for DORA numbers; null is "no data", never 0. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return 'no data';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86_400) return `${trim(seconds / 3600, 1)} h`;
  return `${trim(seconds / 86_400, 1)} d`;
}

/** Up to `digits` decimals without trailing zeros (`12.50` → `12.5`, `3.00` → `3`). */
export function trim(value: number, digits: number): string {
  const fixed = value.toFixed(digits);
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

/** A metric value: four significant digits at most, `no data` for a missing sample. */
export function formatValue(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return 'no data';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1000) return trim(value, 0);
  return trim(Number(value.toPrecision(4)), 4);
}

/** A rate in [0, 1] as a percentage; null is "no data". */
export function formatRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return 'no data';
  return `${trim(rate * 100, 1)}%`;
}

/** `HH:MM:SS` in UTC: the pipeline's windows and the API speak UTC, so the dashboard does too. */
export function formatClock(iso: string | number): string {
  const ms = typeof iso === 'number' ? iso : Date.parse(iso);
  if (!Number.isFinite(ms)) return '—';
  return new Date(ms).toISOString().slice(11, 19);
}

/** `2026-01-05 10:42 UTC`. */
export function formatDateTime(iso: string | number): string {
  const ms = typeof iso === 'number' ? iso : Date.parse(iso);
  if (!Number.isFinite(ms)) return '—';
  const text = new Date(ms).toISOString();
  return `${text.slice(0, 10)} ${text.slice(11, 16)} UTC`;
}

const STATE_LABELS: Record<string, string> = {
  AwaitingApproval: 'Awaiting approval',
  RolledBack: 'Rolled back',
};

/** `AwaitingApproval` → `Awaiting approval`. */
export function stateLabel(state: string): string {
  return STATE_LABELS[state] ?? state;
}

/** The bounds of a check as words: `≥ 99`, `≤ 500`, `between 1 and 5`, or `no bounds`. */
export function boundsLabel(min?: number, max?: number): string {
  if (min !== undefined && max !== undefined) return `between ${formatValue(min)} and ${formatValue(max)}`;
  if (min !== undefined) return `≥ ${formatValue(min)}`;
  if (max !== undefined) return `≤ ${formatValue(max)}`;
  return 'no bounds';
}

const COMMIT_FROM: Record<string, string> = {
  push: 'from the push',
  image: 'from the image label',
  tag: 'from the tag',
};

/** `acb5820ced94 (from the image label)`, or why no commit is known; undefined before the run looked. */
export function commitLabel(d: {
  commitSha?: string;
  provenance?: { commitFrom?: string; detail: string };
}): string | undefined {
  if (d.commitSha) {
    const from = COMMIT_FROM[d.provenance?.commitFrom ?? ''];
    return from ? `${d.commitSha.slice(0, 12)} (${from})` : d.commitSha.slice(0, 12);
  }
  return d.provenance?.detail;
}

/** `1 incident`, `2 incidents`. */
export const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;
