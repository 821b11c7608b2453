import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  COSIGN_IMAGE,
  JobScanRunner,
  ScanJobError,
  TRIVY_IMAGE,
  verifiedSignatures,
} from '../../../shared/adapters/scan-runner.js';
import type { GateSpec, ImageRef } from '../../../shared/contracts/plan.js';
import type { ClusterTarget } from '../../../shared/ports/cluster.js';
import type { JobRunner, JobSpec, JobStatus } from '../../../shared/ports/jobs.js';
import type { GateProgress } from '../../../shared/ports/runners.js';

const fixture = (name: string) => readFileSync(join(__dirname, '../../fixtures/trivy', name), 'utf8');
const DIGEST = `sha256:${'5ba0'.repeat(16)}`;
const IMAGE: ImageRef = {
  registry: 'hearloveen.azurecr.io',
  repository: 'api-gateway',
  tag: '1.4.2',
  digest: DIGEST,
};
const REF = `hearloveen.azurecr.io/api-gateway@${DIGEST}`;
const TARGET: ClusterTarget = {
  subscriptionId: 'sub',
  resourceGroup: 'rg',
  cluster: 'aks-staging',
  namespace: 'hearloveen-staging',
};
const NOW = Date.parse('2026-11-20T12:00:00Z');

/** A JobRunner that plays a script of statuses and then hands out the given logs. */
class ScriptedJobs implements JobRunner {
  readonly specs: JobSpec[] = [];
  readonly targets: ClusterTarget[] = [];
  readonly polled: string[] = [];
  constructor(
    private readonly statuses: JobStatus[],
    private readonly output: string | Error = '',
  ) {}
  async run(target: ClusterTarget, spec: JobSpec) {
    this.specs.push(spec);
    this.targets.push(target);
    return { jobName: `${spec.name}-0a1b2c3d` };
  }
  async status(_target: ClusterTarget, jobName: string) {
    this.polled.push(jobName);
    return this.statuses.length > 1 ? (this.statuses.shift() as JobStatus) : (this.statuses[0] as JobStatus);
  }
  async logs() {
    if (this.output instanceof Error) throw this.output;
    return this.output;
  }
}

function setup(jobs: JobRunner, extra: Partial<ConstructorParameters<typeof JobScanRunner>[0]> = {}) {
  const runner = new JobScanRunner({ jobs, target: TARGET, clock: { now: () => NOW }, ...extra });
  return { runner };
}

/** start, then check until done, the way the orchestration does (minus the durable sleeps). */
async function drive(runner: JobScanRunner, gate: GateSpec, image = IMAGE) {
  const seen: GateProgress[] = [];
  let progress = await runner.start(gate, image);
  seen.push(progress);
  while (!progress.done && seen.length < 50) {
    progress = await runner.check(gate, image, progress.handle);
    seen.push(progress);
  }
  if (!progress.done) throw new Error('still pending after 50 checks');
  return { result: progress.result, seen };
}

const vuln = (
  failOn: 'critical' | 'high',
  allow: Array<{ id: string; expires: string; reason?: string }> = [],
): GateSpec => ({
  kind: 'vulnerability',
  name: 'vulnerability',
  failOn,
  allow,
});
const done: JobStatus = { phase: 'succeeded' };
const running: JobStatus = { phase: 'running' };

describe('vulnerability gate', () => {
  it('starts pinned Trivy on the digest and returns pending with the Job, without waiting', async () => {
    const jobs = new ScriptedJobs([running]);
    const { runner } = setup(jobs, { pollIntervalMs: 2000, scanTimeoutSeconds: 600 });
    const progress = await runner.start(vuln('high'), IMAGE);
    expect(progress).toEqual({
      done: false,
      handle: { jobName: 'gantry-trivy-5ba05ba05ba0-0a1b2c3d' },
      pollAfterMs: 2000,
      timeoutMs: 660_000, // the Job's deadline plus a minute
      detail: 'job gantry-trivy-5ba05ba05ba0-0a1b2c3d running',
    });
    expect(jobs.polled).toEqual([]);
    const spec = jobs.specs[0];
    expect(spec?.image).toBe('aquasec/trivy:0.72.0');
    expect(spec?.args.slice(0, 2)).toEqual(['image', '--format=json']);
    expect(spec?.args).toContain('--timeout=540s');
    expect(spec?.args.at(-1)).toBe(REF);
    expect(spec?.timeoutSeconds).toBe(600);
    expect(jobs.targets[0]).toBe(TARGET);
  });

  it('asks for the same Job on every start of one gate on one image (a retried start creates no second Job)', async () => {
    const jobs = new ScriptedJobs([running]);
    const { runner } = setup(jobs);
    await runner.start(vuln('high'), IMAGE);
    await runner.start(vuln('high'), IMAGE);
    expect(jobs.specs[0]?.name).toBe('gantry-trivy-5ba05ba05ba0');
    expect(jobs.specs[1]).toEqual(jobs.specs[0]);
    const other = { ...IMAGE, digest: `sha256:${'77aa'.repeat(16)}` };
    await runner.start(vuln('high'), other);
    expect(jobs.specs[2]?.name).toBe('gantry-trivy-77aa77aa77aa');
  });

  it('checks the Job once per call and judges its report when it ends: fails on blocking findings', async () => {
    const jobs = new ScriptedJobs([running, running, done], fixture('api-gateway.json'));
    const { runner } = setup(jobs);
    const { result, seen } = await drive(runner, vuln('high'));
    expect(seen.map((s) => s.done)).toEqual([false, false, false, true]);
    expect(jobs.polled).toEqual(Array(3).fill('gantry-trivy-5ba05ba05ba0-0a1b2c3d'));
    expect(jobs.specs).toHaveLength(1);
    expect(result).toMatchObject({
      gate: 'vulnerability',
      verdict: 'fail',
      summary: '5 finding(s) at high or above (of 11)',
    });
    expect(result.evidence).toMatchObject({
      image: REF,
      job: 'gantry-trivy-5ba05ba05ba0-0a1b2c3d',
      scanner: TRIVY_IMAGE,
      counts: { CRITICAL: 2, HIGH: 3, MEDIUM: 2, LOW: 3, UNKNOWN: 1 },
      blocking: 5,
    });
  });

  it('uses unexpired allow-list entries and reports expired ones', async () => {
    const allow = [
      { id: 'CVE-2024-45337', expires: '2027-03-31', reason: 'ssh server not used' },
      { id: 'CVE-2023-45853', expires: '2026-11-20', reason: 'minizip not linked' },
      { id: 'CVE-2019-0001', expires: '2026-01-01' },
    ];
    const { runner } = setup(new ScriptedJobs([done], fixture('api-gateway.json')));
    const { result } = await drive(runner, vuln('critical', allow));
    expect(result.verdict).toBe('warn');
    expect(result.evidence.allowed).toHaveLength(2);
    expect(result.evidence.expired).toEqual([{ id: 'CVE-2019-0001', expires: '2026-01-01', findings: 0 }]);
  });

  it('passes a clean image, reading the report out of mixed logs, with extra arguments passed through', async () => {
    const logs = `2026-11-20T10:09:31Z\tINFO\tNeed to update DB\n${fixture('clean.json')}`;
    const jobs = new ScriptedJobs([done], logs);
    const { runner } = setup(jobs, {
      trivyArgs: ['--db-repository=hearloveen.azurecr.io/trivy-db'],
      trivyImage: 'acr.io/trivy@sha256:1',
    });
    expect((await drive(runner, vuln('high'))).result.verdict).toBe('pass');
    expect(jobs.specs[0]?.args).toContain('--db-repository=hearloveen.azurecr.io/trivy-db');
    expect(jobs.specs[0]?.image).toBe('acr.io/trivy@sha256:1');
  });

  it('throws (retry) when the Job fails to run instead of judging without a report', async () => {
    const jobs = new ScriptedJobs(
      [{ phase: 'failed', message: 'ImagePullBackOff: aquasec/trivy:0.72.0' }],
      new Error('pod has no logs'),
    );
    const { runner } = setup(jobs);
    await expect(drive(runner, vuln('high'))).rejects.toThrow(
      /Trivy job gantry-trivy-\S+ failed: ImagePullBackOff/,
    );
  });

  it('throws when the report is unreadable', async () => {
    const { runner } = setup(new ScriptedJobs([done], 'FATAL\tscan error: context deadline exceeded'));
    await expect(drive(runner, vuln('high'))).rejects.toMatchObject({ code: 'scan-report-invalid' });
  });

  it('throws when asked to check a Job gate without a Job', async () => {
    const { runner } = setup(new ScriptedJobs([done]));
    await expect(runner.check(vuln('high'), IMAGE, {})).rejects.toThrow(ScanJobError);
  });

  it('refuses an image reference outside the OCI grammar before starting a Job', async () => {
    const jobs = new ScriptedJobs([done]);
    const { runner } = setup(jobs);
    await expect(
      runner.start(vuln('high'), { ...IMAGE, repository: '--output=/tmp/x' }),
    ).rejects.toMatchObject({ code: 'image-ref-invalid' });
    expect(jobs.specs).toEqual([]);
  });
});

const cosignOk = (digest: string) =>
  [
    '',
    `Verification for ${REF} --`,
    'The following checks were performed on each of these signatures:',
    '  - The cosign claims were validated',
    '  - Existence of the claims in the transparency log was verified offline',
    '  - The signatures were verified against the specified public key',
    '',
    JSON.stringify([
      {
        critical: {
          identity: { 'docker-reference': 'hearloveen.azurecr.io/api-gateway' },
          image: { 'docker-manifest-digest': digest },
          type: 'cosign container image signature',
        },
        optional: {
          Bundle: {
            SignedEntryTimestamp: 'MEUCIQ...',
            Payload: { integratedTime: 1795651200, logIndex: 151234567 },
          },
        },
      },
    ]),
  ].join('\n');
const signature: GateSpec = {
  kind: 'signature',
  name: 'signature',
  key: 'azurekms://hearloveen-kv.vault.azure.net/cosign',
};

describe('signature gate', () => {
  it('passes when cosign verifies a signature for this digest', async () => {
    const jobs = new ScriptedJobs([done], cosignOk(DIGEST));
    const { runner } = setup(jobs);
    const { result } = await drive(runner, signature);
    expect(result).toMatchObject({
      verdict: 'pass',
      evidence: { signatures: 1, key: signature.key, image: REF },
    });
    expect(jobs.specs[0]).toMatchObject({
      image: COSIGN_IMAGE,
      args: ['verify', `--key=${signature.key}`, '--output=json', REF],
      timeoutSeconds: 300,
    });
  });

  it.each([
    [
      'a key mismatch',
      'Error: no matching signatures: crypto/ecdsa: verification error\nmain.go:74: error during command execution: no matching signatures: crypto/ecdsa: verification error',
    ],
    [
      'an unsigned image',
      'Error: no signatures found\nmain.go:74: error during command execution: no signatures found',
    ],
  ])('fails (a verdict, not an error) on %s', async (_case, logs) => {
    const { runner } = setup(new ScriptedJobs([{ phase: 'failed', message: 'BackoffLimitExceeded' }], logs));
    const { result } = await drive(runner, signature);
    expect(result.verdict).toBe('fail');
    expect(result.summary).toMatch(/^signature not verified: main.go:74: error during command execution: no/);
  });

  it('throws on failures that say nothing about the signature (registry, key access)', async () => {
    const logs =
      'Error: GET https://hearloveen.azurecr.io/oauth2/token: UNAUTHORIZED: authentication required';
    const { runner } = setup(new ScriptedJobs([{ phase: 'failed', message: 'BackoffLimitExceeded' }], logs));
    await expect(drive(runner, signature)).rejects.toThrow(
      /cosign job .* failed: BackoffLimitExceeded; Error: GET/,
    );
  });

  it('throws when cosign exits 0 without a signature for this digest', async () => {
    const { runner } = setup(new ScriptedJobs([done], cosignOk(`sha256:${'0'.repeat(64)}`)));
    await expect(drive(runner, signature)).rejects.toThrow(/printed no signature/);
  });

  it('refuses a key reference that could be read as a flag', async () => {
    const jobs = new ScriptedJobs([done]);
    const { runner } = setup(jobs);
    await expect(runner.start({ ...signature, key: '--insecure-ignore-tlog' }, IMAGE)).rejects.toThrow(
      /key reference/,
    );
    expect(jobs.specs).toEqual([]);
  });

  it('verifiedSignatures ignores output that is not a payload array', () => {
    expect(verifiedSignatures('[not json\nError: x', DIGEST)).toBe(0);
    expect(
      verifiedSignatures(`[{"critical":{"image":{"docker-manifest-digest":"${DIGEST}"}}},{}]`, DIGEST),
    ).toBe(1);
  });
});
