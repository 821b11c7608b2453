import type {
  ApprovalRecord,
  DeploymentProvenance,
  DeploymentRecord,
  DeploymentState,
  ReleaseRecord,
  StoredInterrupt,
  TimelineEntry,
} from '../domain/deployment.js';
import type { ClusterTarget, RolloutState } from '../ports/cluster.js';
import type { GitWrite, PullOutcome, SyncState } from '../ports/gitops.js';
import type { GateProgress, ScanHandle, SmokeResult } from '../ports/runners.js';
import { activity } from './contract.js';
import type { OwnEntry } from '../domain/timeline-entries.js';
import type { CheckEvidence } from '../analysis/judge.js';
import type { Limits, Tally } from '../analysis/limits.js';
import type { ChatDestination, ChatEvent } from '../domain/chat-routing.js';
import type { ChatOutcome } from '../ports/chat.js';
import type {
  AlertsSpec,
  BaselineSpec,
  GateSpec,
  ImageBinding,
  ImageRef,
  MetricCheck,
  PipelinePlan,
  ProvenanceSpec,
  RouterSpec,
  SmokeCheck,
  TestWorkflow,
  VerificationSpec,
} from './plan.js';

/** What a pipeline run is given: the deployment and the plan resolved when it was dequeued. */
export interface RunInput {
  deployment: DeploymentRecord;
  plan: PipelinePlan;
  /**
   * Set when the run is one ring of a release train (shared/domain/rings.ts): only the last ring's
   * verification ends the run (claims its finish and records the release).
   */
  train?: {
    ring: string;
    last: boolean;
    /** When the ring started (ISO): a skip-analysis stored before it was meant for an earlier ring. */
    since?: string;
    /** This target's place among the ring's targets, which run their phases at the same time. */
    lane?: RecorderLane;
  };
}

/** Keeps the timeline seqs of parallel targets apart (orchestrations/lib/recorder.ts). */
export interface RecorderLane {
  index: number;
  of: number;
}

export interface RecordInput {
  entry: Omit<TimelineEntry, 'deploymentId'>;
  /** Further entries written by the same activity (e.g. every verdict of one analysis round). */
  more?: Array<Omit<TimelineEntry, 'deploymentId'>>;
  deploymentId: string;
  service: string;
  /** Also move the deployment record to this state, when given. */
  transition?: { to: DeploymentState; reason?: string };
  /** Also store the canary's current traffic weight on the record. */
  weight?: number;
  /** Also publish the entry as an incident (something needs a human), when set. */
  notify?: 'incident';
}

export type ApprovalDecision =
  | { kind: 'auto'; reason: string }
  | {
      kind: 'required';
      reviewers: string[];
      minApprovers: number;
      waitTimerMs: number;
      expiryMs: number;
      forbidSelfApproval: boolean;
      /** When an auto-approve window would approve this request if no human has by then. */
      autoApproveAt?: string;
    }
  | { kind: 'blocked'; reason: string; until?: string };

export interface ProvenanceInput {
  deploymentId: string;
  image: ImageRef;
  provenance?: ProvenanceSpec;
  at: string;
  /** Also record what was found (`provenanceEntry`), in the same activity. */
  record?: OwnEntry;
}

/** Where the image's commit came from (stored on the deployment too), for the timeline and the gates. */
export interface ProvenanceResult extends DeploymentProvenance {
  commitSha?: string;
  /** The GitHub repository the commit was looked up in. */
  gitRepository?: string;
  /** Where each image label was read (index/manifest annotations, config labels). */
  readFrom?: Record<string, string>;
}

/** One chat event of a deployment, for the destinations its routes chose (orchestrations/lib/chat.ts). */
export interface NotifyChatInput {
  deploymentId: string;
  service: string;
  event: ChatEvent;
  destinations: ChatDestination[];
}

/** How each destination's delivery went (an outcome per destination, in input order). */
export interface ChatDelivery {
  destination: ChatDestination;
  outcome: ChatOutcome;
}

/** One check's evidence and verdict (see `shared/analysis/judge.ts`). */
export type CheckVerdict = CheckEvidence;

/** One analysis round: the checks of `metrics` at `at` (see `shared/activities/analysis.ts`). */
export interface AnalyseInput {
  metrics: MetricCheck[];
  variables: Record<string, string>;
  at: string;
  /** Picks the built-in templates' metric family (NGINX or Istio/Gateway API). */
  router?: RouterSpec;
  /** Canary traffic (default) or, after promotion, the primary's. */
  side?: 'canary' | 'primary';
  /** `interval` (default): every check; `fast`: hard bounds and alerts only. */
  mode?: 'interval' | 'fast';
  /** Requests the judged side must have served in a metric's window (0: not checked; absent: 1). */
  minRequests?: number;
  alerts?: AlertsSpec;
  baseline?: BaselineSpec;
  /**
   * Also write the round's timeline entries (`analysisEntries`) at these reserved seqs, in the same
   * activity: one Durable round trip fewer per round; the writes are idempotent on their seqs.
   */
  record?: {
    deploymentId: string;
    service: string;
    seqs: number[];
    at: string;
    weight: number;
    /**
     * An interval round: also record its decision (`decisionEntry`) at the last reserved seq, judged
     * with these limits from this tally; the orchestration computes the same decision from the result.
     */
    decision?: { limits: Limits; tally: Tally };
  };
}

export const Activities = {
  /** Lane: takes the newest queued digest of a service (older ones become Superseded). */
  takeNext: activity<
    { service: string; at: string },
    {
      run?: RunInput;
      superseded: string[];
      /** The lane is held after an automatic rollback: nothing was taken. */
      held?: { deploymentId: string; reason: string; since: string };
    }
  >('takeNext'),
  /** Lane: marks the queue row of a finished run. */
  finishRun: activity<{ service: string; digest: string; state: 'done' }, void>('finishRun'),
  /** Timeline entry (and optional state transition) with a deterministic sequence number. */
  record: activity<RecordInput, DeploymentRecord | undefined>('record'),
  /** Gates: the commit the image was built from (push, image label, tag), stored on the deployment. */
  resolveProvenance: activity<ProvenanceInput, ProvenanceResult>('resolveProvenance'),
  /**
   * Image gate: starts its work (idempotent per gate and image); a verdict, or pending with a handle.
   * With `record`, a verdict is also recorded (`gateEntry`), as for `checkGate`.
   */
  startGate: activity<
    { gate: GateSpec; image: ImageRef; commitSha?: string; imageSource?: string; record?: OwnEntry },
    GateProgress
  >('startGate'),
  /** Image gate: reads a pending gate once (the orchestration sleeps between checks and owns the deadline). */
  checkGate: activity<
    {
      gate: GateSpec;
      image: ImageRef;
      handle: ScanHandle;
      commitSha?: string;
      imageSource?: string;
      record?: OwnEntry;
    },
    GateProgress
  >('checkGate'),
  deployImage: activity<
    /** `rollback`: in pull-request mode too, a direct (revert) commit on the branch, awaited like one. */
    { app: string; binding: ImageBinding; image: ImageRef; deploymentId?: string; rollback?: boolean },
    GitWrite | void
  >('deployImage'),
  /** Pull-request mode: polls the write-back pull request (merged: its merge commit is synced). */
  followPull: activity<{ app: string; binding: ImageBinding; pull: number }, PullOutcome>('followPull'),
  /** With `record`: once the app is synced (`isSyncedAt` the revision), also records `synced:<app>`. */
  syncStatus: activity<{ app: string; record?: OwnEntry & { revision?: string } }, SyncState>('syncStatus'),
  rollbackApp: activity<{ app: string; historyId?: number }, void>('rollbackApp'),
  /** With `record`: also records `smoke:<name>` (`smokeEntry`). */
  runSmoke: activity<{ check: SmokeCheck; record?: OwnEntry }, SmokeResult>('runSmoke'),
  dispatchTest: activity<
    { workflow: TestWorkflow; deploymentId: string; image: ImageRef },
    { runId?: number }
  >('dispatchTest'),
  decideApproval: activity<
    {
      service: string;
      environment: 'staging' | 'production';
      at: string;
      /** The train's ring whose request this is (a later ring's approval overrides apply). */
      ring?: string;
      /** Also record the decision as `<prefix>:<kind>` (`approvalDecisionEntry`). */
      record?: OwnEntry & { prefix: string };
    },
    ApprovalDecision
  >('decideApproval'),
  /** Re-checks an approval inside the orchestration before acting on it. */
  checkApproval: activity<
    {
      deploymentId: string;
      service: string;
      approval: ApprovalRecord;
      decision: ApprovalDecision;
      waitingSince: string;
      at: string;
      /** Set for a later ring's own approval. */
      ring?: string;
      /** Also record the judged decision (`approvalEntry`). */
      record?: OwnEntry;
    },
    { accepted: boolean; refusal?: string }
  >('checkApproval'),
  setImage: activity<{ target: ClusterTarget; deployment: string; image: ImageRef }, void>('setImage'),
  scale: activity<{ target: ClusterTarget; deployment: string; replicas: number }, void>('scale'),
  rollout: activity<{ target: ClusterTarget; deployment: string }, RolloutState>('rollout'),
  /** Reads back the router's weight and the canary's readiness (before a step: trust, but verify). */
  observeCanary: activity<
    { target: ClusterTarget; router: RouterSpec; deployment: string },
    { weight: number; rollout: RolloutState }
  >('observeCanary'),
  /** Returns the weight reached; with `record`, also records it (`weightEntry`) and stores it on the run. */
  setWeight: activity<
    { target: ClusterTarget; router: RouterSpec; weight: number; record?: OwnEntry & { comment: string } },
    number
  >('setWeight'),
  analyse: activity<AnalyseInput, CheckVerdict[]>('analyse'),
  /**
   * Verification: one round of the post-deploy watch in one activity: the primary's rules (`analyse`),
   * its pods when watched, and the round's `verify:*` entries (`judgeRound`) at the reserved seqs.
   */
  verifyRound: activity<
    {
      analyse: AnalyseInput;
      pods?: { target: ClusterTarget; deployment: string };
      spec: VerificationSpec;
      /** When each rule started breaching (ms), as the orchestration tracks it. */
      since: Record<string, number>;
      record: { deploymentId: string; service: string; seqs: number[]; at: string };
    },
    { checks: CheckVerdict[]; pods?: RolloutState }
  >('verifyRound'),
  lastKnownGood: activity<{ service: string; environment: 'staging' | 'production' }, ReleaseRecord | null>(
    'lastKnownGood',
  ),
  /** With `record`: also records `release:last-known-good` (`releaseEntry`); the release row is the rest. */
  recordRelease: activity<ReleaseRecord & { record?: OwnEntry }, void>('recordRelease'),
  /** The interrupts the API accepted for a run (read by every phase when it starts). */
  storedInterrupts: activity<{ service: string; deploymentId: string }, StoredInterrupt[]>(
    'storedInterrupts',
  ),
  /** Marks the run as finishing (the API then refuses interrupts) and returns those stored before. */
  claimFinish: activity<{ service: string; deploymentId: string }, StoredInterrupt[]>('claimFinish'),
  /** Chat: posts or updates the deployment's message in each destination; outcomes are data. */
  notifyChat: activity<NotifyChatInput, ChatDelivery[]>('notifyChat'),
  /** Lane: whether a manual rollback of the service is still syncing (a pipeline must wait for it). */
  rollbackInProgress: activity<
    { service: string },
    { pending: boolean; deploymentId?: string; since?: string }
  >('rollbackInProgress'),
} as const;
