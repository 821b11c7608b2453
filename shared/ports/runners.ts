import type { GateSpec, ImageRef, SmokeCheck, TestWorkflow } from '../contracts/plan.js';

export interface GateResult {
  gate: string;
  verdict: 'pass' | 'fail' | 'warn';
  summary: string;
  evidence: Record<string, unknown>;
}

/** What a started gate needs to be checked again: small and JSON-serialisable (it is activity I/O). */
export interface ScanHandle {
  /** The Kubernetes Job doing the work (vulnerability and signature gates). */
  jobName?: string;
}

/**
 * Where a gate stands: decided, or still working. A pending gate names when to look again and how long
 * the whole gate may take (measured by the caller from `start`); the caller owns time and the deadline.
 */
export type GateProgress =
  | { done: true; result: GateResult }
  | {
      done: false;
      handle: ScanHandle;
      pollAfterMs: number;
      timeoutMs: number;
      /** What the gate is waiting for, e.g. `job gantry-trivy-… running` or `check(s) pending: build`. */
      detail?: string;
    };

/**
 * Image gates: vulnerability scan, signature verification, CI status of the image's commit. Neither
 * method waits: `start` begins the work (idempotently per gate and image, so a retry finds the same
 * work) and `check` reads where it stands once. Verdicts are data; a throw means "retry this call".
 */
export interface ScanRunner {
  /** `imageSource`: the image's `org.opencontainers.image.source`, which a ci-status gate checks. */
  start(gate: GateSpec, image: ImageRef, commitSha?: string, imageSource?: string): Promise<GateProgress>;
  check(
    gate: GateSpec,
    image: ImageRef,
    handle: ScanHandle,
    commitSha?: string,
    imageSource?: string,
  ): Promise<GateProgress>;
}

export interface SmokeResult {
  check: string;
  ok: boolean;
  status?: number;
  attempts: number;
  error?: string;
}

export interface SmokeRunner {
  run(check: SmokeCheck): Promise<SmokeResult>;
}

/** Test workflows (GitHub Actions). Results arrive later as events, correlated by deployment id. */
/** Where the code lives (GitHub): what a trigger may ask about a commit. */
export interface SourceControl {
  /** When `sha` was committed (ISO 8601), or undefined when the repository does not know it. */
  commitTime(repository: string, sha: string): Promise<string | undefined>;
  /** A commit by full or short SHA: its full SHA and committer date; undefined when there is no such commit. */
  resolveCommit(repository: string, ref: string): Promise<{ sha: string; committedAt?: string } | undefined>;
}

export interface TestRunner {
  dispatch(workflow: TestWorkflow, deploymentId: string, image: ImageRef): Promise<{ runId?: number }>;
}
