import { createHash } from 'node:crypto';
import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { isDnsLabel } from '../domain/names.js';
import type { ClusterTarget } from '../ports/cluster.js';
import type { JobRunner, JobSpec, JobStatus } from '../ports/jobs.js';
import { checkName, KubeClients, KubeError } from './kube-client.js';
import type { KubernetesOptions } from './kubernetes.js';

export interface KubernetesJobsOptions extends KubernetesOptions {
  /** Finished Jobs (and their pods and logs) are deleted by the cluster after this. Default 1 h. */
  ttlSecondsAfterFinished?: number;
  /** Cap on the log read back (a Trivy report of a large image is a few MB). Default 16 MiB. */
  logLimitBytes?: number;
  /**
   * Service account of the Job's pod. Only then is its API token mounted: needed by `cosign verify
   * --key=k8s://…` (read a Secret) or Azure workload identity; without it the pod gets no token.
   */
  serviceAccountName?: string;
  /** Extra pod labels, e.g. `azure.workload.identity/use: "true"` for workload identity. */
  podLabels?: Record<string, string>;
}

/** The container name in every Job, so logs are read from a known container. */
export const JOB_CONTAINER = 'runner';
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\s\u0000-\u001f\u007f]/;

/**
 * `<sanitised name>-<8 hex of the spec's hash>`: deterministic, so a retried `run` names the same Job,
 * and at most 63 characters because the name is also a label value on the Job's pods.
 */
export function jobNameFor(spec: JobSpec): string {
  const base = spec.name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 54)
    .replace(/-+$/, '');
  if (!base) throw new KubeError('invalid', 'job name must contain letters or digits');
  const { name, image, args, env, timeoutSeconds } = spec;
  const digest = createHash('sha256')
    .update(JSON.stringify({ name, image, args, env: env ?? {}, timeoutSeconds }))
    .digest('hex');
  return `${base}-${digest.slice(0, 8)}`;
}

function checkSpec(spec: JobSpec): void {
  if (!spec.image || spec.image.length > 512 || UNPRINTABLE.test(spec.image))
    throw new KubeError('invalid', 'job image must be a non-empty image reference without spaces');
  if (!Array.isArray(spec.args) || spec.args.some((a) => typeof a !== 'string'))
    throw new KubeError('invalid', 'job args must be strings');
  for (const name of Object.keys(spec.env ?? {}))
    if (!ENV_NAME.test(name)) throw new KubeError('invalid', `invalid environment variable name "${name}"`);
  if (!Number.isInteger(spec.timeoutSeconds) || spec.timeoutSeconds <= 0)
    throw new KubeError('invalid', 'job timeoutSeconds must be a positive whole number');
}

/** Scan and verification Jobs (`batch/v1`): one pod, no retries, deleted after a while. */
export class KubernetesJobs implements JobRunner {
  private readonly kube: KubeClients;

  constructor(private readonly options: KubernetesJobsOptions) {
    if (options.serviceAccountName !== undefined) checkName('service account', options.serviceAccountName);
    this.kube = new KubeClients(options.kubeconfigs, options.timeoutMs);
  }

  async run(target: ClusterTarget, spec: JobSpec): Promise<{ jobName: string }> {
    checkSpec(spec);
    const jobName = jobNameFor(spec);
    const namespace = target.namespace;
    const body = this.manifest(jobName, spec);
    try {
      await this.kube.call(target, `create job ${namespace}/${jobName}`, (api) =>
        api.batch.createNamespacedJob({ namespace, body }, api.options()),
      );
    } catch (error) {
      // AlreadyExists: this is a retry of a run that got as far as creating the Job.
      if (!(error instanceof KubeError && error.code === 'conflict')) throw error;
    }
    return { jobName };
  }

  async status(target: ClusterTarget, jobName: string): Promise<JobStatus> {
    checkName('job', jobName);
    const namespace = target.namespace;
    const job = await this.kube.call(target, `read job ${namespace}/${jobName}`, (api) =>
      api.batch.readNamespacedJob({ name: jobName, namespace }, api.options()),
    );
    return jobStatus(job);
  }

  async logs(target: ClusterTarget, jobName: string): Promise<string> {
    checkName('job', jobName);
    const namespace = target.namespace;
    return this.kube.call(target, `logs of job ${namespace}/${jobName}`, async (api) => {
      const pods = await api.core.listNamespacedPod(
        { namespace, labelSelector: `job-name=${jobName}` },
        api.options(),
      );
      const pod = newest(pods.items);
      if (!pod?.metadata?.name) throw new KubeError('not-found', `job ${namespace}/${jobName} has no pod`);
      return api.core.readNamespacedPodLog(
        {
          name: pod.metadata.name,
          namespace,
          container: JOB_CONTAINER,
          limitBytes: this.options.logLimitBytes ?? 16 * 1024 * 1024,
        },
        api.options(),
      );
    });
  }

  private manifest(jobName: string, spec: JobSpec): V1Job {
    if (!isDnsLabel(jobName)) throw new KubeError('invalid', `job name "${jobName}" is not a DNS-1123 label`);
    const labels = { 'app.kubernetes.io/managed-by': 'gantry' };
    const { serviceAccountName } = this.options;
    return {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: jobName, labels },
      spec: {
        backoffLimit: 0,
        activeDeadlineSeconds: spec.timeoutSeconds,
        ttlSecondsAfterFinished: this.options.ttlSecondsAfterFinished ?? 3600,
        template: {
          metadata: { labels: { ...this.options.podLabels, ...labels } },
          spec: {
            restartPolicy: 'Never',
            // Scanners read registries, not the cluster: no API token unless an identity was chosen.
            ...(serviceAccountName !== undefined && { serviceAccountName }),
            automountServiceAccountToken: serviceAccountName !== undefined,
            containers: [
              {
                name: JOB_CONTAINER,
                image: spec.image,
                args: spec.args,
                env: Object.entries(spec.env ?? {}).map(([name, value]) => ({ name, value })),
              },
            ],
          },
        },
      },
    };
  }
}

/** Complete/Failed conditions decide; counts are the fallback for controllers that lag on conditions. */
export function jobStatus(job: V1Job): JobStatus {
  const conditions = job.status?.conditions ?? [];
  const failed = conditions.find((c) => c.type === 'Failed' && c.status === 'True');
  if (failed) {
    const message = [failed.reason, failed.message].filter(Boolean).join(': ');
    return { phase: 'failed', ...(message && { message }) };
  }
  if (conditions.some((c) => c.type === 'Complete' && c.status === 'True')) return { phase: 'succeeded' };
  if ((job.status?.failed ?? 0) > 0) return { phase: 'failed', message: 'pod failed' };
  return { phase: 'running' };
}

function newest(pods: V1Pod[]): V1Pod | undefined {
  const time = (p: V1Pod) => new Date(p.metadata?.creationTimestamp ?? 0).getTime();
  return [...pods].sort((a, b) => time(b) - time(a))[0];
}
