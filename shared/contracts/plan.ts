/**
 * The resolved, per-service pipeline plan: everything the orchestrations need to know about one service,
 * computed from the configuration file by a pure function and passed as orchestration input, so the
 * orchestrations never read configuration themselves and a run is replayed with the plan it started with.
 */

import type { ChatRoute } from '../domain/chat-routing.js';

export type Duration = number; // milliseconds

export interface ImageRef {
  /** e.g. `hearloveen.azurecr.io` */
  registry: string;
  /** e.g. `api-gateway` or `team/api-gateway` */
  repository: string;
  tag?: string;
  /** `sha256:<64 hex>`: the identity of a release. */
  digest: string;
}

/** How the new image is written into an Argo CD application. */
export type ImageBinding = (
  { kind: 'helm-parameter'; parameter: string } | { kind: 'kustomize-image'; name: string }
) & {
  /** Git write-back (`gitops` mode commit / pull-request); absent: the Argo CD parameter (default). */
  git?: GitWriteBack;
};

/** Where a Git-mode target's image lives: a kustomization.yaml `images:` entry or a Helm values path. */
export interface GitWriteBack {
  mode: 'commit' | 'pull-request';
  /** Environment repository `owner/name`. */
  repository: string;
  branch: string;
  /** The kustomization.yaml (Kustomize binding) or values file (Helm binding) in the repository. */
  path: string;
}

export type GateSpec =
  | {
      kind: 'vulnerability';
      name: string;
      failOn: 'critical' | 'high' | 'medium' | 'low';
      allow: Array<{ id: string; expires: string; reason?: string }>;
    }
  | { kind: 'signature'; name: string; key: string }
  | {
      kind: 'ci-status';
      name: string;
      repository: string;
      checks: string[];
      /** No commit known for the image: fail the gate (absent: fail) or skip it with a warning. */
      whenCommitUnknown?: 'fail' | 'skip';
    };

/** Where a service's images come from, for finding the commit an image was built from. */
export interface ProvenanceSpec {
  /** The configured image: registry host and repository. */
  registry: string;
  repository: string;
  /** Regular expression over the tag whose first capture group is a commit (`^sha-([0-9a-f]{7,40})$`). */
  commitTag: string;
  /** The GitHub repository builds come from (the ci-status gate's): short SHAs and commit dates. */
  gitRepository?: string;
}

export interface SmokeCheck {
  name: string;
  url: string;
  expectStatus: number;
  retries: number;
  timeout: Duration;
}

export interface TestWorkflow {
  name: string;
  repository: string;
  workflow: string;
  ref: string;
  timeout: Duration;
}

export interface MetricCheck {
  name: string;
  /** Built-in template name or an inline PromQL template. */
  template: string;
  /** Which of the two `template` is (added; absent means decide by looking). */
  templateKind?: 'ref' | 'query';
  /** Values for `{{ variables.<key> }}` in the template. */
  variables?: Record<string, string>;
  min?: number;
  max?: number;
  /** Query window. */
  interval: Duration;
  /** Hard bounds: one breach rolls back at once; also checked at the fast-check cadence. */
  failFast?: { min?: number; max?: number };
  /** Where the metric is read (absent: Prometheus); the service's `canary.provider`, stamped on each. */
  provider?: MetricsProviderSpec;
  /**
   * Prometheus only: the label that names the cluster, matched to the target's cluster by the built-in
   * templates (`canary.provider.clusterLabel`, or `cluster` by default for a train over several
   * clusters), stamped on each like `provider`. Absent: no cluster matcher.
   */
  clusterLabel?: string;
}

/** How Application Insights tells the canary's telemetry from the primary's. */
export type SideSelector =
  /** `AppRoleInstance` (the pod name) starts with the canary's, or the primary's, Deployment name. */
  | { by: 'pod' }
  /** `AppVersion` equals the value given for each side. */
  | { by: 'version'; canary: string; primary: string }
  /** A custom dimension (`Properties[property]`, e.g. a pod label) equals the value given for each side. */
  | { by: 'property'; property: string; canary: string; primary: string };

/** A metrics provider other than the default Prometheus: Application Insights (workspace-based), over KQL. */
export interface MetricsProviderSpec {
  kind: 'app-insights';
  /** Log Analytics workspace ID (GUID); absent: the app setting `GANTRY_APPINSIGHTS_WORKSPACE_ID`. */
  workspaceId?: string;
  /** `AppRoleName` (`cloud_RoleName`) of the service; may use `{{ service }}` etc. */
  roleName: string;
  side: SideSelector;
  /** Telemetry reaches the workspace minutes late: each window ends this long (ms) before the check. */
  ingestionDelay?: number;
}

/** Firing Prometheus alerts that abort the canary: `ALERTS{alertstate="firing", <matchers>}`. */
export interface AlertsSpec {
  /** Label matchers; values may use `{{ namespace }}`, `{{ target }}`, `{{ canary }}`, `{{ service }}`. */
  matchers: Record<string, string>;
}

/** One canary metric compared with the primary over the same window (Kayenta style). */
export interface BaselineMetric {
  /** A canary metric's name: its template is queried for both sides. */
  metric: string;
  direction: 'increase-is-bad' | 'decrease-is-bad';
  /**
   * Effect size tolerated: with `scale: ratio` a share of the baseline median (0.25 = 25 %), with
   * `scale: points` an absolute difference (1 = one percentage point of a success rate).
   */
  tolerance: number;
  /** How `tolerance` is read; absent (plans from before it existed): `ratio`. */
  scale?: 'points' | 'ratio';
  /** Significance level of the one-sided Mann-Whitney U test. */
  alpha: number;
}

export interface BaselineSpec {
  /** Resolution of the `query_range` samples over the metric's window. */
  step: Duration;
  metrics: BaselineMetric[];
}

/** What to do when the inconclusive or provider-error limit is exhausted. */
export type ExhaustedPolicy = 'pause' | 'fail';

/**
 * Where the traffic goes while a canary is paused because its metrics provider failed: `pause-at-zero`
 * sends it all back to the primary (the canary stays up for inspection; resume restores the step's
 * weight); `hold` keeps the step's weight on an image nobody is judging.
 */
export type OutagePolicy = 'pause-at-zero' | 'hold';

/** What a router weight read back before a step that differs from the one set leads to. */
export type DriftPolicy = 'correct' | 'pause';

export interface CanarySpec {
  /** Weight 0 steps are blue/green iterations (the canary is judged on test traffic only). */
  steps: Array<{ weight: number; duration: Duration }>;
  /** Time between analysis checks. */
  interval: Duration;
  /** Failed checks (cumulative, one per interval at most, as in Flagger) that trigger a rollback. */
  threshold: number;
  metrics: MetricCheck[];
  /** Requests the canary must serve in a metric's window before it is judged (absent: 1). */
  minRequests?: number;
  /** Inconclusive intervals tolerated (cumulative); one more exhausts the limit (absent: 3). */
  inconclusiveLimit?: number;
  /** Intervals in a row with a provider error tolerated; one more exhausts the limit (absent: 4). */
  consecutiveErrorLimit?: number;
  /** Absent: pause. */
  onLimitExhausted?: ExhaustedPolicy;
  /** Traffic during a pause caused by provider errors; absent: pause-at-zero. */
  onProviderOutage?: OutagePolicy;
  /** A weight read back that differs from the one set: `correct` it with the next step (absent) or `pause`. */
  onDrift?: DriftPolicy;
  /** Cadence of the fail-fast checks (hard bounds, alerts) inside each interval; absent: none. */
  fastCheckInterval?: Duration;
  alerts?: AlertsSpec;
  baseline?: BaselineSpec;
  /** Flagger's `stepWeightPromotion`: after promotion, drain the canary in steps of this many percent. */
  promotionStepWeight?: number;
  /** Flagger fields in the configuration that Gantry accepts but does not act on (recorded at start). */
  ignored?: string[];
}

export interface VerificationRule {
  name: string;
  metric: MetricCheck;
  /** Rolls back when the metric is outside its bounds for this long. */
  for: Duration;
}

export interface VerificationSpec {
  window: Duration;
  interval: Duration;
  rules: VerificationRule[];
  /** Roll back when a primary pod crash-loops (absent: true). */
  crashLoops?: boolean;
  /**
   * Readiness (health-check) failures: roll back when more than `maxRatio` of the primary's pods are
   * not ready for `for` (absent: no check).
   */
  health?: { maxRatio: number; for: Duration };
  /** Requests the primary must serve in a rule's window before the rule is judged (absent: 1). */
  minRequests?: number;
}

export type RouterSpec =
  | { kind: 'nginx'; ingress: string; canaryIngress: string }
  | { kind: 'gateway-api'; route: string; primaryBackend: string; canaryBackend: string }
  /**
   * No router: the share is the canary's replica ratio. The Deployment names are filled in from the
   * production target when the plan is resolved; the router refuses to run without them.
   */
  | { kind: 'replicas'; deployment?: string; canaryDeployment?: string };

export interface ProductionTarget {
  subscriptionId: string;
  resourceGroup: string;
  cluster: string;
  namespace: string;
  deployment: string;
  canaryDeployment: string;
  router: RouterSpec;
  argoApp: string;
  image: ImageBinding;
}

export interface StagingTarget {
  argoApp: string;
  /** Staging namespace (added; where scan Jobs run), when configured. */
  namespace?: string;
  image: ImageBinding;
  syncTimeout: Duration;
  smoke: SmokeCheck[];
  tests: TestWorkflow[];
}

export interface PipelinePlan {
  service: string;
  gates: GateSpec[];
  staging: StagingTarget;
  production: ProductionTarget;
  canary: CanarySpec;
  verification: VerificationSpec;
  /** Production approval policy (staging is always automatic). Always set by `planFor`. */
  approval?: ApprovalPolicy;
  /** Freeze calendar for production (defaults' entries, then the service's). Always set by `planFor`. */
  freezes?: FreezeWindow[];
  /** How the image's commit is found (push, image labels, tag). Always set by `planFor`. */
  provenance?: ProvenanceSpec;
  /** Chat routes (`notifications.routes`): which channel hears which events. Absent or empty: none. */
  chat?: ChatRoute[];
  /** Which inbound alerts are about this service (absent: the defaults, shared/alerts/routing.ts). */
  alertRouting?: AlertRoutingSpec;
  /** Which environments' automatic rollbacks hold the lane (absent: production only). */
  holds?: { staging: boolean; production: boolean };
  /**
   * Production as a release train (`production.rings`): ring 0 is `production` with `canary` and
   * `verification` above; later rings follow in order. Absent: one implicit ring (the plan as before).
   */
  rings?: RingSpec[];
  /** What a failure in a later ring does to the rings before it (absent: `rollback-all`). */
  onRingFailure?: RingFailurePolicy;
}

/** `rollback-all`: every ring that got the image returns to the last release; `hold`: earlier rings keep it. */
export type RingFailurePolicy = 'rollback-all' | 'hold';

/** One ring of a release train: targets deployed together, after a soak in the ring before. */
export interface RingSpec {
  name: string;
  /** Region label (shown, and matched by nothing else). */
  region?: string;
  /** One to four targets, deployed together: each phase runs on all of them at once (orchestrations/ring.ts). */
  targets: ProductionTarget[];
  /** The ring's own canary; absent: a plain rollout (promotion) followed by the verification window. */
  canary?: CanarySpec;
  verification: VerificationSpec;
  /** How long the ring before runs the new image before this ring starts (0 for ring 0). */
  soak: Duration;
  /** Freezes of this ring only: the train waits at the ring's border until they lift. */
  freezes: FreezeWindow[];
  /**
   * The train waits at the border (after the soak and the ring's freezes) for an approval of this ring,
   * under the service's production approval policy with these overrides (empty: the policy as it is).
   * Absent: the train's one approval covers the ring.
   */
  approval?: RingApprovalOverride;
}

/** What a ring's own approval changes in the service's policy (shared/domain/ring-approval.ts). */
export interface RingApprovalOverride {
  /** Groups whose members may approve this ring, instead of the service's reviewers. */
  reviewers?: string[];
  /** Distinct approvers this ring needs (M of the reviewers' members). */
  minApprovers?: number;
  /** Minimum time between this ring's request and its rollout. */
  waitTimer?: Duration;
  /** Windows in which this ring needs no human (`[]`: never; absent: the service's windows). */
  autoApprove?: TimeWindow[];
}

/** Matchers name a label (or dimension) and its accepted values, which may hold `{{ ... }}` variables. */
export interface AlertRoutingSpec {
  labels?: Record<string, string[]>;
  dimensions?: Record<string, string[]>;
  rollbackWindow?: Duration;
}

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/**
 * A daily wall-clock window on some weekdays (all when `days` is absent), e.g. 02:00-06:00 UTC.
 * `to` at or before `from` crosses midnight; the window belongs to the day it starts on.
 */
export interface TimeWindow {
  days?: Weekday[];
  /** `HH:MM`, 24-hour. */
  from: string;
  /** `HH:MM`, 24-hour; `24:00` is the end of the day. */
  to: string;
  /** IANA zone, e.g. `UTC`, `Europe/Amsterdam`. */
  timeZone: string;
}

/** A period in which production deployments are blocked at the approval stage. */
export type FreezeWindow =
  | {
      kind: 'once';
      name: string;
      /** ISO 8601 date-time with an offset, e.g. `2026-12-24T00:00:00+01:00`. */
      from: string;
      to: string;
      reason: string;
    }
  | ({ kind: 'weekly'; name: string; reason: string } & TimeWindow);

export interface ApprovalPolicy {
  /** Windows in which production deployments need no human approval. */
  autoApprove: TimeWindow[];
  /** Groups (identity claims) whose members may approve. */
  reviewers: string[];
  /** Distinct approvers needed. */
  minApprovers: number;
  /** The image's pusher and commit author may not approve it. */
  forbidSelfApproval: boolean;
  /** Minimum time between approval being requested and the canary starting. */
  waitTimer: Duration;
  /** Time after which an unanswered approval request fails the deployment. */
  expiry: Duration;
}
