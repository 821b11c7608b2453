import { FileConfigSource } from '../shared/adapters/config-file.js';
import { systemClock } from '../shared/adapters/clock.js';
import { TableRunStore } from '../shared/adapters/table-store.js';
import { setPortsBuilder } from '../shared/composition.js';
import type { AppSettings } from '../shared/config.js';
import type { Ports } from '../shared/ports/index.js';

/** A port whose real adapter is not configured: every call fails with a clear, retryable error. */
function unconfigured<T extends object>(system: string, settings: string): T {
  return new Proxy({} as T, {
    get: (_target, property) => {
      if (property === 'then') return undefined; // not a thenable
      return () =>
        Promise.reject(
          new Error(`${system} is not configured (set ${settings}); cannot call ${String(property)}.`),
        );
    },
  });
}

const noopNotifier: Ports['notifier'] = { publish: async () => {} };

/**
 * The composition root: the one place that builds adapters from settings. Adapters for Argo CD, AKS,
 * Prometheus and GitHub arrive with the adapters work; until then those ports answer "not configured".
 */
async function build(settings: AppSettings, provided: Partial<Ports>): Promise<Ports> {
  const config = provided.config ?? FileConfigSource.load(settings.GANTRY_CONFIG_PATH);
  const store =
    provided.store ??
    (settings.storage.kind === 'connection-string'
      ? await TableRunStore.create({
          connectionString: settings.storage.value,
          tablePrefix: settings.GANTRY_TABLE_PREFIX,
        })
      : await TableRunStore.create({
          endpoint: `https://${settings.storage.name}.table.core.windows.net`,
          credential: await managedIdentity(),
          tablePrefix: settings.GANTRY_TABLE_PREFIX,
        }));
  return {
    config,
    store,
    gitops: unconfigured('Argo CD', 'GANTRY_ARGOCD_URL'),
    cluster: unconfigured('AKS', 'the production cluster settings'),
    router: unconfigured('the traffic router', 'the production cluster settings'),
    metrics: unconfigured('Prometheus', 'GANTRY_PROMETHEUS_URL'),
    scans: unconfigured('the scan runner', 'the staging cluster settings'),
    smoke: unconfigured('smoke checks', 'the adapters'),
    tests: unconfigured('GitHub', 'GANTRY_GITHUB_TOKEN'),
    notifier: noopNotifier,
    clock: systemClock,
  };
}

async function managedIdentity() {
  const { DefaultAzureCredential } = await import('@azure/identity');
  return new DefaultAzureCredential();
}

setPortsBuilder(build);
