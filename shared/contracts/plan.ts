/**
 * The resolved, per-service pipeline plan: everything the orchestrations need to know about one service,
 * computed from the configuration file by a pure function and passed as orchestration input, so the
 * orchestrations never read configuration themselves and a run is replayed with the plan it started with.
 */

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
export type ImageBinding =
  { kind: 'helm-parameter'; parameter: string } | { kind: 'kustomize-image'; name: string };

export type GateSpec =
  | {
      kind: 'vulnerability';
      name: string;
      failOn: 'critical' | 'high' | 'medium' | 'low';
      allow: Array<{ id: string; expires: string; reason?: string }>;
    }
  | { kind: 'signature'; name: string; key: string }
  | { kind: 'ci-status'; name: string; repository: string; checks: string[] };

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
}

export interface CanarySpec {
  steps: Array<{ weight: number; duration: Duration }>;
  /** Time between analysis checks. */
  interval: Duration;
  /** Failed checks (cumulative) that trigger a rollback. */
  threshold: number;
  metrics: MetricCheck[];
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
