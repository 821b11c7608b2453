import type { ImageRef, TestWorkflow } from '../contracts/plan.js';
import { ImageRefError, isValidDigest, isValidRegistry, isValidRepository } from '../domain/image-ref.js';
import { isGitHubRepository, isGitRef, isPlainLabel, isWorkflowFile } from '../domain/names.js';
import { evaluateCiChecks, type CheckObservation, type CiVerdict } from '../domain/scan-policy.js';
import type { TestRunner } from '../ports/runners.js';
import { GitHubError, githubRequest, nextLink, type GitHubTransport } from './github-http.js';
import type { HttpResponseData } from './http.js';

export { GITHUB_API_VERSION, GitHubError, type GitHubErrorCode } from './github-http.js';
export { appJwt, githubAppToken, type GitHubAppTokenOptions } from './github-app.js';

/**
 * GitHub adapter: dispatches test workflows, reads a commit's CI state, and records GitHub deployments.
 * Every name that ends up in a URL is checked against GitHub's grammar first.
 */

export interface GitHubClientOptions {
  /** `https://api.github.com`, or `https://<host>/api/v3` for GitHub Enterprise Server. */
  apiUrl?: string;
  /** A fixed token, or a provider such as `githubAppToken(...)` (called before every request). */
  token: () => Promise<string> | string;
  userAgent?: string;
  /** Per request (default 10 s). */
  timeoutMs?: number;
  /** Attempts for 5xx/network failures (default 3). */
  attempts?: number;
  /** Ask dispatches to return the run id (default true; GitHub added this in 2026-02). */
  returnRunDetails?: boolean;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface DeploymentInput {
  ref: string;
  environment: string;
  /** Gantry's deployment id: makes creation idempotent (an activity may run twice). */
  deploymentId: string;
  image: string;
  description?: string;
  productionEnvironment?: boolean;
  transientEnvironment?: boolean;
}

export type DeploymentState =
  'error' | 'failure' | 'inactive' | 'in_progress' | 'queued' | 'pending' | 'success';

export interface DeploymentStatusInput {
  state: DeploymentState;
  description?: string;
  logUrl?: string;
  environmentUrl?: string;
  environment?: string;
  autoInactive?: boolean;
}

interface WireDeployment {
  id: number;
  url: string;
  statuses_url: string;
  environment: string;
  ref: string;
  payload?: unknown;
}

interface WireCheckRun {
  id: number;
  name: string;
  status: string;
  conclusion: string | null;
  html_url?: string | null;
}

const DEPLOYMENT_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const COMMIT_SHA = /^[0-9a-fA-F]{7,64}$/;
const FULL_SHA = /^[0-9a-f]{40}$/;
const MAX_PAGES = 10;

function invalid(what: string, value: string): never {
  throw new GitHubError('github-invalid-input', `invalid ${what} "${value.slice(0, 80)}"`);
}

function repoPath(repository: string): string {
  if (!isGitHubRepository(repository)) invalid('GitHub repository (owner/name)', repository);
  return `/repos/${repository}`;
}

function httpUrl(value: string | undefined, what: string): string | undefined {
  if (value === undefined) return undefined;
  if (!/^https?:\/\//.test(value) || !URL.canParse(value)) invalid(what, value);
  return value;
}

/** GitHub limits descriptions to 140 characters; cut on code points so emoji stay whole. */
const clip = (text: string | undefined) =>
  text === undefined ? undefined : [...text].slice(0, 140).join('');

export class GitHubClient implements TestRunner {
  private readonly t: GitHubTransport;
  private readonly token: () => Promise<string> | string;
  private returnRunDetails: boolean;

  constructor(options: GitHubClientOptions) {
    this.t = {
      apiUrl: options.apiUrl ?? 'https://api.github.com',
      userAgent: options.userAgent ?? 'gantry',
      timeoutMs: options.timeoutMs ?? 10_000,
      attempts: options.attempts ?? 3,
      now: options.now ?? Date.now,
      ...(options.sleep ? { sleep: options.sleep } : {}),
    };
    this.token = options.token;
    this.returnRunDetails = options.returnRunDetails ?? true;
  }

  private async request<T>(method: string, path: string, body?: unknown) {
    return githubRequest<T>(this.t, await this.token(), method, path, body);
  }

  /**
   * Starts a `workflow_dispatch` run with inputs `deployment_id` and `image`. The workflow's `run-name`
   * must contain the deployment id: that is how its `workflow_run` webhook is matched back.
   */
  async dispatch(workflow: TestWorkflow, deploymentId: string, image: ImageRef): Promise<{ runId?: number }> {
    const repo = repoPath(workflow.repository);
    if (!isWorkflowFile(workflow.workflow)) invalid('workflow file or id', workflow.workflow);
    if (!isGitRef(workflow.ref)) invalid('git ref', workflow.ref);
    if (!DEPLOYMENT_ID.test(deploymentId)) invalid('deployment id', deploymentId);
    const path = `${repo}/actions/workflows/${encodeURIComponent(workflow.workflow)}/dispatches`;
    const body = { ref: workflow.ref, inputs: { deployment_id: deploymentId, image: pinnedImage(image) } };
    try {
      const res = await this.request<{ workflow_run_id?: unknown }>('POST', path, {
        ...body,
        ...(this.returnRunDetails ? { return_run_details: true } : {}),
      });
      const id = res.status === 200 ? res.body?.workflow_run_id : undefined;
      return typeof id === 'number' ? { runId: id } : {};
    } catch (error) {
      // A server that predates `return_run_details` refuses the unknown key: stop asking and resend.
      if (!(error instanceof GitHubError) || error.code !== 'github-unprocessable') throw error;
      if (!this.returnRunDetails || !/return_run_details/.test(error.message)) throw error;
      this.returnRunDetails = false;
      await this.request('POST', path, body);
      return {};
    }
  }

  /** The committer date of a commit (`GET /repos/{o}/{r}/commits/{sha}`); undefined when GitHub has no such commit. */
  async commitTime(repository: string, sha: string): Promise<string | undefined> {
    return (await this.resolveCommit(repository, sha))?.committedAt;
  }

  /** A commit by full or short SHA (`GET /repos/{o}/{r}/commits/{ref}`): full SHA and committer date. */
  async resolveCommit(
    repository: string,
    sha: string,
  ): Promise<{ sha: string; committedAt?: string } | undefined> {
    const repo = repoPath(repository);
    if (!COMMIT_SHA.test(sha)) invalid('commit SHA', sha);
    try {
      const res = await this.request<{ sha?: unknown; commit?: { committer?: { date?: unknown } } }>(
        'GET',
        `${repo}/commits/${sha}`,
      );
      const named = res.body?.sha;
      const full =
        typeof named === 'string' && FULL_SHA.test(named) ? named : FULL_SHA.test(sha) ? sha : undefined;
      if (full === undefined) return undefined;
      const date = res.body?.commit?.committer?.date;
      return typeof date === 'string' && Number.isFinite(Date.parse(date))
        ? { sha: full, committedAt: new Date(date).toISOString() }
        : { sha: full };
    } catch (error) {
      if (
        error instanceof GitHubError &&
        (error.code === 'github-not-found' || error.code === 'github-unprocessable')
      )
        return undefined;
      throw error;
    }
  }

  /** The required checks of a commit: check runs (all pages) and legacy commit statuses. */
  async ciStatus(repository: string, sha: string, requiredChecks: string[]): Promise<CiVerdict> {
    const repo = repoPath(repository);
    if (!COMMIT_SHA.test(sha)) invalid('commit SHA', sha);
    const runs: WireCheckRun[] = [];
    let next: string | undefined = `${repo}/commits/${sha}/check-runs?per_page=100`;
    for (let page = 0; next && page < MAX_PAGES; page++) {
      const res: HttpResponseData<{ check_runs?: WireCheckRun[] }> = await this.request('GET', next);
      runs.push(...(res.body?.check_runs ?? []));
      next = nextLink(res.headers.get('link'));
    }
    const combined = await this.request<{
      statuses?: Array<{ context: string; state: string; target_url?: string | null }>;
    }>('GET', `${repo}/commits/${sha}/status?per_page=100`);
    // Re-runs leave several runs with one name; the newest (highest id) is the one that counts.
    runs.sort((a, b) => b.id - a.id);
    const observed: CheckObservation[] = [
      ...runs.map((r) => ({
        name: r.name,
        source: 'check-run' as const,
        status: r.status,
        ...(r.conclusion ? { conclusion: r.conclusion } : {}),
        ...(r.html_url ? { url: r.html_url } : {}),
      })),
      ...(combined.body?.statuses ?? []).map((s) => ({
        name: s.context,
        source: 'status' as const,
        status: s.state,
        ...(s.target_url ? { url: s.target_url } : {}),
      })),
    ];
    return evaluateCiChecks(observed, requiredChecks);
  }

  /**
   * Creates (or finds, when a previous attempt already did) the GitHub deployment for a Gantry deployment.
   * Gantry runs its own gates, so GitHub's auto-merge and required contexts are switched off.
   */
  async createDeployment(
    repository: string,
    input: DeploymentInput,
  ): Promise<{ id: number; statusesUrl: string }> {
    const repo = repoPath(repository);
    if (!isGitRef(input.ref)) invalid('git ref', input.ref);
    if (!isPlainLabel(input.environment, 255)) invalid('environment', input.environment);
    if (!DEPLOYMENT_ID.test(input.deploymentId)) invalid('deployment id', input.deploymentId);
    const query = new URLSearchParams({ ref: input.ref, environment: input.environment, per_page: '100' });
    const existing = await this.request<WireDeployment[]>('GET', `${repo}/deployments?${query}`);
    const mine = (Array.isArray(existing.body) ? existing.body : []).find(
      (d) =>
        (d.payload as { gantry_deployment_id?: unknown } | null)?.gantry_deployment_id === input.deploymentId,
    );
    if (mine) return { id: mine.id, statusesUrl: mine.statuses_url };
    const res = await this.request<WireDeployment | { message?: string }>('POST', `${repo}/deployments`, {
      ref: input.ref,
      task: 'deploy',
      auto_merge: false,
      required_contexts: [],
      environment: input.environment,
      description: clip(input.description),
      payload: { gantry_deployment_id: input.deploymentId, image: input.image },
      production_environment: input.productionEnvironment ?? input.environment === 'production',
      transient_environment: input.transientEnvironment ?? false,
    });
    if (res.status !== 201 || !('id' in res.body)) {
      throw new GitHubError(
        'github-conflict',
        `GitHub did not create the deployment (status ${res.status})`,
        res.status,
        true,
      );
    }
    return { id: res.body.id, statusesUrl: res.body.statuses_url };
  }

  async setDeploymentStatus(
    repository: string,
    deploymentId: number,
    input: DeploymentStatusInput,
  ): Promise<{ id: number }> {
    const repo = repoPath(repository);
    if (!Number.isSafeInteger(deploymentId) || deploymentId <= 0)
      invalid('GitHub deployment id', String(deploymentId));
    const res = await this.request<{ id: number }>('POST', `${repo}/deployments/${deploymentId}/statuses`, {
      state: input.state,
      description: clip(input.description),
      log_url: httpUrl(input.logUrl, 'log URL'),
      environment_url: httpUrl(input.environmentUrl, 'environment URL'),
      environment: input.environment,
      auto_inactive: input.autoInactive ?? true,
    });
    return { id: res.body.id };
  }
}

/** `registry/repository@digest`: what a workflow or scanner should look at, immune to tag moves. */
export function pinnedImage(image: ImageRef): string {
  const ref = `${image.registry}/${image.repository}@${image.digest}`;
  if (
    !isValidRegistry(image.registry) ||
    !isValidRepository(image.repository) ||
    !isValidDigest(image.digest)
  ) {
    throw new ImageRefError(`invalid image reference "${ref.slice(0, 120)}"`, ref);
  }
  return ref;
}
