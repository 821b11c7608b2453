import type { KitContext } from './context.js';

/**
 * The staging test workflows Gantry dispatches (`staging.tests`). Each takes `deployment_id` and `image`
 * as `workflow_dispatch` inputs and puts the deployment id in `run-name`: the `workflow_run` webhook
 * does not carry inputs, so that is how Gantry matches the finished run to its deployment
 * (docs/triggers.md). The steps are the seed's (stage 5); replace them with the service's own.
 */

type Obj = Record<string, unknown>;

const CHECKOUT = { uses: 'actions/checkout@v4' };

function steps(ctx: KitContext, test: string, base: string): Obj[] {
  switch (test) {
    case 'integration':
      return [
        CHECKOUT,
        { uses: 'actions/setup-dotnet@v4', with: { 'dotnet-version': '8.0.x' } },
        {
          run: 'dotnet test --configuration Release --filter "Category=Integration"',
          env: { STAGING_URL: base },
        },
      ];
    case 'e2e':
      return [
        CHECKOUT,
        { uses: 'actions/setup-node@v4', with: { 'node-version': '20' } },
        { run: 'npm ci && npx playwright install --with-deps' },
        { run: 'npx playwright test', env: { BASE_URL: base } },
      ];
    case 'performance':
      return [
        CHECKOUT,
        { uses: 'grafana/setup-k6-action@v1' },
        {
          uses: 'grafana/run-k6-action@v1',
          with: { path: `tests/performance/${ctx.prod.deployment}.js` },
          env: { BASE_URL: base },
        },
      ];
    case 'security':
      return [
        {
          name: 'OWASP ZAP baseline',
          uses: 'zaproxy/action-baseline@v0.14.0',
          with: { target: base, fail_action: true },
        },
      ];
    default:
      return [CHECKOUT, { run: `echo "Run the ${test} tests against ${base}" && exit 1` }];
  }
}

export function testWorkflow(ctx: KitContext, test: string, timeoutMs: number): Obj {
  const base = ctx.staging.baseUrl ?? `https://staging.example.com/${ctx.prod.deployment}`;
  return {
    name: test,
    'run-name': 'Gantry ${{ inputs.deployment_id }}',
    on: {
      workflow_dispatch: {
        inputs: {
          deployment_id: {
            description: 'Gantry deployment id (correlates the run)',
            required: true,
            type: 'string',
          },
          image: { description: 'Image under test, pinned by digest', required: true, type: 'string' },
        },
      },
    },
    permissions: { contents: 'read' },
    // One run per deployment: a retry of the same deployment id replaces the older run.
    concurrency: { group: `${test}-\${{ inputs.deployment_id }}`, 'cancel-in-progress': true },
    jobs: {
      [test]: {
        name: test,
        'runs-on': 'ubuntu-latest',
        'timeout-minutes': Math.max(1, Math.ceil(timeoutMs / 60_000)),
        steps: steps(ctx, test, base),
      },
    },
  };
}

/** `staging.tests` entries that name a workflow file (an entry may name a numeric workflow id instead). */
export function testWorkflowFiles(ctx: KitContext): Array<{ file: string; test: string; timeoutMs: number }> {
  return ctx.tests
    .filter((t) => /\.ya?ml$/.test(t.workflow))
    .map((t) => ({ file: t.workflow, test: t.name, timeoutMs: t.timeout }));
}
