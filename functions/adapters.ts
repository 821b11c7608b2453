import type { TokenCredential } from '@azure/identity';
import type { KubeConfigSource } from '../shared/adapters/kube-client.js';
import type { KeyVaultSecrets } from '../shared/adapters/key-vault.js';
import { ArgoCdGitOps } from '../shared/adapters/argocd.js';
import { systemClock } from '../shared/adapters/clock.js';
import { GitHubClient } from '../shared/adapters/github.js';
import { withGitWriteBack } from './git-writeback.js';
import { PrometheusMetrics } from '../shared/adapters/prometheus.js';
import { providerMetrics } from '../shared/adapters/metrics-providers.js';
import { JobScanRunner } from '../shared/adapters/scan-runner.js';
import { HttpSmokeRunner } from '../shared/adapters/smoke.js';
import { NoopNotifier } from '../shared/adapters/noop-notifier.js';
import { TeamsWorkflowChat } from '../shared/adapters/teams.js';
import type { ChatChannels } from '../shared/ports/chat.js';
import { lazy } from '../shared/lazy.js';
import { modules } from './modules.js';
import { kubeServers, settingMap, type AppSettings } from '../shared/config.js';
import type { Ports } from '../shared/ports/index.js';
import type { ChatInbound } from '../shared/ports/chat.js';
import type { ScanRunner, SmokeRunner } from '../shared/ports/runners.js';
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
  | 'chat'
  | 'chatInbound'
>;

/**
 * Slack and Teams: each provider only with its settings. A route to a provider without them is not
 * skipped: its deliveries are recorded on the timeline as notification failures naming the setting.
 */
export function chatChannels(settings: AppSettings): ChatChannels {
  const token = settings.GANTRY_SLACK_BOT_TOKEN;
  const host = settings.WEBSITE_HOSTNAME;
  return {
    publicUrl: settings.GANTRY_PUBLIC_URL ?? (host ? `https://${host}` : 'http://localhost:7071'),
    ...(token && {
      slack: lazy(async () => {
        const { SlackWebChat } = modules.slack();
        return new SlackWebChat({ token, apiUrl: settings.GANTRY_SLACK_API_URL });
      }),
    }),
    ...(Object.keys(settings.teamsWebhooks).length > 0 && {
      teams: new TeamsWorkflowChat({ webhooks: settings.teamsWebhooks }),
    }),
  };
}

/** Local registry endpoints (the sandbox's) from `GANTRY_REGISTRY_HOST_MAP`; Azure uses none. */
function registryEndpoints(settings: AppSettings): Record<string, string> {
  return settingMap(settings.GANTRY_REGISTRY_HOST_MAP);
}

function smokeRunner(settings: AppSettings): SmokeRunner {
  const runner = new HttpSmokeRunner();
  if (!settings.GANTRY_SMOKE_HOST_MAP) return runner;
  const map = settingMap(settings.GANTRY_SMOKE_HOST_MAP);
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
 * Kubeconfigs for every cluster adapter: a fixed server per cluster name or one for all (the sandbox),
 * else AKS through ARM.
 */
function kubeConfigSource(settings: AppSettings, credential: () => TokenCredential): KubeConfigSource {
  const server = settings.GANTRY_KUBE_SERVER;
  const servers = kubeServers(settings);
  return lazy(async () => {
    if (Object.keys(servers).length > 0) {
      const { ServerPerCluster } = modules.kubeClient();
      return new ServerPerCluster(servers, settings.GANTRY_KUBE_TOKEN);
    }
    if (!server) {
      const { AksCredentials } = modules.aks();
      return new AksCredentials({ credential: credential() });
    }
    const { StaticKubeConfig } = modules.kubeClient();
    return StaticKubeConfig.fromServer({ server, token: settings.GANTRY_KUBE_TOKEN });
  });
}

function keyVault(vaultUrl: string, credential: () => TokenCredential): KeyVaultSecrets {
  return lazy(async () => {
    const { KeyVaultSecrets } = modules.keyVault();
    return KeyVaultSecrets.create(vaultUrl, credential(), {
      clock: systemClock,
      onRefreshError: (name, error) => void reportSecretRefreshFailure(name, error),
    });
  });
}

/** Slack's client loads with the first slash command or button press, not with every worker. */
function slackInbound(token: string, slackApiUrl: string): ChatInbound {
  return lazy(async () => {
    const { SlackInbound } = modules.slackUsers();
    return new SlackInbound({ token, slackApiUrl });
  });
}

/** Image scans run as Kubernetes Jobs in the cluster `GANTRY_SCAN_TARGET` names. */
function scanRunner(
  settings: AppSettings,
  scanTarget: string[],
  kubeconfigs: KubeConfigSource,
  github: GitHubClient | undefined,
): ScanRunner {
  return new JobScanRunner({
    jobs: lazy(async () => {
      const { KubernetesJobs } = modules.kubernetesJobs();
      return new KubernetesJobs({
        kubeconfigs,
        ...(settings.GANTRY_SCAN_SERVICE_ACCOUNT && {
          serviceAccountName: settings.GANTRY_SCAN_SERVICE_ACCOUNT,
        }),
      });
    }),
    target: {
      subscriptionId: scanTarget[0] as string,
      resourceGroup: scanTarget[1] as string,
      cluster: scanTarget[2] as string,
      namespace: scanTarget[3] as string,
    },
    github,
  });
}

/**
 * Builds the adapters for the outside systems from settings; each one that is not configured answers
 * "not configured". Credentials come from the managed identity when the settings name no token.
 * Adapters over a heavy SDK (Kubernetes, ARM, ACR, Key Vault, Service Bus) are `lazy`: their module loads
 * on first use, so a cold worker answering a webhook or a health check never loads them.
 */
export function buildOutsidePorts(settings: AppSettings, credential: () => TokenCredential): OutsidePorts {
  const kubeconfigs = kubeConfigSource(settings, credential);
  const githubToken = settings.GANTRY_GITHUB_TOKEN;
  const github = githubToken
    ? new GitHubClient({ apiUrl: settings.GANTRY_GITHUB_API_URL, token: () => githubToken })
    : undefined;
  const scanTarget = settings.GANTRY_SCAN_TARGET?.split('/');
  const secrets = settings.GANTRY_KEYVAULT_URI
    ? keyVault(settings.GANTRY_KEYVAULT_URI, credential)
    : undefined;
  const fixedArgoToken = settings.GANTRY_ARGOCD_TOKEN;
  const argoSecret = settings.GANTRY_ARGOCD_TOKEN_SECRET;
  const argoToken = fixedArgoToken
    ? () => fixedArgoToken
    : secrets
      ? () => secrets.get(argoSecret).then(rememberSecret)
      : undefined;
  const promToken = settings.GANTRY_PROMETHEUS_TOKEN;
  const serviceBus = settings.GANTRY_SERVICEBUS_NAMESPACE;
  const endpoints = registryEndpoints(settings); // a bad map fails the build, not the first push
  return {
    gitops: withGitWriteBack(
      settings.GANTRY_ARGOCD_URL && argoToken
        ? new ArgoCdGitOps({
            baseUrl: settings.GANTRY_ARGOCD_URL,
            token: argoToken,
            project: settings.GANTRY_ARGOCD_PROJECT,
            // A rotated token: drop the cached one so the activity's retry reads the new version.
            ...(!fixedArgoToken && secrets && { onTokenRejected: () => secrets.invalidate(argoSecret) }),
          })
        : unconfigured('Argo CD', 'GANTRY_ARGOCD_URL and GANTRY_ARGOCD_TOKEN or GANTRY_KEYVAULT_URI'),
      settings,
      secrets,
    ),
    cluster: lazy(async () => {
      const { KubernetesCluster } = modules.kubernetes();
      return new KubernetesCluster({ kubeconfigs });
    }),
    router: lazy(async () => {
      const { TrafficRouters } = modules.routers();
      return new TrafficRouters({ kubeconfigs });
    }),
    metrics: providerMetrics(
      settings.GANTRY_PROMETHEUS_URL
        ? new PrometheusMetrics({
            baseUrl: settings.GANTRY_PROMETHEUS_URL,
            mode: settings.GANTRY_PROMETHEUS_MODE,
            auth:
              settings.GANTRY_PROMETHEUS_AUTH === 'entra' ||
              settings.GANTRY_PROMETHEUS_MODE === 'azure-monitor'
                ? { kind: 'entra', credential: credential() }
                : settings.GANTRY_PROMETHEUS_AUTH === 'bearer' && promToken
                  ? { kind: 'bearer', token: async () => promToken }
                  : { kind: 'none' },
          })
        : unconfigured('Prometheus', 'GANTRY_PROMETHEUS_URL'),
      lazy(async () => {
        const { AppInsightsMetrics } = modules.appInsights();
        return new AppInsightsMetrics({
          credential: credential(),
          workspaceId: settings.GANTRY_APPINSIGHTS_WORKSPACE_ID,
          endpoint: settings.GANTRY_APPINSIGHTS_ENDPOINT,
        });
      }),
    ),
    scans: scanTarget
      ? scanRunner(settings, scanTarget, kubeconfigs, github)
      : unconfigured('the scan runner', 'GANTRY_SCAN_TARGET'),
    smoke: smokeRunner(settings),
    tests: github ?? unconfigured('GitHub', 'GANTRY_GITHUB_TOKEN'),
    ...(github && { source: github }),
    registry: lazy(async () => {
      const { AcrImageRegistry } = modules.acr();
      return new AcrImageRegistry({ credential, endpoints });
    }),
    chat: chatChannels(settings),
    ...(settings.GANTRY_SLACK_BOT_TOKEN && {
      chatInbound: slackInbound(settings.GANTRY_SLACK_BOT_TOKEN, settings.GANTRY_SLACK_API_URL),
    }),
    notifier: serviceBus
      ? lazy(async () => {
          const { ServiceBusNotifier } = modules.serviceBus();
          return ServiceBusNotifier.create(serviceBus, credential(), systemClock);
        })
      : new NoopNotifier(),
  };
}
