import type { GateSpec, ImageRef, SmokeCheck, TestWorkflow } from '../contracts/plan.js';

export interface GateResult {
  gate: string;
  verdict: 'pass' | 'fail' | 'warn';
  summary: string;
  evidence: Record<string, unknown>;
}

/** Image gates: vulnerability scan, signature verification, CI status of the image's commit. */
export interface ScanRunner {
  run(gate: GateSpec, image: ImageRef, commitSha?: string): Promise<GateResult>;
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
export interface TestRunner {
  dispatch(workflow: TestWorkflow, deploymentId: string, image: ImageRef): Promise<{ runId?: number }>;
}
