import { randomBytes } from 'node:crypto';
import type { GateSpec, ImageRef } from '../contracts/plan.js';
import { evaluateVulnerabilities, extractJson, parseTrivyReport } from '../domain/scan-policy.js';
import type { AppClock } from '../ports/clock.js';
import type { ClusterTarget } from '../ports/cluster.js';
import type { JobRunner, JobSpec } from '../ports/jobs.js';
import type { GateResult, ScanRunner } from '../ports/runners.js';
import { systemClock } from './clock.js';
import { pinnedImage, type GitHubClient } from './github.js';

/**
 * Image gates run as Kubernetes Jobs in the staging cluster (Trivy, cosign) or through GitHub (CI status).
 * A vulnerable or unsigned image is a verdict; a Job that could not do its work (image pull error,
 * deadline, unreadable output) is thrown, so the activity is retried instead of judging on no evidence.
 */

/** Pinned: 0.69.4 was a malicious release (March 2026); bump deliberately, ideally by digest. */
export const TRIVY_IMAGE = 'aquasec/trivy:0.72.0';
export const COSIGN_IMAGE = 'ghcr.io/sigstore/cosign/cosign:v2.6.0';

export interface JobScanRunnerOptions {
  jobs: JobRunner;
  /** Cluster and namespace where scan Jobs run (the staging cluster). */
  target: ClusterTarget;
  /** Needed only for `ci-status` gates. */
  github?: Pick<GitHubClient, 'ciStatus'>;
  trivyImage?: string;
  cosignImage?: string;
  /** Extra Trivy arguments, e.g. `['--db-repository', 'myacr.azurecr.io/trivy-db']`. */
  trivyArgs?: string[];
  /** Extra `cosign verify` arguments, e.g. `['--insecure-ignore-tlog=true']` for keys used without Rekor. */
  cosignArgs?: string[];
  scanTimeoutSeconds?: number;
  verifyTimeoutSeconds?: number;
  /** Time between Job status polls (default 5 s). */
  pollIntervalMs?: number;
  /** How long a ci-status gate waits for pending checks (default 15 min), polling every `ciPollIntervalMs`. */
  ciWaitMs?: number;
  ciPollIntervalMs?: number;
  clock?: AppClock;
  sleep?: (ms: number) => Promise<void>;
}

export class ScanJobError extends Error {
  readonly code = 'scan-job-failed';
  constructor(message: string) {
    super(message);
    this.name = 'ScanJobError';
  }
}

/** cosign's own "this image is not signed by that key" messages (as opposed to registry or key errors). */
const COSIGN_REJECTED =
  /no matching signatures|no signatures found|failed to find valid signature|invalid signature|signature mismatch/i;
const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const lastLine = (text: string) => text.trim().split('\n').pop()?.slice(0, 300) ?? '';

export class JobScanRunner implements ScanRunner {
  private readonly clock: AppClock;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly o: JobScanRunnerOptions) {
    this.clock = o.clock ?? systemClock;
    this.sleep = o.sleep ?? realSleep;
  }

  async run(gate: GateSpec, image: ImageRef, commitSha?: string): Promise<GateResult> {
    switch (gate.kind) {
      case 'vulnerability':
        return this.vulnerability(gate, image);
      case 'signature':
        return this.signature(gate, image);
      case 'ci-status':
        return this.ciStatus(gate, commitSha);
    }
  }

  private async vulnerability(
    gate: Extract<GateSpec, { kind: 'vulnerability' }>,
    image: ImageRef,
  ): Promise<GateResult> {
    const ref = pinnedImage(image);
    const timeout = this.o.scanTimeoutSeconds ?? 900;
    const job = await this.runJob({
      name: jobName('trivy', image),
      image: this.o.trivyImage ?? TRIVY_IMAGE,
      // Every severity is reported so the evidence counts are complete; the policy decides, not Trivy.
      args: [
        'image',
        '--format=json',
        '--severity=UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL',
        '--scanners=vuln',
        '--quiet',
        `--timeout=${Math.max(60, timeout - 60)}s`,
        ...(this.o.trivyArgs ?? []),
        ref,
      ],
      timeoutSeconds: timeout,
    });
    if (job.phase === 'failed') throw new ScanJobError(`Trivy job ${job.jobName} failed: ${job.message}`);
    const report = parseTrivyReport(job.logs);
    const decision = evaluateVulnerabilities(report.findings, gate, this.clock.now());
    return {
      gate: gate.name,
      verdict: decision.verdict,
      summary: decision.summary,
      evidence: {
        image: ref,
        job: job.jobName,
        scanner: this.o.trivyImage ?? TRIVY_IMAGE,
        ...decision.evidence,
      },
    };
  }

  private async signature(
    gate: Extract<GateSpec, { kind: 'signature' }>,
    image: ImageRef,
  ): Promise<GateResult> {
    const ref = pinnedImage(image);
    // `--key=` keeps a hostile value from being read as another flag; config already refuses spaces.
    if (!/^[^\s-]\S{0,511}$/.test(gate.key))
      throw new ScanJobError('the signature gate key reference is invalid');
    const job = await this.runJob({
      name: jobName('cosign', image),
      image: this.o.cosignImage ?? COSIGN_IMAGE,
      args: ['verify', `--key=${gate.key}`, '--output=json', ...(this.o.cosignArgs ?? []), ref],
      timeoutSeconds: this.o.verifyTimeoutSeconds ?? 300,
    });
    const evidence = { image: ref, key: gate.key, job: job.jobName };
    if (job.phase === 'failed') {
      if (!COSIGN_REJECTED.test(job.logs)) {
        throw new ScanJobError(`cosign job ${job.jobName} failed: ${job.message}; ${lastLine(job.logs)}`);
      }
      const reason = lastLine(
        job.logs
          .split('\n')
          .filter((l) => COSIGN_REJECTED.test(l))
          .join('\n'),
      );
      return {
        gate: gate.name,
        verdict: 'fail',
        summary: `signature not verified: ${reason}`,
        evidence: { ...evidence, reason },
      };
    }
    const signatures = verifiedSignatures(job.logs, image.digest);
    if (signatures === 0) {
      throw new ScanJobError(
        `cosign job ${job.jobName} succeeded but printed no signature for ${image.digest}`,
      );
    }
    return {
      gate: gate.name,
      verdict: 'pass',
      summary: `${signatures} signature(s) verified with ${gate.key}`,
      evidence: { ...evidence, signatures },
    };
  }

  private async ciStatus(
    gate: Extract<GateSpec, { kind: 'ci-status' }>,
    commitSha?: string,
  ): Promise<GateResult> {
    const github = this.o.github;
    if (!github) throw new ScanJobError('a ci-status gate is configured but no GitHub connection is');
    const base = { repository: gate.repository, required: gate.checks };
    if (!commitSha) {
      // Fail closed: a gate that cannot see the commit cannot vouch for it.
      return {
        gate: gate.name,
        verdict: 'fail',
        summary: 'the image has no known commit, so CI cannot be checked',
        evidence: base,
      };
    }
    const deadline = this.clock.now() + (this.o.ciWaitMs ?? 15 * 60_000);
    for (;;) {
      const ci = await github.ciStatus(gate.repository, commitSha, gate.checks);
      const evidence = { ...base, sha: commitSha, checks: ci.checks, missing: ci.missing };
      const named = (state: string) => [
        ...ci.checks.filter((c) => c.state === state).map((c) => c.name),
        ...(state === 'pending' ? ci.missing : []),
      ];
      if (ci.state === 'pass')
        return {
          gate: gate.name,
          verdict: 'pass',
          summary: `all ${gate.checks.length} check(s) passed`,
          evidence,
        };
      if (ci.state === 'fail')
        return {
          gate: gate.name,
          verdict: 'fail',
          summary: `check(s) failed: ${named('fail').join(', ')}`,
          evidence,
        };
      if (this.clock.now() >= deadline) {
        return {
          gate: gate.name,
          verdict: 'fail',
          summary: `check(s) still pending: ${named('pending').join(', ')}`,
          evidence,
        };
      }
      await this.sleep(this.o.ciPollIntervalMs ?? 30_000);
    }
  }

  /** Starts a Job and polls it to an end; the loop is bounded by the Job's own deadline plus a grace. */
  private async runJob(
    spec: JobSpec,
  ): Promise<{ jobName: string; phase: 'succeeded' | 'failed'; message: string; logs: string }> {
    const { jobs, target } = this.o;
    const { jobName } = await jobs.run(target, spec);
    const deadline = this.clock.now() + (spec.timeoutSeconds + 60) * 1000;
    for (;;) {
      const status = await jobs.status(target, jobName);
      if (status.phase !== 'running') {
        // Logs of a pod that never started may be unavailable; the status message then says why.
        const logs = await jobs.logs(target, jobName).catch(() => '');
        return { jobName, phase: status.phase, message: status.message ?? 'no reason given', logs };
      }
      if (this.clock.now() >= deadline)
        throw new ScanJobError(`job ${jobName} still running after ${spec.timeoutSeconds}s`);
      await this.sleep(this.o.pollIntervalMs ?? 5000);
    }
  }
}

/** `gantry-<tool>-<digest12>-<random>`: readable in kubectl, unique per attempt (a retried activity starts afresh). */
function jobName(tool: string, image: ImageRef): string {
  const hex = image.digest.slice(image.digest.indexOf(':') + 1, image.digest.indexOf(':') + 13);
  return `gantry-${tool}-${hex}-${randomBytes(3).toString('hex')}`;
}

/** Counts cosign's verified signature payloads that name this digest (`--output=json` prints a JSON array). */
export function verifiedSignatures(logs: string, digest: string): number {
  let payloads: unknown[];
  try {
    payloads = extractJson(logs, '[') as unknown[];
  } catch {
    return 0;
  }
  return payloads.filter(
    (p) =>
      (p as { critical?: { image?: Record<string, unknown> } })?.critical?.image?.[
        'docker-manifest-digest'
      ] === digest,
  ).length;
}
