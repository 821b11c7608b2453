import type { TokenCredential } from '@azure/identity';
import { AcrImageRegistry } from '../shared/adapters/acr.js';
import { AksCredentials } from '../shared/adapters/aks.js';
import { ArgoCdGitOps } from '../shared/adapters/argocd.js';
import { systemClock } from '../shared/adapters/clock.js';
import { KeyVaultSecrets } from '../shared/adapters/key-vault.js';
import { NoopNotifier, ServiceBusNotifier } from '../shared/adapters/service-bus.js';
import { GitHubClient } from '../shared/adapters/github.js';
import { StaticKubeConfig, type KubeConfigSource } from '../shared/adapters/kube-client.js';
import { KubernetesCluster } from '../shared/adapters/kubernetes.js';
import { KubernetesJobs } from '../shared/adapters/kubernetes-jobs.js';
import { PrometheusMetrics } from '../shared/adapters/prometheus.js';
import { TrafficRouters } from '../shared/adapters/routers.js';
import { JobScanRunner } from '../shared/adapters/scan-runner.js';
import { HttpSmokeRunner } from '../shared/adapters/smoke.js';
import type { AppSettings } from '../shared/config.js';
import type { Ports } from '../shared/ports/index.js';
import type { SmokeRunner } from '../shared/ports/runners.js';
import { processRedactor, reportSecretRefreshFailure } from '../shared/telemetry/registry.js';

/** A value read from Key Vault joins the redaction list, so telemetry never carries it. */
function rememberSecret(value: string): string {
  processRedactor().remember(value);
  return value;
}

/** A port whose adapter is not configured: every call fails with a clear error (and is retried). */
export function unconfigured<T extends object>(system: string, settings: string): T {
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

type OutsidePorts = Pick<
  Ports,
  | 'gitops'
  | 'cluster'
  | 'router'
  | 'metrics'
  | 'scans'
  | 'smoke'
  | 'tests'
  | 'notifier'
  | 'source'
  | 'registry'
>;

/** Local registry endpoints (the sandbox's) from `GANTRY_REGISTRY_HOST_MAP`; Azure uses none. */
function registryEndpoints(settings: AppSettings): Record<string, string> {
  if (!settings.GANTRY_REGISTRY_HOST_MAP) return {};
  const map = JSON.parse(settings.GANTRY_REGISTRY_HOST_MAP) as unknown;
  if (typeof map !== 'object' || map === null || Array.isArray(map))
    throw new Error('GANTRY_REGISTRY_HOST_MAP must be a JSON object of registry host to URL');
  return Object.fromEntries(Object.entries(map).map(([host, url]) => [host, String(url)]));
}

function smokeRunner(settings: AppSettings): SmokeRunner {
  const runner = new HttpSmokeRunner();
  if (!settings.GANTRY_SMOKE_HOST_MAP) return runner;
  const map = JSON.parse(settings.GANTRY_SMOKE_HOST_MAP) as Record<string, string>;
  return {
    run: (check) => {
      const url = new URL(check.url);
      const base = map[url.host];
      return runner.run(
        base ? { ...check, url: `${base.replace(/\/$/, '')}${url.pathname}${url.search}` } : check,
      );
    },
  };
}

/**
 * Builds the adapters for the outside systems from settings; each one that is not configured answers
 * "not configured". Credentials come from the managed identity when the settings name no token.
 */
export function buildOutsidePorts(settings: AppSettings, credential: () => TokenCredential): OutsidePorts {
  const kubeconfigs: KubeConfigSource = settings.GANTRY_KUBE_SERVER
    ? StaticKubeConfig.fromServer({ server: settings.GANTRY_KUBE_SERVER, token: settings.GANTRY_KUBE_TOKEN })
    : new AksCredentials({ credential: credential() });
  const githubToken = settings.GANTRY_GITHUB_TOKEN;
  const github = githubToken
    ? new GitHubClient({ apiUrl: settings.GANTRY_GITHUB_API_URL, token: () => githubToken })
    : undefined;
  const scanTarget = settings.GANTRY_SCAN_TARGET?.split('/');
  const secrets = settings.GANTRY_KEYVAULT_URI
    ? KeyVaultSecrets.create(settings.GANTRY_KEYVAULT_URI, credential(), {
        clock: systemClock,
        onRefreshError: (name, error) => void reportSecretRefreshFailure(name, error),
      })
    : undefined;
  const fixedArgoToken = settings.GANTRY_ARGOCD_TOKEN;
  const argoSecret = settings.GANTRY_ARGOCD_TOKEN_SECRET;
  const argoToken = fixedArgoToken
    ? () => fixedArgoToken
    : secrets
      ? () => secrets.get(argoSecret).then(rememberSecret)
      : undefined;
  const promToken = settings.GANTRY_PROMETHEUS_TOKEN;
  return {
    gitops:
      settings.GANTRY_ARGOCD_URL && argoToken
        ? new ArgoCdGitOps({
            baseUrl: settings.GANTRY_ARGOCD_URL,
            token: argoToken,
            project: settings.GANTRY_ARGOCD_PROJECT,
            // A rotated token: drop the cached one so the activity's retry reads the new version.
            ...(!fixedArgoToken && secrets && { onTokenRejected: () => secrets.invalidate(argoSecret) }),
          })
        : unconfigured('Argo CD', 'GANTRY_ARGOCD_URL and GANTRY_ARGOCD_TOKEN or GANTRY_KEYVAULT_URI'),
    cluster: new KubernetesCluster({ kubeconfigs }),
    router: new TrafficRouters({ kubeconfigs }),
    metrics: settings.GANTRY_PROMETHEUS_URL
      ? new PrometheusMetrics({
          baseUrl: settings.GANTRY_PROMETHEUS_URL,
          auth:
            settings.GANTRY_PROMETHEUS_AUTH === 'entra'
              ? { kind: 'entra', credential: credential() }
              : settings.GANTRY_PROMETHEUS_AUTH === 'bearer' && promToken
                ? { kind: 'bearer', token: async () => promToken }
                : { kind: 'none' },
        })
      : unconfigured('Prometheus', 'GANTRY_PROMETHEUS_URL'),
    scans: scanTarget
      ? new JobScanRunner({
          jobs: new KubernetesJobs({
            kubeconfigs,
            ...(settings.GANTRY_SCAN_SERVICE_ACCOUNT && {
              serviceAccountName: settings.GANTRY_SCAN_SERVICE_ACCOUNT,
            }),
          }),
          target: {
            subscriptionId: scanTarget[0] as string,
            resourceGroup: scanTarget[1] as string,
            cluster: scanTarget[2] as string,
            namespace: scanTarget[3] as string,
          },
          github,
        })
      : unconfigured('the scan runner', 'GANTRY_SCAN_TARGET'),
    smoke: smokeRunner(settings),
    tests: github ?? unconfigured('GitHub', 'GANTRY_GITHUB_TOKEN'),
    ...(github && { source: github }),
    registry: new AcrImageRegistry({ credential, endpoints: registryEndpoints(settings) }),
    notifier: settings.GANTRY_SERVICEBUS_NAMESPACE
      ? ServiceBusNotifier.create(settings.GANTRY_SERVICEBUS_NAMESPACE, credential(), systemClock)
      : new NoopNotifier(),
  };
}
