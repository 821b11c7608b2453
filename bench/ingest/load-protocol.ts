/**
 * The messages between the ingestion benchmark (the dev host's process) and its load generator (a child
 * process, bench/ingest/load-child.ts), over the IPC channel of `child_process.fork`.
 */

/** Parent to child: POST each body once to `url`, `concurrency` at a time. */
export interface LoadRequest {
  type: 'run';
  id: number;
  url: string;
  /** Request bodies, already serialized (building them is not the app's time). */
  bodies: string[];
  headers: Record<string, string>;
  concurrency: number;
  /** The status every answer must have (anything else fails the batch). */
  expectStatus: number;
}

/** Child to parent: the child is listening (sent once, after it loaded). */
export interface LoadReady {
  type: 'ready';
}

/** Child to parent: every body was answered with `expectStatus`. */
export interface LoadResult {
  type: 'result';
  id: number;
  /** Per request, from sending it to reading its whole answer, in completion order. */
  latencies: number[];
  /** From the first request sent to the last answer read. */
  wallMs: number;
}

/** Child to parent: a request failed or was answered otherwise; the batch stopped. */
export interface LoadFailure {
  type: 'failed';
  id: number;
  message: string;
}

export type LoadReply = LoadReady | LoadResult | LoadFailure;

export function isLoadRequest(value: unknown): value is LoadRequest {
  const v = value as Partial<LoadRequest> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    v.type === 'run' &&
    typeof v.id === 'number' &&
    typeof v.url === 'string' &&
    Array.isArray(v.bodies) &&
    typeof v.concurrency === 'number' &&
    v.concurrency >= 1 &&
    typeof v.expectStatus === 'number'
  );
}
