import { createHash, randomUUID } from 'node:crypto';
import { asArray, asRecord, type Json, type StatusCause } from './kube-api.js';
import { containerCauses, podObject } from './kube-workloads.js';
import type { KubeObject, SandboxWorld } from './world.js';

/**
 * `batch/v1` Jobs: one pod that runs for {@link JOB_RUN_MS} of world time and then finishes. Scan tools
 * are recognised by image or first argument, and the image they look at is the last argument:
 * `trivy image --format json [--severity S] [--exit-code N] <ref>` prints a Trivy JSON report (critical
 * findings when the image's fault profile says `vulnerable`); `cosign verify --key <k> <ref>` prints
 * cosign's verification output. Any other Job succeeds silently.
 */

export const JOB_RUN_MS = 5_000;

interface Outcome {
  phase: 'running' | 'succeeded' | 'failed';
  finishedAt?: number;
  exitCode?: number;
  reason?: string;
  message?: string;
}

const VULNERABILITIES = [
  {
    VulnerabilityID: 'CVE-2024-3094',
    PkgName: 'xz-utils',
    InstalledVersion: '5.6.0-0.2',
    FixedVersion: '5.6.1+really5.4.5-1',
    Severity: 'CRITICAL',
    Title: 'xz: malicious code in distributed source',
  },
  {
    VulnerabilityID: 'CVE-2023-44487',
    PkgName: 'nghttp2',
    InstalledVersion: '1.52.0-1',
    FixedVersion: '1.52.0-1+deb12u1',
    Severity: 'HIGH',
    Title: 'HTTP/2: Multiple HTTP/2 enabled web servers are vulnerable to a DDoS attack (Rapid Reset Attack)',
  },
];

const firstContainer = (job: KubeObject): Json =>
  asRecord(asArray(asRecord(asRecord(asRecord(job.spec).template).spec).containers)[0]);

function flag(argv: string[], name: string): string | undefined {
  const i = argv.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  return argv[i]!.includes('=') ? argv[i]!.slice(name.length + 1) : argv[i + 1];
}

function trivy(world: SandboxWorld, argv: string[], target: string): { exitCode: number; log: string } {
  const severities = flag(argv, '--severity')?.split(',');
  const found = world.faultFor(target).vulnerable
    ? VULNERABILITIES.filter((v) => !severities || severities.includes(v.Severity))
    : [];
  const report = {
    SchemaVersion: 2,
    CreatedAt: world.nowIso(),
    ArtifactName: target,
    ArtifactType: 'container_image',
    Metadata: { OS: { Family: 'debian', Name: '12.5' }, RepoDigests: [target] },
    Results: [
      {
        Target: `${target} (debian 12.5)`,
        Class: 'os-pkgs',
        Type: 'debian',
        ...(found.length > 0 && { Vulnerabilities: found }),
      },
    ],
  };
  const exitCode = found.length > 0 ? Number(flag(argv, '--exit-code') ?? 0) || 0 : 0;
  return { exitCode, log: `${JSON.stringify(report, null, 2)}\n` };
}

function cosign(target: string): { exitCode: number; log: string } {
  const [name = target, digest] = target.split('@');
  const manifest = digest ?? `sha256:${createHash('sha256').update(target).digest('hex')}`;
  const claims = [
    {
      critical: {
        identity: { 'docker-reference': name.replace(/:[\w][\w.-]*$/, '') },
        image: { 'docker-manifest-digest': manifest },
        type: 'cosign container image signature',
      },
      optional: null,
    },
  ];
  const checks = [
    '',
    `Verification for ${target} --`,
    'The following checks were performed on each of these signatures:',
    '  - The cosign claims were validated',
    '  - Existence of the claims in the transparency log was verified offline',
    '  - The signatures were verified against the specified public key',
  ];
  return { exitCode: 0, log: `${checks.join('\n')}\n${JSON.stringify(claims)}\n` };
}

/** What the Job's container does with its arguments. */
function runTool(world: SandboxWorld, job: KubeObject): { exitCode: number; log: string } {
  const c = firstContainer(job);
  const argv = [...asArray(c.command), ...asArray(c.args)].map(String);
  const image = String(c.image);
  const target = argv.at(-1) ?? '';
  if (image.includes('trivy') || argv[0] === 'trivy') return trivy(world, argv, target);
  if (image.includes('cosign') || argv[0] === 'cosign') return cosign(target);
  return { exitCode: 0, log: '' };
}

const RESULTS = 'kubernetes.jobResults';

function results(world: SandboxWorld): Map<string, { exitCode: number; log: string }> {
  let map = world.extensions.get(RESULTS) as Map<string, { exitCode: number; log: string }> | undefined;
  if (!map) world.extensions.set(RESULTS, (map = new Map()));
  return map;
}

/** The tool's result is decided when the Job is created, so a fault injected later does not rewrite it. */
export function recordJobResult(world: SandboxWorld, job: KubeObject, previous?: KubeObject): void {
  if (!previous) results(world).set(job.metadata.uid, runTool(world, job));
  world.markDirty();
}

const resultOf = (world: SandboxWorld, job: KubeObject) =>
  results(world).get(job.metadata.uid) ?? runTool(world, job);

function outcome(world: SandboxWorld, job: KubeObject): Outcome {
  const started = Date.parse(job.metadata.creationTimestamp);
  const elapsed = world.now() - started;
  const deadline = asRecord(job.spec).activeDeadlineSeconds;
  if (typeof deadline === 'number' && deadline * 1000 < JOB_RUN_MS) {
    if (elapsed < deadline * 1000) return { phase: 'running' };
    const message = 'Job was active longer than specified deadline';
    return { phase: 'failed', finishedAt: started + deadline * 1000, reason: 'DeadlineExceeded', message };
  }
  if (elapsed < JOB_RUN_MS) return { phase: 'running' };
  const { exitCode } = resultOf(world, job);
  const finishedAt = started + JOB_RUN_MS;
  if (exitCode === 0) return { phase: 'succeeded', finishedAt, exitCode };
  const message = 'Job has reached the specified backoff limit';
  return { phase: 'failed', finishedAt, exitCode, reason: 'BackoffLimitExceeded', message };
}

const condition = (type: string, at: string, reason?: string, message?: string): Json => ({
  type,
  status: 'True',
  lastProbeTime: at,
  lastTransitionTime: at,
  ...(reason && { reason }),
  ...(message && { message }),
});

function jobStatus(job: KubeObject, o: Outcome): Json {
  const base = { startTime: job.metadata.creationTimestamp, terminating: 0, uncountedTerminatedPods: {} };
  if (o.phase === 'running') return { ...base, active: 1, ready: 1 };
  const at = new Date(o.finishedAt ?? 0).toISOString();
  if (o.phase === 'succeeded')
    return {
      ...base,
      ready: 0,
      succeeded: 1,
      completionTime: at,
      conditions: [
        condition('SuccessCriteriaMet', at, 'CompletionsReached'),
        condition('Complete', at, 'CompletionsReached'),
      ],
    };
  return {
    ...base,
    ready: 0,
    failed: 1,
    conditions: [
      condition('FailureTarget', at, o.reason, o.message),
      condition('Failed', at, o.reason, o.message),
    ],
  };
}

/** The Job as the API returns it now, or undefined once `ttlSecondsAfterFinished` has removed it. */
export function jobView(world: SandboxWorld, job: KubeObject): KubeObject | undefined {
  const o = outcome(world, job);
  const ttl = asRecord(job.spec).ttlSecondsAfterFinished;
  if (o.finishedAt !== undefined && typeof ttl === 'number' && world.now() >= o.finishedAt + ttl * 1000) {
    results(world).delete(job.metadata.uid);
    return undefined;
  }
  return { ...job, status: jobStatus(job, o) };
}

/** API-server defaulting on create: controller-uid selector and labels, completions, backoff. */
export function prepareJob(job: KubeObject): void {
  const uid = (job.metadata.uid ||= randomUUID());
  const name = job.metadata.name;
  const labels = {
    'batch.kubernetes.io/controller-uid': uid,
    'batch.kubernetes.io/job-name': name,
    'controller-uid': uid,
    'job-name': name,
  };
  const spec = asRecord(job.spec);
  const template = asRecord(spec.template);
  const metadata = asRecord(template.metadata);
  job.metadata.labels = { ...labels, ...job.metadata.labels };
  job.spec = {
    parallelism: 1,
    completions: 1,
    backoffLimit: 6,
    completionMode: 'NonIndexed',
    suspend: false,
    ...spec,
    selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } },
    template: { ...template, metadata: { ...metadata, labels: { ...asRecord(metadata.labels), ...labels } } },
  };
}

export function validateJob(job: KubeObject): StatusCause[] {
  const podSpec = asRecord(asRecord(asRecord(job.spec).template).spec);
  const causes = containerCauses(podSpec, 'spec.template.spec.containers');
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(job.metadata.name))
    causes.push({
      reason: 'FieldValueInvalid',
      message: 'must be no more than 63 characters',
      field: 'metadata.name',
    });
  if (podSpec.restartPolicy !== 'Never' && podSpec.restartPolicy !== 'OnFailure')
    causes.push({
      reason: 'FieldValueRequired',
      message: 'Required value: valid values: "OnFailure", "Never"',
      field: 'spec.template.spec.restartPolicy',
    });
  return causes;
}

export function jobPods(world: SandboxWorld, job: KubeObject): KubeObject[] {
  const o = outcome(world, job);
  const template = asRecord(asRecord(job.spec).template);
  return [
    podObject(world, job, 0, template, (containers) => {
      const since = job.metadata.creationTimestamp;
      const finishedAt = new Date(o.finishedAt ?? 0).toISOString();
      const exitCode = o.reason === 'DeadlineExceeded' ? 137 : (o.exitCode ?? 0);
      const state =
        o.phase === 'running'
          ? { running: { startedAt: since } }
          : {
              terminated: {
                exitCode,
                reason: exitCode === 0 ? 'Completed' : 'Error',
                startedAt: since,
                finishedAt,
              },
            };
      const phase = o.phase === 'running' ? 'Running' : o.phase === 'succeeded' ? 'Succeeded' : 'Failed';
      return {
        phase,
        ...(o.reason === 'DeadlineExceeded' && { reason: 'DeadlineExceeded' }),
        startTime: since,
        containerStatuses: containers.map((c) => ({
          name: c.name,
          image: c.image,
          ready: o.phase === 'running',
          restartCount: 0,
          state,
        })),
      };
    }),
  ];
}

/** The pod's output: nothing while the tool runs (Trivy prints its report at the end). */
export function jobLog(world: SandboxWorld, job: KubeObject): string {
  const o = outcome(world, job);
  return o.phase === 'running' || o.reason === 'DeadlineExceeded' ? '' : resultOf(world, job).log;
}
