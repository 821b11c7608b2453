/* eslint-disable @typescript-eslint/no-require-imports -- the point of this file: see below */
/**
 * The modules the composition root loads on first use (through `lazy()`, shared/lazy.ts), each behind
 * the heavy SDK it wraps; and the request handlers that validate a pipeline-file `canary` block
 * (rejudge, backtest), which load the pipeline file's zod schemas (shared/zod.ts: not at start), and
 * the API description (a dozen modules for one rarely asked route). `require`, not `import()`: the app is CommonJS, and the ESM loader would not
 * share the module cache the rest of the app uses (a second copy of a module and of its error classes).
 */
export const modules = {
  aks: () => require('../shared/adapters/aks.js') as typeof import('../shared/adapters/aks.js'),
  acr: () => require('../shared/adapters/acr.js') as typeof import('../shared/adapters/acr.js'),
  appInsights: () =>
    require('../shared/adapters/app-insights.js') as typeof import('../shared/adapters/app-insights.js'),
  backtest: () => require('../shared/app/backtest.js') as typeof import('../shared/app/backtest.js'),
  configFile: () =>
    require('../shared/adapters/config-file.js') as typeof import('../shared/adapters/config-file.js'),
  identity: () =>
    require('../shared/adapters/identity.js') as typeof import('../shared/adapters/identity.js'),
  keyVault: () =>
    require('../shared/adapters/key-vault.js') as typeof import('../shared/adapters/key-vault.js'),
  kubeClient: () =>
    require('../shared/adapters/kube-client.js') as typeof import('../shared/adapters/kube-client.js'),
  kubernetes: () =>
    require('../shared/adapters/kubernetes.js') as typeof import('../shared/adapters/kubernetes.js'),
  kubernetesJobs: () =>
    require('../shared/adapters/kubernetes-jobs.js') as typeof import('../shared/adapters/kubernetes-jobs.js'),
  openapi: () => require('../shared/app/openapi.js') as typeof import('../shared/app/openapi.js'),
  rejudge: () => require('../shared/app/rejudge.js') as typeof import('../shared/app/rejudge.js'),
  routers: () => require('../shared/adapters/routers.js') as typeof import('../shared/adapters/routers.js'),
  serviceBus: () =>
    require('../shared/adapters/service-bus.js') as typeof import('../shared/adapters/service-bus.js'),
  slack: () => require('../shared/adapters/slack.js') as typeof import('../shared/adapters/slack.js'),
  slackUsers: () =>
    require('../shared/adapters/slack-users.js') as typeof import('../shared/adapters/slack-users.js'),
  tableStore: () =>
    require('../shared/adapters/table-store.js') as typeof import('../shared/adapters/table-store.js'),
};
