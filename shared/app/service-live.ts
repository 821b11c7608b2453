import type { PipelinePlan } from '../contracts/plan.js';
import type { Ports } from '../ports/index.js';

/**
 * What runs in an environment now, read back from Argo CD and the cluster (not from Gantry's records).
 * Each read has its own timeout and failure marker, so one unreachable system leaves the rest of the
 * service board intact.
 */

export const PROBE_TIMEOUT_MS = 5_000;

export type Probe<T> = ({ reachable: true } & T) | { reachable: false; error: string };

export interface ArgoLive {
  app: string;
  sync: string;
  health: string;
  phase: string;
  images: string[];
}

export interface ClusterLive {
  deployment: string;
  images: string[];
  ready: boolean;
  replicas: number;
  readyReplicas: number;
}

export interface LiveView {
  argo: Probe<ArgoLive>;
  /** Production only: the primary Deployment as the cluster has it. */
  cluster?: Probe<ClusterLive>;
  /** Production only: the canary's traffic share (0-100) as the router has it. */
  canaryWeight?: Probe<{ weight: number }>;
}

/** The error text is the adapter's, which never holds secrets; it is cut short for the view. */
function reason(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return `${typeof code === 'string' ? `${code}: ` : ''}${message}`.slice(0, 300);
}

export async function probe<T extends object>(
  read: () => Promise<T>,
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<Probe<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    timer.unref?.();
  });
  try {
    return { reachable: true, ...(await Promise.race([read(), timeout])) };
  } catch (error) {
    return { reachable: false, error: reason(error) };
  } finally {
    clearTimeout(timer);
  }
}

export async function readLive(
  ports: Ports,
  plan: PipelinePlan,
  environment: 'staging' | 'production',
): Promise<LiveView> {
  const app = environment === 'staging' ? plan.staging.argoApp : plan.production.argoApp;
  const argo = probe(async () => {
    const s = await ports.gitops.status(app);
    return { app, sync: s.sync, health: s.health, phase: s.phase, images: s.images ?? [] };
  });
  if (environment === 'staging') return { argo: await argo };
  const p = plan.production;
  const target = {
    subscriptionId: p.subscriptionId,
    resourceGroup: p.resourceGroup,
    cluster: p.cluster,
    namespace: p.namespace,
  };
  const [argoLive, cluster, canaryWeight] = await Promise.all([
    argo,
    probe(async () => {
      const r = await ports.cluster.rollout(target, p.deployment);
      return {
        deployment: p.deployment,
        images: r.images ?? [],
        ready: r.ready,
        replicas: r.replicas,
        readyReplicas: r.readyReplicas,
      };
    }),
    probe(async () => ({ weight: await ports.router.readWeight(target, p.router) })),
  ]);
  return { argo: argoLive, cluster, canaryWeight };
}

/** The digest an image string pins (`…@sha256:<hex>`), if any. */
export function digestOf(image: string): string | undefined {
  return /@(sha256:[0-9a-f]{64})$/.exec(image)?.[1];
}

export type LiveComparison =
  | { verdict: 'match'; digest: string }
  | { verdict: 'drift'; digest: string; message: string }
  /** Something runs, but Gantry has released nothing to the environment (e.g. staging, or before a first run). */
  | { verdict: 'unrecorded'; digest: string; message: string }
  | { verdict: 'unknown'; digest: null; message: string };

/**
 * Compares what runs with Gantry's newest release of the environment. The cluster's Deployment is the
 * stronger witness (it is what serves); Argo CD's summary is used when the cluster cannot be read.
 * Pure, so the rules are tested as a table.
 */
export function compareLive(
  live: LiveView,
  repository: string,
  recorded: string | undefined,
): LiveComparison {
  const pick = (images: string[]) =>
    images.map(digestOf).find((d, i) => d && (images[i] ?? '').includes(`/${repository}@`)) ??
    images.map(digestOf).find((d) => d !== undefined);
  const fromCluster = live.cluster?.reachable ? pick(live.cluster.images) : undefined;
  const fromArgo = live.argo.reachable ? pick(live.argo.images) : undefined;
  const digest = fromCluster ?? fromArgo;
  if (!digest)
    return {
      verdict: 'unknown',
      digest: null,
      message: 'Neither Argo CD nor the cluster reported an image digest.',
    };
  if (recorded === undefined)
    return { verdict: 'unrecorded', digest, message: `Gantry has recorded no release here; ${digest} runs.` };
  const sources = [
    fromArgo && fromArgo !== digest ? `Argo CD reports ${fromArgo}` : undefined,
    recorded !== digest ? `Gantry's last release is ${recorded}` : undefined,
  ].filter((s): s is string => s !== undefined);
  if (sources.length === 0) return { verdict: 'match', digest };
  const where = fromCluster ? 'The cluster runs' : 'Argo CD reports';
  return { verdict: 'drift', digest, message: `${where} ${digest}; ${sources.join('; ')}.` };
}
