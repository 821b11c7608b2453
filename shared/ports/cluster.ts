import type { ImageRef, RouterSpec } from '../contracts/plan.js';

export interface ClusterTarget {
  subscriptionId: string;
  resourceGroup: string;
  cluster: string;
  namespace: string;
}

export interface RolloutState {
  ready: boolean;
  /** kubectl's rollout verdict: progressing, complete, or failed (ProgressDeadlineExceeded). */
  phase: 'progressing' | 'complete' | 'failed';
  replicas: number;
  readyReplicas: number;
  crashLooping: string[];
  message?: string;
  /** Images of the Deployment's pod template (what the cluster runs or is rolling out), when read. */
  images?: string[];
}

/** Workloads in an AKS cluster. Every call sets absolute state, so retries are safe. */
export interface Cluster {
  setImage(target: ClusterTarget, deployment: string, image: ImageRef): Promise<void>;
  scale(target: ClusterTarget, deployment: string, replicas: number): Promise<void>;
  rollout(target: ClusterTarget, deployment: string): Promise<RolloutState>;
}

/** Splits traffic between the primary and the canary. */
export interface TrafficRouter {
  /** Sets the canary's share (0-100) and returns the weight read back from the cluster. */
  setWeight(target: ClusterTarget, router: RouterSpec, weight: number): Promise<number>;
  /** The canary's share (0-100) as the cluster routes it now, whatever Gantry last set. */
  readWeight(target: ClusterTarget, router: RouterSpec): Promise<number>;
}
