/** An inbound alert, whichever system sent it: what routing and the decision need, and what is recorded. */
export interface InboundAlert {
  source: 'alertmanager' | 'azure-monitor';
  /** Alertmanager's fingerprint (a hash of the labels) or Azure Monitor's alert id: repeats share it. */
  id: string;
  name: string;
  status: 'firing' | 'resolved';
  /** Alertmanager labels, or Azure Monitor dimensions (and Prometheus-rule labels). */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** ISO 8601: when the alert started firing. */
  startsAt: string;
  /** A link back to the rule or the alert (Prometheus graph, Azure portal), when the sender gives one. */
  link?: string;
}

/** A payload refused as a whole: every problem found, each naming where it is. */
export class AlertPayloadError extends Error {
  readonly code = 'invalid-payload';
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'AlertPayloadError';
  }
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** A valid RFC 3339 time, normalised to ISO 8601 UTC; undefined when it is not one. */
export function isoTime(text: string): string | undefined {
  if (!ISO_TIME.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** The issues of a zod parse as `path: message` lines (the 400's message names each problem). */
export function issueLines(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string[] {
  return issues.slice(0, 10).map((i) => `${i.path.map(String).join('.') || '(body)'}: ${i.message}`);
}
