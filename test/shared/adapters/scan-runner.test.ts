import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GitHubClient } from '../../../shared/adapters/github.js';
import {
  COSIGN_IMAGE,
  JobScanRunner,
  ScanJobError,
  TRIVY_IMAGE,
  verifiedSignatures,
} from '../../../shared/adapters/scan-runner.js';
import type { GateSpec, ImageRef } from '../../../shared/contracts/plan.js';
import type { CiVerdict } from '../../../shared/domain/scan-policy.js';
import type { ClusterTarget } from '../../../shared/ports/cluster.js';
import type { JobRunner, JobSpec, JobStatus } from '../../../shared/ports/jobs.js';

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
const SHA = 'acb5820ced9479c074f688cc328bf03f341a511d';

/** A JobRunner that plays a script of statuses and then hands out the given logs. */
class ScriptedJobs implements JobRunner {
  readonly specs: JobSpec[] = [];
  readonly targets: ClusterTarget[] = [];
  polls = 0;
  constructor(
    private readonly statuses: JobStatus[],
    private readonly output: string | Error = '',
  ) {}
  async run(target: ClusterTarget, spec: JobSpec) {
    this.specs.push(spec);
    this.targets.push(target);
    return { jobName: spec.name };
  }
  async status() {
    this.polls++;
    return this.statuses.length > 1 ? (this.statuses.shift() as JobStatus) : (this.statuses[0] as JobStatus);
  }
  async logs() {
    if (this.output instanceof Error) throw this.output;
    return this.output;
  }
}

/** Virtual time: sleeping advances the clock, nothing waits for real. */
function setup(jobs: JobRunner, extra: Partial<ConstructorParameters<typeof JobScanRunner>[0]> = {}) {
  let now = NOW;
  const sleeps: number[] = [];
  const runner = new JobScanRunner({
    jobs,
    target: TARGET,
    clock: { now: () => now },
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
    ...extra,
  });
  return { runner, sleeps };
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
  it('runs pinned Trivy on the digest, polls to completion and fails on blocking findings', async () => {
    const jobs = new ScriptedJobs([running, running, done], fixture('api-gateway.json'));
    const { runner, sleeps } = setup(jobs, { pollIntervalMs: 2000 });
    const result = await runner.run(vuln('high'), IMAGE);
    expect(result).toMatchObject({
      gate: 'vulnerability',
      verdict: 'fail',
      summary: '5 finding(s) at high or above (of 11)',
    });
    expect(result.evidence).toMatchObject({
      image: REF,
      scanner: TRIVY_IMAGE,
      counts: { CRITICAL: 2, HIGH: 3, MEDIUM: 2, LOW: 3, UNKNOWN: 1 },
      blocking: 5,
    });
    expect(sleeps).toEqual([2000, 2000]);
    const spec = jobs.specs[0];
    expect(spec?.image).toBe('aquasec/trivy:0.72.0');
    expect(spec?.name).toMatch(/^gantry-trivy-5ba05ba05ba0-[0-9a-f]{6}$/);
    expect(spec?.args.slice(0, 2)).toEqual(['image', '--format=json']);
    expect(spec?.args.at(-1)).toBe(REF);
    expect(spec?.timeoutSeconds).toBe(900);
    expect(jobs.targets[0]).toBe(TARGET);
  });

  it('uses unexpired allow-list entries and reports expired ones', async () => {
    const allow = [
      { id: 'CVE-2024-45337', expires: '2027-03-31', reason: 'ssh server not used' },
      { id: 'CVE-2023-45853', expires: '2026-11-20', reason: 'minizip not linked' },
      { id: 'CVE-2019-0001', expires: '2026-01-01' },
    ];
    const { runner } = setup(new ScriptedJobs([done], fixture('api-gateway.json')));
    const result = await runner.run(vuln('critical', allow), IMAGE);
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
    expect((await runner.run(vuln('high'), IMAGE)).verdict).toBe('pass');
    expect(jobs.specs[0]?.args).toContain('--db-repository=hearloveen.azurecr.io/trivy-db');
    expect(jobs.specs[0]?.image).toBe('acr.io/trivy@sha256:1');
  });

  it('throws (retry) when the Job fails to run instead of judging without a report', async () => {
    const jobs = new ScriptedJobs(
      [{ phase: 'failed', message: 'ImagePullBackOff: aquasec/trivy:0.72.0' }],
      new Error('pod has no logs'),
    );
    const { runner } = setup(jobs);
    await expect(runner.run(vuln('high'), IMAGE)).rejects.toThrow(
      /Trivy job gantry-trivy-\S+ failed: ImagePullBackOff/,
    );
  });

  it('throws when the report is unreadable', async () => {
    const { runner } = setup(new ScriptedJobs([done], 'FATAL\tscan error: context deadline exceeded'));
    await expect(runner.run(vuln('high'), IMAGE)).rejects.toMatchObject({ code: 'scan-report-invalid' });
  });

  it('gives up polling at the Job deadline plus a grace period, without sleeping for real', async () => {
    const jobs = new ScriptedJobs([running]);
    const { runner, sleeps } = setup(jobs, { scanTimeoutSeconds: 120, pollIntervalMs: 10_000 });
    await expect(runner.run(vuln('high'), IMAGE)).rejects.toThrow(ScanJobError);
    expect(sleeps.reduce((a, b) => a + b, 0)).toBe(180_000); // 120 s deadline + 60 s grace
    expect(jobs.polls).toBe(19);
  });

  it('refuses an image reference outside the OCI grammar before starting a Job', async () => {
    const jobs = new ScriptedJobs([done]);
    const { runner } = setup(jobs);
    await expect(runner.run(vuln('high'), { ...IMAGE, repository: '--output=/tmp/x' })).rejects.toMatchObject(
      { code: 'image-ref-invalid' },
    );
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
    const result = await runner.run(signature, IMAGE);
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
    const result = await runner.run(signature, IMAGE);
    expect(result.verdict).toBe('fail');
    expect(result.summary).toMatch(/^signature not verified: main.go:74: error during command execution: no/);
  });

  it('throws on failures that say nothing about the signature (registry, key access)', async () => {
    const logs =
      'Error: GET https://hearloveen.azurecr.io/oauth2/token: UNAUTHORIZED: authentication required';
    const { runner } = setup(new ScriptedJobs([{ phase: 'failed', message: 'BackoffLimitExceeded' }], logs));
    await expect(runner.run(signature, IMAGE)).rejects.toThrow(
      /cosign job .* failed: BackoffLimitExceeded; Error: GET/,
    );
  });

  it('throws when cosign exits 0 without a signature for this digest', async () => {
    const { runner } = setup(new ScriptedJobs([done], cosignOk(`sha256:${'0'.repeat(64)}`)));
    await expect(runner.run(signature, IMAGE)).rejects.toThrow(/printed no signature/);
  });

  it('refuses a key reference that could be read as a flag', async () => {
    const jobs = new ScriptedJobs([done]);
    const { runner } = setup(jobs);
    await expect(runner.run({ ...signature, key: '--insecure-ignore-tlog' }, IMAGE)).rejects.toThrow(
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

describe('ci-status gate', () => {
  const gate: GateSpec = {
    kind: 'ci-status',
    name: 'ci-status',
    repository: 'hearloveen/platform',
    checks: ['lint', 'build'],
  };
  const verdict = (state: CiVerdict['state'], missing: string[] = []): CiVerdict => ({
    state,
    missing,
    checks: [
      {
        name: 'lint',
        source: 'check-run',
        status: 'completed',
        conclusion: state === 'fail' ? 'failure' : 'success',
        state: state === 'fail' ? 'fail' : 'pass',
      },
    ],
  });
  const github = (answers: CiVerdict[]) => {
    const calls: unknown[][] = [];
    const client: Pick<GitHubClient, 'ciStatus'> = {
      ciStatus: async (...args) => {
        calls.push(args);
        return (answers.length > 1 ? answers.shift() : answers[0]) as CiVerdict;
      },
    };
    return { client, calls };
  };

  it('waits for pending checks, then passes', async () => {
    const gh = github([verdict('pending', ['build']), verdict('pass')]);
    const { runner, sleeps } = setup(new ScriptedJobs([done]), {
      github: gh.client,
      ciPollIntervalMs: 20_000,
    });
    const result = await runner.run(gate, IMAGE, SHA);
    expect(result).toMatchObject({
      verdict: 'pass',
      summary: 'all 2 check(s) passed',
      evidence: { sha: SHA, repository: 'hearloveen/platform' },
    });
    expect(sleeps).toEqual([20_000]);
    expect(gh.calls[0]).toEqual(['hearloveen/platform', SHA, ['lint', 'build']]);
  });

  it('fails on a failed check, naming it', async () => {
    const { runner } = setup(new ScriptedJobs([done]), { github: github([verdict('fail')]).client });
    expect(await runner.run(gate, IMAGE, SHA)).toMatchObject({
      verdict: 'fail',
      summary: 'check(s) failed: lint',
    });
  });

  it('fails when checks are still pending after the wait', async () => {
    const { runner, sleeps } = setup(new ScriptedJobs([done]), {
      github: github([verdict('pending', ['build'])]).client,
      ciWaitMs: 60_000,
      ciPollIntervalMs: 30_000,
    });
    expect(await runner.run(gate, IMAGE, SHA)).toMatchObject({
      verdict: 'fail',
      summary: 'check(s) still pending: build',
    });
    expect(sleeps).toEqual([30_000, 30_000]);
  });

  it('fails closed without a commit, and throws without a GitHub connection', async () => {
    const { runner } = setup(new ScriptedJobs([done]), { github: github([verdict('pass')]).client });
    expect(await runner.run(gate, IMAGE)).toMatchObject({
      verdict: 'fail',
      summary: expect.stringContaining('no known commit'),
    });
    const { runner: bare } = setup(new ScriptedJobs([done]));
    await expect(bare.run(gate, IMAGE, SHA)).rejects.toThrow(/no GitHub connection/);
  });
});
