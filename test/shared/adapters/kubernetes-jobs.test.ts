import { describe, expect, it } from 'vitest';
import { jobNameFor, jobStatus, KubernetesJobs } from '../../../shared/adapters/kubernetes-jobs.js';
import type { JobSpec } from '../../../shared/ports/jobs.js';
import { imageRef, imageString, kubeError, TARGET, useKubeSandbox } from './kube-harness.js';

const h = useKubeSandbox();
const jobs = (ttl?: number) =>
  new KubernetesJobs({
    kubeconfigs: h.kubeconfigs,
    ...(ttl !== undefined && { ttlSecondsAfterFinished: ttl }),
  });
const scanned = imageString(imageRef('a'));
const trivy = (extra: string[] = []): JobSpec => ({
  name: 'gantry-trivy-web',
  image: 'aquasec/trivy:0.72.0',
  args: ['image', '--format=json', '--quiet', ...extra, scanned],
  env: { TRIVY_NO_PROGRESS: 'true' },
  timeoutSeconds: 600,
});

describe('KubernetesJobs through client-node against the sandbox API', () => {
  it('creates a one-shot Job, sees it finish and reads the Trivy report from its pod', async () => {
    h.world.faults.set(imageRef('a').digest, { vulnerable: true });
    const { jobName } = await jobs().run(TARGET, trivy());
    expect(jobName).toMatch(/^gantry-trivy-web-[0-9a-f]{8}$/);
    const stored = h.world.get('Job', 'prod', jobName);
    expect(stored?.spec).toMatchObject({
      backoffLimit: 0,
      activeDeadlineSeconds: 600,
      ttlSecondsAfterFinished: 3600,
    });
    expect(stored?.spec?.template).toMatchObject({
      spec: {
        restartPolicy: 'Never',
        automountServiceAccountToken: false,
        containers: [{ name: 'runner', env: [{ name: 'TRIVY_NO_PROGRESS', value: 'true' }] }],
      },
    });

    expect(await jobs().status(TARGET, jobName)).toEqual({ phase: 'running' });
    h.clock.advance(5_000);
    expect(await jobs().status(TARGET, jobName)).toEqual({ phase: 'succeeded' });
    const report = JSON.parse(await jobs().logs(TARGET, jobName)) as {
      Results: Array<{
        Target: string;
        Vulnerabilities?: Array<{ VulnerabilityID: string; Severity: string }>;
      }>;
    };
    expect(report.Results[0]?.Target).toContain(scanned);
    expect(report.Results[0]?.Vulnerabilities?.map((v) => v.Severity)).toEqual(['CRITICAL', 'HIGH']);
    const logRead = h.sandbox.requests.at(-1)?.path ?? '';
    expect(logRead).toMatch(new RegExp(`^/api/v1/namespaces/prod/pods/${jobName}-[b-z2-9]{5}/log\\?`));
    expect(logRead).toContain('container=runner');
  });

  it('mounts an API token only for a chosen service account, with extra pod labels', async () => {
    const withIdentity = new KubernetesJobs({
      kubeconfigs: h.kubeconfigs,
      serviceAccountName: 'gantry-scanner',
      podLabels: { 'azure.workload.identity/use': 'true' },
    });
    const { jobName } = await withIdentity.run(TARGET, trivy());
    expect(h.world.get('Job', 'prod', jobName)?.spec?.template).toMatchObject({
      metadata: {
        labels: { 'azure.workload.identity/use': 'true', 'app.kubernetes.io/managed-by': 'gantry' },
      },
      spec: { serviceAccountName: 'gantry-scanner', automountServiceAccountToken: true },
    });
    expect(() => new KubernetesJobs({ kubeconfigs: h.kubeconfigs, serviceAccountName: 'Bad SA' })).toThrow(
      /not a DNS-1123 subdomain/,
    );
  });

  it('is idempotent: running the same spec again returns the existing Job', async () => {
    const first = await jobs().run(TARGET, trivy());
    const second = await jobs().run(TARGET, trivy());
    expect(second).toEqual(first);
    expect(h.world.list('Job', 'prod')).toHaveLength(1);
    expect(h.sandbox.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
  });

  it('reports a clean image without findings, and a failing exit code as a failed Job', async () => {
    const clean = await jobs().run(TARGET, trivy());
    h.world.faults.set(imageRef('a').digest, { vulnerable: true });
    const strict = await jobs().run(TARGET, trivy(['--severity', 'CRITICAL', '--exit-code', '1']));
    h.clock.advance(5_000);
    const report = JSON.parse(await jobs().logs(TARGET, clean.jobName)) as {
      Results: Array<Record<string, unknown>>;
    };
    expect(report.Results[0]).not.toHaveProperty('Vulnerabilities');
    expect(await jobs().status(TARGET, strict.jobName)).toEqual({
      phase: 'failed',
      message: 'BackoffLimitExceeded: Job has reached the specified backoff limit',
    });
    expect(await jobs().logs(TARGET, strict.jobName)).toContain('CVE-2024-3094');
  });

  it('prints cosign verification output naming the verified digest', async () => {
    const { jobName } = await jobs().run(TARGET, {
      name: 'gantry-cosign-web',
      image: 'ghcr.io/sigstore/cosign/cosign:v2.6.0',
      args: ['verify', '--key=k8s://gantry/cosign', '--output=json', scanned],
      timeoutSeconds: 300,
    });
    h.clock.advance(5_000);
    const log = await jobs().logs(TARGET, jobName);
    expect(log).toContain(`Verification for ${scanned} --`);
    expect(log).toContain(`"docker-manifest-digest":"${imageRef('a').digest}"`);
  });

  it('fails a Job that outlives its deadline, and the Job is gone after its TTL', async () => {
    const { jobName } = await jobs(60).run(TARGET, { ...trivy(), timeoutSeconds: 2 });
    h.clock.advance(2_000);
    expect(await jobs().status(TARGET, jobName)).toEqual({
      phase: 'failed',
      message: 'DeadlineExceeded: Job was active longer than specified deadline',
    });
    h.clock.advance(60_000);
    expect((await kubeError(jobs().status(TARGET, jobName))).code).toBe('not-found');
    const noPod = await kubeError(jobs().logs(TARGET, jobName));
    expect(noPod).toMatchObject({ code: 'not-found' });
    expect(noPod.message).toContain('has no pod');
  });

  it('rejects specs and names that would not make a valid Job, before any request', async () => {
    const bad: Array<Partial<JobSpec>> = [
      { name: '***' },
      { image: 'has space' },
      { env: { 'A=B': 'x' } },
      { timeoutSeconds: 0 },
      { args: [1 as unknown as string] },
    ];
    for (const patch of bad)
      expect((await kubeError(jobs().run(TARGET, { ...trivy(), ...patch }))).code).toBe('invalid');
    expect((await kubeError(jobs().status(TARGET, 'Bad Name'))).code).toBe('invalid');
    expect((await kubeError(jobs().logs(TARGET, '../x'))).code).toBe('invalid');
    expect(h.sandbox.requests).toHaveLength(0);
  });
});

describe('job names and status', () => {
  it('derives a DNS-1123 label of at most 63 characters that depends on the whole spec', () => {
    const long = jobNameFor({ ...trivy(), name: `Gantry_Trivy_${'x'.repeat(80)}` });
    expect(long).toMatch(/^gantry-trivy-x+-[0-9a-f]{8}$/);
    expect(long.length).toBeLessThanOrEqual(63);
    expect(jobNameFor(trivy())).toBe(jobNameFor(trivy()));
    expect(jobNameFor(trivy())).not.toBe(jobNameFor({ ...trivy(), args: ['image', 'other'] }));
  });

  it('reads Complete/Failed conditions first and failed counts as a fallback', () => {
    expect(jobStatus({ status: { failed: 1 } })).toEqual({ phase: 'failed', message: 'pod failed' });
    expect(jobStatus({ status: { conditions: [{ type: 'Failed', status: 'True' }] } } as never)).toEqual({
      phase: 'failed',
    });
    expect(jobStatus({ status: { conditions: [{ type: 'Complete', status: 'False' }] } } as never)).toEqual({
      phase: 'running',
    });
  });
});
