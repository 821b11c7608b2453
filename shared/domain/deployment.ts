import type { ImageRef } from '../contracts/plan.js';

/** The stages a deployment moves through (see transitions in state-machine.ts). */
export type DeploymentState =
  | 'Queued'
  | 'Gating'
  | 'Staging'
  | 'Testing'
  | 'AwaitingApproval'
  | 'Canary'
  | 'Promoting'
  | 'Verifying'
  | 'Succeeded'
  | 'Failed'
  | 'RolledBack'
  | 'Cancelled'
  | 'Superseded';

export const TERMINAL_STATES: ReadonlySet<DeploymentState> = new Set([
  'Succeeded',
  'Failed',
  'RolledBack',
  'Cancelled',
  'Superseded',
]);

export type TriggerSource = 'event-grid' | 'acr-webhook' | 'github' | 'manual';

/** One deployment: one image digest of one service. */
export interface DeploymentRecord {
  /** `<service>-<digest hex prefix 12>`, stable for a (service, digest) pair; a retry adds `-r<n>`. */
  id: string;
  service: string;
  image: ImageRef;
  state: DeploymentState;
  /** Why the deployment ended (terminal states), or what it is doing. */
  reason?: string;
  source: TriggerSource;
  /** Who or what pushed the image, when known (never allowed to approve it). */
  pushedBy?: string;
  commitSha?: string;
  commitAuthor?: string;
  /** When the commit was made (ISO 8601), when the trigger knows it: the start of the lead time. */
  committedAt?: string;
  /** Where the commit came from and what the image says about itself (set when the run starts). */
  provenance?: DeploymentProvenance;
  createdAt: string;
  updatedAt: string;
  /** Last traffic weight sent to the canary (0-100). */
  weight: number;
  /** A retry: the id of the finished run of the same image it runs again. */
  retryOf?: string;
  /** The run that retried this one (each run is retried at most once). */
  retriedBy?: string;
  /**
   * Interrupts the API accepted, stored before it answers 202 and read by every phase when it starts, so
   * one that arrives between two phases (or before the first) is not lost. Oldest first.
   */
  interrupts?: StoredInterrupt[];
  /** The deployment's Slack message per routed channel (updated in place; events go in its thread). */
  chat?: ChatThreadRef[];
  /** Set once the run has claimed its end: from then on an interrupt is answered 409, not accepted. */
  finishing?: boolean;
}

/** Where a deployment's Slack message is: the channel as routed, the channel id Slack answered, its ts. */
export interface ChatThreadRef {
  route: string;
  channel: string;
  ts: string;
}

/** What the pipeline found out about the image's origin before its gates ran. */
export interface DeploymentProvenance {
  /** `push`: the trigger's commit; `image`: the revision label; `tag`: a `sha-<hex>` tag; absent: unknown. */
  commitFrom?: 'push' | 'image' | 'tag';
  /** Human-readable: where exactly the commit was found, or why none was. */
  detail: string;
  /** The image's OCI labels/annotations, as the registry holds them. */
  source?: string;
  version?: string;
  created?: string;
}

export type InterruptKind = 'cancel' | 'abort' | 'skipAnalysis';

export interface StoredInterrupt {
  kind: InterruptKind;
  actor: string;
  reason: string;
  at: string;
}

export type TimelineKind = 'transition' | 'gate' | 'check' | 'decision' | 'action' | 'note';

/** One entry of a deployment's ordered timeline. `seq` orders entries within a deployment. */
export interface TimelineEntry {
  deploymentId: string;
  seq: number;
  at: string;
  kind: TimelineKind;
  /** Short machine-friendly summary, e.g. `Gating->Staging`, `gate:vulnerability`, `check:success-rate`. */
  title: string;
  verdict?: 'pass' | 'fail' | 'warn' | 'inconclusive';
  actor?: string;
  comment?: string;
  /** Evidence (query, values, bounds, counts); JSON-serialisable. */
  evidence?: Record<string, unknown>;
}

export interface QueueItem {
  service: string;
  digest: string;
  deploymentId: string;
  enqueuedAt: string;
  state: 'queued' | 'running' | 'done' | 'superseded' | 'removed';
}

export interface ReleaseRecord {
  service: string;
  environment: 'staging' | 'production';
  deploymentId: string;
  image: ImageRef;
  releasedAt: string;
  /** `rollback` when a manual service rollback put it back (absent: promoted by its pipeline). */
  via?: 'rollback';
}

export interface ApprovalRecord {
  deploymentId: string;
  approver: string;
  decision: 'approve' | 'reject';
  comment?: string;
  at: string;
  accepted: boolean;
  /** Why it was refused, when `accepted` is false. */
  refusal?: string;
  groups: string[];
  /** What the approver was shown when deciding: image, gate, smoke and test verdicts. */
  evidence?: Record<string, unknown>;
  /**
   * A refused row standing for several refused attempts (the audit bound, shared/app/refusals.ts): how
   * many, and when the latest was; `at` stays the first one's, which keeps the row's key.
   */
  attempts?: number;
  lastAt?: string;
}
