import type { ApprovalRecord } from '../domain/deployment.js';
import { event } from './contract.js';

export interface InterruptPayload {
  actor: string;
  reason: string;
}

export interface TestResultPayload {
  workflow: string;
  conclusion: 'success' | 'failure' | 'cancelled' | 'timed_out' | 'neutral' | 'skipped' | 'action_required';
  runId?: number;
  url?: string;
}

/** A pull request Gantry opened was closed (merged or not): wakes the phase polling it (a hint only). */
export interface PullRequestClosedPayload {
  repository: string;
  pull: number;
  merged: boolean;
}

export const Events = {
  /** Wakes a service lane: something was queued. */
  wake: event<{ digest: string }>('wake'),
  /** Stop the run; roll back if traffic has reached the canary. */
  cancel: event<InterruptPayload>('cancel'),
  /** Roll back now. */
  abort: event<InterruptPayload>('abort'),
  /** Continue a canary paused because the inconclusive or provider-error limit was exhausted. */
  resume: event<InterruptPayload>('resume'),
  /** Audited hotfix path: stop analysing and promote. */
  skipAnalysis: event<InterruptPayload>('skipAnalysis'),
  approval: event<ApprovalRecord>('approval'),
  testResult: event<TestResultPayload>('testResult'),
  pullRequestClosed: event<PullRequestClosedPayload>('pullRequestClosed'),
} as const;

/** Sub-orchestration instance ids are derived from the pipeline's, so events can be routed to a phase. */
export const PHASES = [
  'gates',
  'staging',
  'tests',
  'approval',
  'canary',
  'promotion',
  'verification',
] as const;
export type Phase = (typeof PHASES)[number];

export const laneInstanceId = (service: string): string => `lane:${service}`;
export const pipelineInstanceId = (deploymentId: string): string => `deploy:${deploymentId}`;
export const phaseInstanceId = (deploymentId: string, phase: Phase): string =>
  `deploy:${deploymentId}:${phase}`;
