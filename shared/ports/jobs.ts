import type { ClusterTarget } from './cluster.js';

/** A one-shot container run in a cluster (scan and signature-verification gates). */
export interface JobSpec {
  /** Readable prefix of the Job name (sanitised to DNS-1123); include the deployment id for uniqueness. */
  name: string;
  image: string;
  args: string[];
  env?: Record<string, string>;
  /** Hard limit on the run (`activeDeadlineSeconds`). */
  timeoutSeconds: number;
}

export interface JobStatus {
  phase: 'running' | 'succeeded' | 'failed';
  message?: string;
}

/**
 * Runs Jobs. `run` is idempotent: the same spec gives the same Job name, so an activity that runs twice
 * finds the Job it already created instead of starting a second one.
 */
export interface JobRunner {
  run(target: ClusterTarget, spec: JobSpec): Promise<{ jobName: string }>;
  status(target: ClusterTarget, jobName: string): Promise<JobStatus>;
  /** The output of the Job's (newest) pod. */
  logs(target: ClusterTarget, jobName: string): Promise<string>;
}
