/**
 * Turns the samples into the printed report: one table per workload (medians of the measured runs), a
 * breakdown of where the dev host's wall time went, and the goal ratios against the peer.
 */
import { median, medianSample, type Breakdown, type Sample, type Workload } from './measure.js';
import { ORCHESTRATOR } from './probes.js';

export interface Row {
  engine: string;
  workload: Workload;
  samples: Sample[];
}

export interface Summary {
  engine: string;
  wallMs: number;
  perSecond: number;
  cpuMs: number;
  historyEvents: number;
  episodes: number;
  cpuUsPerEvent: number;
  breakdown: Breakdown | undefined;
}

export function summarize(row: Row): Summary {
  const wallMs = median(row.samples.map((s) => s.wallMs));
  const cpuMs = median(row.samples.map((s) => s.cpuMs));
  const historyEvents = median(row.samples.map((s) => s.historyEvents));
  return {
    engine: row.engine,
    wallMs,
    perSecond: row.workload.size / (wallMs / 1000),
    cpuMs,
    historyEvents,
    episodes: median(row.samples.map((s) => s.episodes)),
    cpuUsPerEvent: (cpuMs * 1000) / historyEvents,
    breakdown: medianSample(row.samples).breakdown,
  };
}

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

export const fixed = (n: number, digits = 0): string =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : '-';

export function workloadTitle(w: Workload): string {
  const what =
    w.kind === 'chain'
      ? `sequential chain of ${w.size} activities`
      : w.kind === 'fanOut'
        ? `fan-out/fan-in of ${w.size} activities`
        : `${w.size} external events into one instance`;
  return `${w.kind}: ${what}`;
}

export function workloadTable(w: Workload, summaries: Summary[]): string {
  const rate = w.unit === 'events' ? 'events/s' : 'activities/s';
  const headers = ['engine', 'wall ms', rate, 'CPU ms', 'history events', 'CPU µs/event', 'episodes'];
  const rows = summaries.map((s) => [
    s.engine,
    fixed(s.wallMs, 1),
    fixed(s.perSecond),
    fixed(s.cpuMs, 1),
    fixed(s.historyEvents),
    fixed(s.cpuUsPerEvent, 1),
    fixed(s.episodes),
  ]);
  return table(headers, rows);
}

const PARTS: Array<[key: string, header: string]> = [
  [ORCHESTRATOR, 'SDK replay'],
  ['activity', 'activities'],
  ['store.commitEpisode', 'store commits'],
  ['store.enqueue', 'store enqueues'],
];

/** Summed wall time inside each probed call; overlapping calls (concurrent activities) add up. */
export function breakdownTable(summaries: Summary[]): string {
  const withData = summaries.filter((s) => s.breakdown);
  const headers = ['engine', 'wall ms', ...PARTS.map(([, header]) => `${header} ms (calls)`)];
  const rows = withData.map((s) => [
    s.engine,
    fixed(s.wallMs, 1),
    ...PARTS.map(([key]) => {
      const entry = s.breakdown?.[key];
      return entry ? `${fixed(entry.ms, 1)} (${entry.calls})` : '-';
    }),
  ]);
  return table(headers, rows);
}

export interface Goal {
  workload: Workload;
  engine: Summary;
  peer: Summary;
  /** Minimum throughput ratio engine/peer. */
  atLeast: number;
}

export function goalLine(goal: Goal): string {
  const ratio = goal.engine.perSecond / goal.peer.perSecond;
  const verdict = ratio >= goal.atLeast ? 'PASS' : 'FAIL';
  return (
    `${goal.workload.kind.padEnd(7)} ${goal.engine.engine}/${goal.peer.engine}: ` +
    `${fixed(goal.engine.perSecond)} / ${fixed(goal.peer.perSecond)} = ${fixed(ratio, 2)}x ` +
    `(goal >= ${goal.atLeast}x) ${verdict}`
  );
}

export function ratioLine(label: string, a: Summary, b: Summary): string {
  return `${label}: ${a.engine} is ${fixed(b.perSecond / a.perSecond, 1)}x slower than ${b.engine}`;
}
