/**
 * The JSON the dashboard reads, as documented in `GET /api/openapi.json`. Kept as a copy rather than
 * imported from shared/: the browser build must not pull server modules in, and the end-to-end tests
 * check the server against the same document.
 */

export const STATES = [
  'Queued',
  'Gating',
  'Staging',
  'Testing',
  'AwaitingApproval',
  'Canary',
  'Promoting',
  'Verifying',
  'Succeeded',
  'Failed',
  'RolledBack',
  'Cancelled',
  'Superseded',
] as const;
export type DeploymentState = (typeof STATES)[number];

export const TERMINAL: ReadonlySet<string> = new Set([
  'Succeeded',
  'Failed',
  'RolledBack',
  'Cancelled',
  'Superseded',
]);

export interface ImageRef {
  registry: string;
  repository: string;
  tag?: string;
  digest: string;
}

export interface Deployment {
  id: string;
  service: string;
  image: ImageRef;
  state: DeploymentState;
  reason?: string;
  source: string;
  pushedBy?: string;
  commitSha?: string;
  committedAt?: string;
  /** Where the commit came from and the image's own labels (see the API's DeploymentRecord). */
  provenance?: { commitFrom?: 'push' | 'image' | 'tag'; detail: string; source?: string; version?: string };
  createdAt: string;
  updatedAt: string;
  weight: number;
  /** A retry: the finished run of the same image it runs again. */
  retryOf?: string;
  /** The run that retried this one. */
  retriedBy?: string;
}

export type Verdict = 'pass' | 'fail' | 'warn' | 'inconclusive';

export interface TimelineEntry {
  seq: number;
  at: string;
  kind: string;
  title: string;
  verdict?: Verdict;
  actor?: string;
  comment?: string;
  evidence?: Record<string, unknown>;
}

export interface LiveStatus {
  running: boolean;
  stage?: string;
  step?: string;
  weight?: number;
  failedChecks?: number;
  waitingFor?: string;
  since?: string;
}

/** The entry that decided a rollback or failure (GET /api/deployments/{id} `decidedBy`). */
export interface DecidedBy {
  seq: number;
  at: string;
  title: string;
  kind: string;
  name: string;
  verdict: Verdict;
  value?: number | null;
  min?: number;
  max?: number;
  query?: string;
  evaluatedAt: string;
  reason?: string;
  weight?: number;
}

export interface RingTarget {
  cluster: string;
  namespace: string;
  argoApp: string;
}

/** One ring of a run (`GET /api/deployments/{id}` `rings`). */
export interface RunRing {
  name: string;
  region?: string;
  state: string;
  weight: number;
  /** The digest the ring runs; null: the release before this run. */
  image: string | null;
  targets: RingTarget[];
  startedAt?: string;
  endedAt?: string;
}

export interface DeploymentView {
  deployment: Deployment;
  timeline: TimelineEntry[];
  live: LiveStatus;
  decidedBy?: DecidedBy;
  /** A release train's rings (only when the service has rings). */
  rings?: RunRing[];
}

export interface DeploymentPage {
  items: Deployment[];
  continuationToken: string | null;
}

export type ActionName = 'approve' | 'reject' | 'cancel' | 'abort' | 'skip-analysis' | 'resume' | 'retry';

export interface Permission {
  allowed: boolean;
  reason?: string;
}

export interface CallerView {
  authenticated: boolean;
  /** `roles`: Gantry app roles, implied ones included (Operator and Approver include Reader). */
  principal: { name: string; groups: string[]; roles: string[]; source: string } | null;
  serverTime: string;
  deployment?: { id: string; state: DeploymentState; actions: Partial<Record<ActionName, Permission>> };
}

export interface Dora {
  service?: string;
  since: string;
  until: string;
  deployments: { count: number; perDay: number | null };
  leadTime: { medianSeconds: number | null; p90Seconds: number | null; samples: number };
  changeFailureRate: { failed: number; total: number; rate: number | null };
  timeToRestore: { medianSeconds: number | null; incidents: unknown[] };
}
