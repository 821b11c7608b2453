import {
  errorResponse,
  jsonResponse,
  type HostRequest,
  type HostResponse,
  type HostRoute,
} from '../devhost/http/types.js';
import { gitRoute, pullJson, type MergedHook } from './github-git.js';
import { deliveredHooks, pullRequestMerged, type GitHubWebhookDelivery } from './github-webhook.js';
import type { SandboxWorld } from './world.js';

/** Virtual time a dispatched workflow takes before it reports. */
export const WORKFLOW_RUN_MS = 3 * 60_000;

export interface GitHubSandboxOptions {
  token: string;
  /**
   * Delivers a finished run the way Gantry's `workflow_run` webhook would: as the `testResult` event of
   * the deployment's tests phase. The launcher points it at the dev host's Durable API.
   */
  deliver: (
    deploymentId: string,
    result: { workflow: string; conclusion: string; runId: number },
  ) => Promise<void>;
  /**
   * The repositories' webhook (github-webhook.ts): a pull request merged through the API is delivered
   * as GitHub's signed `pull_request` `closed` event. Absent: no webhook is configured.
   */
  deliverWebhook?: GitHubWebhookDelivery;
}

/** A dispatched workflow run that has not reached the pipeline yet (kept in the world, so saved). */
interface PendingRun {
  id: number;
  deploymentId: string;
  workflow: string;
  image: string | undefined;
  dueAt: number;
}

const RUNS = 'github.runs';

function pendingRuns(world: SandboxWorld): { lastId: number; pending: Map<number, PendingRun> } {
  let runs = world.extensions.get(RUNS) as { lastId: number; pending: Map<number, PendingRun> } | undefined;
  if (!runs) world.extensions.set(RUNS, (runs = { lastId: 1000, pending: new Map() }));
  return runs;
}

interface Dispatch {
  ref?: unknown;
  inputs?: { deployment_id?: unknown; image?: unknown };
}

const DISPATCH = /^\/repos\/([\w.-]+)\/([\w.-]+)\/actions\/workflows\/([\w.-]+)\/dispatches$/;
const CHECK_RUNS = /^\/repos\/([\w.-]+)\/([\w.-]+)\/commits\/([0-9a-f]{7,40})\/check-runs$/;
const COMBINED_STATUS = /^\/repos\/([\w.-]+)\/([\w.-]+)\/commits\/([0-9a-f]{7,40})\/status$/;
const COMMIT = /^\/repos\/([\w.-]+)\/([\w.-]+)\/commits\/([0-9a-f]{7,40})$/;

/** `GET /repos/{o}/{r}/commits/{ref}` for the commits pushed images carry (a short SHA resolves by prefix). */
function commitResponse(world: SandboxWorld, owner: string, repo: string, ref: string): HostResponse {
  const matches = [...world.commits.entries()].filter(([sha]) => sha.startsWith(ref));
  const [found] = matches;
  if (!found || matches.length > 1)
    return jsonResponse(422, {
      message: `No commit found for SHA: ${ref}`,
      documentation_url: 'https://docs.github.com/rest/commits/commits#get-a-commit',
    });
  const [sha, date] = found;
  const person = { name: 'Sandbox Build', email: 'build@sandbox.invalid', date };
  return jsonResponse(200, {
    sha,
    html_url: `https://github.com/${owner}/${repo}/commit/${sha}`,
    commit: { author: person, committer: person, message: 'sandbox commit' },
  });
}

/**
 * The slice of GitHub the pipeline uses: `workflow_dispatch` (204, then the run concludes after a few
 * virtual minutes, failing for images with `testFailure`), check runs of a commit (green unless a
 * `ciFailure` fault applies) and the commits pushed images are labelled with. Paths,
 * statuses and bodies follow the REST API; authentication is a bearer token.
 */
export function createGitHubRoutes(world: SandboxWorld, options: GitHubSandboxOptions): HostRoute {
  const runs = pendingRuns(world);
  let delivering = 0;
  // On a virtual clock, time must not skip ahead while a finished run is on its way to the pipeline.
  const clock = world.clock as {
    addIdleCheck?: (check: () => boolean) => void;
    requestSkip?: () => void;
  };
  clock.addIdleCheck?.(() => delivering === 0);
  // The last participant to go idle asks the clock to move on: when a delivery ends after the engine
  // went idle, nobody else would, and virtual time would stand still.
  const delivered = (): void => {
    delivering--;
    clock.requestSkip?.();
  };
  const arm = (run: PendingRun, at = run.dueAt): void => {
    world.clock.schedule(at, () => {
      const conclusion = world.faultFor(run.image).testFailure ? 'failure' : 'success';
      delivering++;
      options
        .deliver(run.deploymentId, { workflow: run.workflow, conclusion, runId: run.id })
        .then(
          () => {
            runs.pending.delete(run.id);
            world.markDirty();
          },
          // Kept pending (and saved) until the pipeline has it: tried again a virtual minute later.
          () => arm(run, world.now() + 60_000),
        )
        .finally(delivered);
    });
  };
  // Runs dispatched before a restart conclude as they would have (at once if already due).
  for (const run of runs.pending.values()) arm(run);
  const deliverWebhook = options.deliverWebhook;
  const onMerged: MergedHook | undefined =
    deliverWebhook &&
    ((repository, pull, baseSha) => {
      const payload = pullRequestMerged(
        repository,
        pull,
        pullJson(repository, pull),
        world.nowIso(),
        baseSha,
      );
      // Sent as GitHub does, after the merge has answered; virtual time waits for it (no retry).
      delivering++;
      void deliverWebhook('pull_request', payload)
        .then((status) => {
          deliveredHooks(world).push({ event: 'pull_request', action: 'closed', repository, status });
          world.markDirty();
        })
        .finally(delivered);
    });
  return (req: HostRequest): HostResponse | undefined => {
    if (req.headers.authorization !== `Bearer ${options.token}`) {
      return jsonResponse(401, {
        message: 'Bad credentials',
        documentation_url: 'https://docs.github.com/rest',
      });
    }
    const path = req.url.pathname;
    const dispatch = DISPATCH.exec(path);
    if (dispatch && req.method === 'POST') {
      let body: Dispatch;
      try {
        body = JSON.parse(req.body.toString('utf8') || '{}') as Dispatch;
      } catch {
        return jsonResponse(400, { message: 'Problems parsing JSON' });
      }
      const deploymentId = body.inputs?.deployment_id;
      if (typeof body.ref !== 'string' || typeof deploymentId !== 'string') {
        return jsonResponse(422, { message: 'Required input deployment_id not provided' });
      }
      const workflow = (dispatch[3] as string).replace(/\.ya?ml$/, '');
      const image = typeof body.inputs?.image === 'string' ? body.inputs.image : undefined;
      const run: PendingRun = {
        id: ++runs.lastId,
        deploymentId,
        workflow,
        image,
        dueAt: world.now() + WORKFLOW_RUN_MS,
      };
      runs.pending.set(run.id, run);
      world.markDirty();
      arm(run);
      return { status: 204 };
    }
    const checks = CHECK_RUNS.exec(path);
    if (checks && req.method === 'GET') {
      const names = ['lint', 'unit-tests', 'build'];
      // A `ciFailure` fault fails the unit tests of the commit (or of images built from it).
      const failing = world.ciFails(checks[3] as string) ? 'unit-tests' : undefined;
      const check_runs = names.map((name, i) => ({
        id: i + 1,
        name,
        status: 'completed',
        conclusion: name === failing ? 'failure' : 'success',
        head_sha: checks[3],
      }));
      return jsonResponse(200, { total_count: check_runs.length, check_runs });
    }
    const combined = COMBINED_STATUS.exec(path);
    if (combined && req.method === 'GET') {
      // No legacy commit statuses: GitHub answers `pending` with an empty list in that case.
      return jsonResponse(200, { state: 'pending', sha: combined[3], total_count: 0, statuses: [] });
    }
    const commit = COMMIT.exec(path);
    if (commit && req.method === 'GET')
      return commitResponse(world, commit[1] as string, commit[2] as string, commit[3] as string);
    const git = gitRoute(world, req, onMerged);
    if (git) return git;
    return errorResponse(404, 'not-found', `The sandbox GitHub does not serve ${req.method} ${path}`);
  };
}
