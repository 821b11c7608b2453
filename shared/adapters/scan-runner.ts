import type { GateSpec, ImageRef } from '../contracts/plan.js';
import { sourceMismatch } from '../domain/provenance.js';
import { evaluateVulnerabilities, extractJson, parseTrivyReport } from '../domain/scan-policy.js';
import type { AppClock } from '../ports/clock.js';
import type { ClusterTarget } from '../ports/cluster.js';
import type { JobRunner, JobSpec } from '../ports/jobs.js';
import type { GateProgress, GateResult, ScanHandle, ScanRunner } from '../ports/runners.js';
import { systemClock } from './clock.js';
import { pinnedImage, type GitHubClient } from './github.js';

/**
 * Image gates run as Kubernetes Jobs in the staging cluster (Trivy, cosign) or through GitHub (CI status).
 * Nothing here waits: `start` creates the Job (or reads the checks once), `check` reads where it stands
 * once, and the orchestration sleeps durably in between and owns the deadline.
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
  /** Suggested time between Job status checks (default 5 s); a Job gate times out at its deadline + 60 s. */
  pollIntervalMs?: number;
  /** How long a ci-status gate waits for pending checks (default 15 min), checked every `ciPollIntervalMs`. */
  ciWaitMs?: number;
  ciPollIntervalMs?: number;
  clock?: AppClock;
}

export class ScanJobError extends Error {
  readonly code = 'scan-job-failed';
  constructor(message: string) {
    super(message);
    this.name = 'ScanJobError';
  }
}

type JobGate = Extract<GateSpec, { kind: 'vulnerability' | 'signature' }>;
type CiGate = Extract<GateSpec, { kind: 'ci-status' }>;
interface FinishedJob {
  jobName: string;
  phase: 'succeeded' | 'failed';
  message: string;
  logs: string;
}

/** cosign's own "this image is not signed by that key" messages (as opposed to registry or key errors). */
const COSIGN_REJECTED =
  /no matching signatures|no signatures found|failed to find valid signature|invalid signature|signature mismatch/i;
const lastLine = (text: string) => text.trim().split('\n').pop()?.slice(0, 300) ?? '';
const done = (result: GateResult): GateProgress => ({ done: true, result });

export class JobScanRunner implements ScanRunner {
  private readonly clock: AppClock;

  constructor(private readonly o: JobScanRunnerOptions) {
    this.clock = o.clock ?? systemClock;
  }

  /** Creates the gate's Job (the same Job again on a retry) or reads the CI checks once. */
  async start(
    gate: GateSpec,
    image: ImageRef,
    commitSha?: string,
    imageSource?: string,
  ): Promise<GateProgress> {
    if (gate.kind === 'ci-status') return this.ciStatus(gate, commitSha, imageSource);
    const spec = this.jobSpec(gate, image);
    const { jobName } = await this.o.jobs.run(this.o.target, spec);
    return this.running(jobName, spec);
  }

  /** Reads the Job's status once (and, when it ended, its output and the verdict), or the CI checks. */
  async check(
    gate: GateSpec,
    image: ImageRef,
    handle: ScanHandle,
    commitSha?: string,
    imageSource?: string,
  ): Promise<GateProgress> {
    if (gate.kind === 'ci-status') return this.ciStatus(gate, commitSha, imageSource);
    const spec = this.jobSpec(gate, image);
    const { jobName } = handle;
    if (!jobName) throw new ScanJobError(`gate ${gate.name} has no job to check`);
    const { jobs, target } = this.o;
    const status = await jobs.status(target, jobName);
    if (status.phase === 'running') return this.running(jobName, spec);
    // Logs of a pod that never started may be unavailable; the status message then says why.
    const logs = await jobs.logs(target, jobName).catch(() => '');
    const job = { jobName, phase: status.phase, message: status.message ?? 'no reason given', logs };
    return done(
      gate.kind === 'vulnerability' ? this.vulnerability(gate, image, job) : signature(gate, image, job),
    );
  }

  /** Pending until the Job ends; Kubernetes stops it at its deadline, the extra minute covers scheduling. */
  private running(jobName: string, spec: JobSpec): GateProgress {
    return {
      done: false,
      handle: { jobName },
      pollAfterMs: this.o.pollIntervalMs ?? 5000,
      timeoutMs: (spec.timeoutSeconds + 60) * 1000,
      detail: `job ${jobName} running`,
    };
  }

  /** The Job for a gate; the same gate and image give the same spec, so the same Job name. */
  private jobSpec(gate: JobGate, image: ImageRef): JobSpec {
    const ref = pinnedImage(image);
    if (gate.kind === 'signature') {
      // `--key=` keeps a hostile value from being read as another flag; config already refuses spaces.
      if (!/^[^\s-]\S{0,511}$/.test(gate.key))
        throw new ScanJobError('the signature gate key reference is invalid');
      return {
        name: jobName('cosign', image),
        image: this.o.cosignImage ?? COSIGN_IMAGE,
        args: ['verify', `--key=${gate.key}`, '--output=json', ...(this.o.cosignArgs ?? []), ref],
        timeoutSeconds: this.o.verifyTimeoutSeconds ?? 300,
      };
    }
    const timeout = this.o.scanTimeoutSeconds ?? 900;
    return {
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
    };
  }

  private vulnerability(
    gate: Extract<GateSpec, { kind: 'vulnerability' }>,
    image: ImageRef,
    job: FinishedJob,
  ): GateResult {
    if (job.phase === 'failed') throw new ScanJobError(`Trivy job ${job.jobName} failed: ${job.message}`);
    const report = parseTrivyReport(job.logs);
    const decision = evaluateVulnerabilities(report.findings, gate, this.clock.now());
    return {
      gate: gate.name,
      verdict: decision.verdict,
      summary: decision.summary,
      evidence: {
        image: pinnedImage(image),
        job: job.jobName,
        scanner: this.o.trivyImage ?? TRIVY_IMAGE,
        ...decision.evidence,
      },
    };
  }

  /** One read of the commit's checks: a verdict once they pass or fail, pending while they run. */
  private async ciStatus(gate: CiGate, commitSha?: string, imageSource?: string): Promise<GateProgress> {
    const github = this.o.github;
    if (!github) throw new ScanJobError('a ci-status gate is configured but no GitHub connection is');
    const base = { repository: gate.repository, required: gate.checks };
    const foreign = sourceMismatch(imageSource, gate.repository);
    if (foreign)
      return done({ gate: gate.name, verdict: 'fail', summary: foreign, evidence: { ...base, imageSource } });
    if (!commitSha) return done(unknownCommit(gate, base));
    const ci = await github.ciStatus(gate.repository, commitSha, gate.checks);
    const evidence = { ...base, sha: commitSha, checks: ci.checks, missing: ci.missing };
    const named = (state: string) => [
      ...ci.checks.filter((c) => c.state === state).map((c) => c.name),
      ...(state === 'pending' ? ci.missing : []),
    ];
    if (ci.state === 'pass')
      return done({
        gate: gate.name,
        verdict: 'pass',
        summary: `all ${gate.checks.length} check(s) passed`,
        evidence,
      });
    if (ci.state === 'fail')
      return done({
        gate: gate.name,
        verdict: 'fail',
        summary: `check(s) failed: ${named('fail').join(', ')}`,
        evidence,
      });
    return {
      done: false,
      handle: {},
      pollAfterMs: this.o.ciPollIntervalMs ?? 30_000,
      timeoutMs: this.o.ciWaitMs ?? 15 * 60_000,
      detail: `check(s) pending: ${named('pending').join(', ')}`,
    };
  }
}

/** Message of a ci-status gate that cannot see the image's commit: what to add to the build. */
export const UNKNOWN_COMMIT =
  'the image has no known commit, so CI cannot be checked: label the image with ' +
  'org.opencontainers.image.revision=<commit SHA> (docker/metadata-action writes it), or tag it sha-<commit>, ' +
  'or set gates.ciStatus.whenCommitUnknown: skip';

/** Fail closed by default: a gate that cannot see the commit cannot vouch for it. */
function unknownCommit(gate: CiGate, evidence: Record<string, unknown>): GateResult {
  if (gate.whenCommitUnknown === 'skip')
    return {
      gate: gate.name,
      verdict: 'warn',
      summary: 'skipped: the image has no known commit (whenCommitUnknown: skip)',
      evidence: { ...evidence, skipped: true },
    };
  return { gate: gate.name, verdict: 'fail', summary: UNKNOWN_COMMIT, evidence };
}

function signature(
  gate: Extract<GateSpec, { kind: 'signature' }>,
  image: ImageRef,
  job: FinishedJob,
): GateResult {
  const evidence = { image: pinnedImage(image), key: gate.key, job: job.jobName };
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

/**
 * `gantry-<tool>-<digest12>`: readable in kubectl and the same for every start of one gate on one image,
 * so a retried start finds the Job it created (the Jobs adapter adds a hash of the whole spec).
 */
function jobName(tool: string, image: ImageRef): string {
  const hex = image.digest.slice(image.digest.indexOf(':') + 1, image.digest.indexOf(':') + 13);
  return `gantry-${tool}-${hex}`;
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
