import { afterEach, describe, expect, it } from 'vitest';
import { GitHubClient, GitHubError } from '../../../shared/adapters/github.js';
import type { ImageRef, TestWorkflow } from '../../../shared/contracts/plan.js';
import { notFound, startGitHub, type FakeGitHub, type Reply, type SeenRequest } from './github-server.js';

const TOKEN = 'ghs_TOPSECRETtoken0123456789';
const SHA = 'acb5820ced9479c074f688cc328bf03f341a511d';
const IMAGE: ImageRef = {
  registry: 'hearloveen.azurecr.io',
  repository: 'api-gateway',
  tag: '1.4.2',
  digest: `sha256:${'5ba0'.repeat(16)}`,
};
const E2E: TestWorkflow = {
  name: 'e2e',
  repository: 'hearloveen/platform',
  workflow: 'e2e.yml',
  ref: 'main',
  timeout: 1_800_000,
};

let gh: FakeGitHub | undefined;
afterEach(async () => {
  await gh?.close();
  gh = undefined;
});

async function client(
  handler: (req: SeenRequest, origin: string) => Reply,
  extra: Partial<ConstructorParameters<typeof GitHubClient>[0]> = {},
) {
  gh = await startGitHub(handler);
  return new GitHubClient({ apiUrl: gh.url, token: () => TOKEN, sleep: async () => {}, ...extra });
}

async function failure(promise: Promise<unknown>): Promise<GitHubError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GitHubError);
  const e = error as GitHubError;
  // Tokens must never travel in errors, whatever their path to a log.
  expect(`${e.message} ${e.stack} ${JSON.stringify(e)}`).not.toContain(TOKEN);
  return e;
}

describe('dispatch', () => {
  it('posts the workflow_dispatch with GitHub headers and returns no run id on 204', async () => {
    const api = await client(() => ({ status: 204 }));
    expect(await api.dispatch(E2E, 'apigateway-5ba05ba05ba0', IMAGE)).toEqual({});
    const [req] = gh?.seen ?? [];
    expect(req).toMatchObject({
      method: 'POST',
      path: '/repos/hearloveen/platform/actions/workflows/e2e.yml/dispatches',
    });
    expect(req?.body).toEqual({
      ref: 'main',
      inputs: {
        deployment_id: 'apigateway-5ba05ba05ba0',
        image: `hearloveen.azurecr.io/api-gateway@${IMAGE.digest}`,
      },
      return_run_details: true,
    });
    expect(req?.headers).toMatchObject({
      authorization: `Bearer ${TOKEN}`,
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      'user-agent': 'gantry',
    });
  });

  it('returns the run id when GitHub answers 200 with run details', async () => {
    const api = await client((_req, origin) => ({
      status: 200,
      body: {
        workflow_run_id: 123,
        run_url: `${origin}/repos/hearloveen/platform/actions/runs/123`,
        html_url: 'https://github.com/hearloveen/platform/actions/runs/123',
      },
    }));
    expect(await api.dispatch(E2E, 'apigateway-5ba05ba05ba0', IMAGE)).toEqual({ runId: 123 });
  });

  it('resends without return_run_details when the server refuses the key, and stops asking', async () => {
    const api = await client((req) =>
      (req.body as Record<string, unknown>).return_run_details
        ? {
            status: 422,
            body: {
              message: 'Invalid request.\n\n"return_run_details" is not a permitted key.',
              status: '422',
            },
          }
        : { status: 204 },
    );
    expect(await api.dispatch(E2E, 'd-1', IMAGE)).toEqual({});
    expect(await api.dispatch(E2E, 'd-2', IMAGE)).toEqual({});
    expect(gh?.seen.map((r) => 'return_run_details' in (r.body as object))).toEqual([true, false, false]);
  });

  it('maps a 422 for a bad input and a 404 for an unknown workflow', async () => {
    const api = await client((req) =>
      req.path.includes('missing.yml')
        ? notFound
        : { status: 422, body: { message: "Required input 'environment' not provided", status: '422' } },
    );
    expect(await failure(api.dispatch(E2E, 'd-1', IMAGE))).toMatchObject({
      code: 'github-unprocessable',
      status: 422,
    });
    const missing = await failure(api.dispatch({ ...E2E, workflow: 'missing.yml' }, 'd-1', IMAGE));
    expect(missing).toMatchObject({ code: 'github-not-found', retryable: false });
    expect(missing.message).toContain(
      '/repos/hearloveen/platform/actions/workflows/missing.yml/dispatches answered 404',
    );
  });

  it.each([
    ['repository', { ...E2E, repository: 'hearloveen/platform/../x' }, 'd-1'],
    ['workflow', { ...E2E, workflow: '../../secrets' }, 'd-1'],
    ['ref', { ...E2E, ref: 'main..evil' }, 'd-1'],
    ['deployment id', E2E, 'id with spaces'],
  ])('refuses an invalid %s before any request', async (_what, workflow, id) => {
    const api = await client(() => ({ status: 204 }));
    expect(await failure(api.dispatch(workflow, id, IMAGE))).toMatchObject({ code: 'github-invalid-input' });
    expect(gh?.seen).toEqual([]);
  });

  it('refuses an invalid image reference', async () => {
    const api = await client(() => ({ status: 204 }));
    await expect(api.dispatch(E2E, 'd-1', { ...IMAGE, repository: 'Bad Repo' })).rejects.toMatchObject({
      code: 'image-ref-invalid',
    });
    expect(gh?.seen).toEqual([]);
  });
});

describe('errors', () => {
  it('tells a primary rate limit (403, remaining 0) from a permission problem', async () => {
    const reset = 1795694400;
    const api = await client((req) =>
      req.path.includes('limited')
        ? {
            status: 403,
            headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
            body: {
              message: 'API rate limit exceeded for installation ID 42.',
              documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
              status: '403',
            },
          }
        : { status: 403, body: { message: 'Resource not accessible by integration', status: '403' } },
    );
    const limited = await failure(api.dispatch({ ...E2E, repository: 'hearloveen/limited' }, 'd-1', IMAGE));
    expect(limited).toMatchObject({
      code: 'github-rate-limited',
      status: 403,
      retryable: true,
      resetAt: reset * 1000,
    });
    expect(limited.message).toContain(new Date(reset * 1000).toISOString());
    const denied = await failure(api.dispatch(E2E, 'd-1', IMAGE));
    expect(denied).toMatchObject({ code: 'github-forbidden', status: 403, retryable: false });
    expect(denied.message).toContain('Resource not accessible by integration');
  });

  it('reads a secondary limit (429 with retry-after) relative to now', async () => {
    const api = await client(
      () => ({
        status: 429,
        headers: { 'retry-after': '60' },
        body: { message: 'You have exceeded a secondary rate limit.' },
      }),
      { now: () => 1_000_000 },
    );
    expect(await failure(api.dispatch(E2E, 'd-1', IMAGE))).toMatchObject({
      code: 'github-rate-limited',
      resetAt: 1_060_000,
    });
    expect(gh?.seen).toHaveLength(1); // not hammered: the activity retry policy waits instead
  });

  it('maps 401 without leaking the token, retries 5xx, and reports outages as retryable', async () => {
    let calls = 0;
    const api = await client((req) => {
      calls++;
      if (req.path.includes('unauth'))
        return { status: 401, body: { message: 'Bad credentials', status: '401' } };
      return calls <= 2 ? { status: 502, body: { message: 'Server Error' } } : { status: 204 };
    });
    expect(await api.dispatch(E2E, 'd-1', IMAGE)).toEqual({}); // two 502s, then success
    expect(await failure(api.dispatch({ ...E2E, repository: 'o/unauth' }, 'd-1', IMAGE))).toMatchObject({
      code: 'github-unauthorized',
      status: 401,
    });
    const down = new GitHubClient({ apiUrl: 'http://127.0.0.1:1', token: () => TOKEN, attempts: 1 });
    expect(await failure(down.dispatch(E2E, 'd-1', IMAGE))).toMatchObject({
      code: 'github-unavailable',
      retryable: true,
    });
  });

  it('maps 409 and unexpected statuses', async () => {
    const api = await client((req) =>
      req.path.includes('conflict') ? { status: 409, body: { message: 'Conflict' } } : { status: 400 },
    );
    expect(await failure(api.dispatch({ ...E2E, repository: 'o/conflict' }, 'd', IMAGE))).toMatchObject({
      code: 'github-conflict',
    });
    expect(await failure(api.dispatch(E2E, 'd', IMAGE))).toMatchObject({
      code: 'github-unprocessable',
      status: 400,
    });
  });
});

const checkRun = (id: number, name: string, status: string, conclusion: string | null) => ({
  id,
  name,
  head_sha: SHA,
  status,
  conclusion,
  html_url: `https://github.com/hearloveen/platform/runs/${id}`,
  started_at: '2026-11-20T09:59:00Z',
  completed_at: conclusion ? '2026-11-20T10:04:00Z' : null,
  app: { id: 15368, slug: 'github-actions' },
});

describe('ciStatus', () => {
  /** Two pages of check runs (linked like GitHub does) plus a legacy commit status. */
  function ciServer(page2: ReturnType<typeof checkRun>[]) {
    return (req: SeenRequest, origin: string): Reply => {
      const base = `/repos/hearloveen/platform/commits/${SHA}`;
      if (req.path === `${base}/check-runs` && req.query.get('page') !== '2') {
        const next = `${origin}${base}/check-runs?per_page=100&page=2`;
        return {
          status: 200,
          headers: { link: `<${next}>; rel="next", <${next}>; rel="last"` },
          body: {
            total_count: 3,
            check_runs: [
              checkRun(1, 'unit-tests', 'completed', 'failure'),
              checkRun(5, 'unit-tests', 'completed', 'success'),
            ],
          },
        };
      }
      if (req.path === `${base}/check-runs`)
        return { status: 200, body: { total_count: 3, check_runs: page2 } };
      if (req.path === `${base}/status`) {
        return {
          status: 200,
          body: {
            state: 'success',
            sha: SHA,
            total_count: 1,
            statuses: [
              {
                id: 9,
                context: 'build',
                state: 'success',
                target_url: 'https://ci.example.com/9',
                description: 'Build passed',
              },
            ],
          },
        };
      }
      return notFound;
    };
  }

  it('follows pagination, takes the newest run of a re-run check, and reads commit statuses', async () => {
    const api = await client(ciServer([checkRun(7, 'lint', 'completed', 'success')]));
    const ci = await api.ciStatus('hearloveen/platform', SHA, ['lint', 'unit-tests', 'build']);
    expect(ci.state).toBe('pass');
    expect(ci.checks.map((c) => [c.name, c.source, c.state])).toEqual([
      ['lint', 'check-run', 'pass'],
      ['unit-tests', 'check-run', 'pass'],
      ['build', 'status', 'pass'],
    ]);
    expect(gh?.seen.map((r) => `${r.path}?${r.query}`)).toEqual([
      `/repos/hearloveen/platform/commits/${SHA}/check-runs?per_page=100`,
      `/repos/hearloveen/platform/commits/${SHA}/check-runs?per_page=100&page=2`,
      `/repos/hearloveen/platform/commits/${SHA}/status?per_page=100`,
    ]);
  });

  it('reports in-progress and missing checks as pending', async () => {
    const api = await client(ciServer([checkRun(7, 'lint', 'in_progress', null)]));
    const ci = await api.ciStatus('hearloveen/platform', SHA, ['lint', 'e2e']);
    expect(ci).toMatchObject({ state: 'pending', missing: ['e2e'] });
  });

  it('refuses to follow a link to another origin (the token would go with it)', async () => {
    const api = await client(() => ({
      status: 200,
      headers: { link: '<https://evil.example/steal?page=2>; rel="next"' },
      body: { total_count: 0, check_runs: [] },
    }));
    const e = await failure(api.ciStatus('hearloveen/platform', SHA, ['lint']));
    expect(e.message).toContain('another origin');
    expect(gh?.seen).toHaveLength(1);
  });

  it('validates the commit SHA', async () => {
    const api = await client(() => notFound);
    expect(await failure(api.ciStatus('hearloveen/platform', 'main/../x', ['lint']))).toMatchObject({
      code: 'github-invalid-input',
    });
  });
});

describe('deployments', () => {
  const deployment = (id: number, deploymentId: string) => ({
    url: `https://api.github.com/repos/hearloveen/platform/deployments/${id}`,
    id,
    sha: SHA,
    ref: SHA,
    task: 'deploy',
    payload: { gantry_deployment_id: deploymentId, image: 'x' },
    environment: 'production',
    statuses_url: `https://api.github.com/repos/hearloveen/platform/deployments/${id}/statuses`,
    production_environment: true,
  });

  it('creates a deployment with auto-merge and required contexts off, once per Gantry deployment', async () => {
    const created: unknown[] = [];
    const api = await client((req) => {
      if (req.method === 'GET') return { status: 200, body: created };
      created.push(
        deployment(
          41,
          (req.body as { payload: { gantry_deployment_id: string } }).payload.gantry_deployment_id,
        ),
      );
      return { status: 201, body: created.at(-1) };
    });
    const input = {
      ref: SHA,
      environment: 'production',
      deploymentId: 'apigateway-5ba05ba05ba0',
      image: 'img',
      description: 'x'.repeat(200),
    };
    expect(await api.createDeployment('hearloveen/platform', input)).toEqual({
      id: 41,
      statusesUrl: expect.stringContaining('/deployments/41/statuses'),
    });
    // A retried activity finds the deployment instead of creating a second one.
    expect(await api.createDeployment('hearloveen/platform', input)).toMatchObject({ id: 41 });
    const posts = gh?.seen.filter((r) => r.method === 'POST') ?? [];
    expect(posts).toHaveLength(1);
    expect(posts[0]?.body).toMatchObject({
      auto_merge: false,
      required_contexts: [],
      environment: 'production',
      production_environment: true,
    });
    expect((posts[0]?.body as { description: string }).description).toHaveLength(140);
    expect(gh?.seen[0]?.query.get('environment')).toBe('production');
  });

  it('treats a 202 auto-merge answer as retryable (no deployment was created)', async () => {
    const api = await client((req) =>
      req.method === 'GET'
        ? { status: 200, body: [] }
        : { status: 202, body: { message: 'Auto-merged master into topic-branch on deployment.' } },
    );
    const input = { ref: 'topic-branch', environment: 'staging', deploymentId: 'd-1', image: 'img' };
    expect(await failure(api.createDeployment('hearloveen/platform', input))).toMatchObject({
      retryable: true,
      status: 202,
    });
  });

  it('sets a deployment status and validates its URLs', async () => {
    const api = await client(() => ({ status: 201, body: { id: 77, state: 'success' } }));
    const input = {
      state: 'success' as const,
      logUrl: 'https://gantry.example/deployments/d-1',
      environmentUrl: 'https://app.example.com',
    };
    expect(await api.setDeploymentStatus('hearloveen/platform', 41, input)).toEqual({ id: 77 });
    expect(gh?.seen[0]).toMatchObject({
      path: '/repos/hearloveen/platform/deployments/41/statuses',
      body: {
        state: 'success',
        log_url: input.logUrl,
        environment_url: input.environmentUrl,
        auto_inactive: true,
      },
    });
    await failure(
      api.setDeploymentStatus('hearloveen/platform', 41, { state: 'success', logUrl: 'javascript:alert(1)' }),
    );
    await failure(api.setDeploymentStatus('hearloveen/platform', -1, { state: 'success' }));
    expect(gh?.seen).toHaveLength(1);
  });
});
