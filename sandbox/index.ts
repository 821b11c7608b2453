import type { Clock } from '../devhost/durable/types.js';
import { startHttpServer, type RunningHttpServer } from '../devhost/http/server.js';
import type { PipelinePlan } from '../shared/contracts/plan.js';
import { alertmanagerRoutes, SandboxAlertmanager, type AlertmanagerDelivery } from './alertmanager.js';
import { startArgoCdSandbox } from './argocd.js';
import { createChatControlRoutes } from './chat-control.js';
import { clusterServers } from './clusters.js';
import { createControlRoutes } from './control.js';
import { createGitHubRoutes, type GitHubSandboxOptions } from './github.js';
import type { GitHubWebhookDelivery } from './github-webhook.js';
import type { EventGridDelivery } from './registry-push.js';
import { createRegistryRoutes } from './registry.js';
import { startKubernetesSandbox } from './kubernetes.js';
import { startPrometheusSandbox } from './prometheus.js';
import { createSlackStandIn, type SlackStandIn } from './slack.js';
import { createStagingWebRoutes } from './staging-web.js';
import { createTeamsStandIn, type TeamsStandIn } from './teams.js';
import { clustersOf, SANDBOX_REGISTRY, seedWorld } from './seed.js';
import { SandboxWorld } from './world.js';
import { persistWorld } from './world-store.js';

export { clustersOf, SANDBOX_REGISTRY, seedImage, seedWorld } from './seed.js';

export interface SandboxPorts {
  /** The main cluster's Kubernetes API. */
  kubernetes?: number;
  /** Further clusters' Kubernetes APIs, by AKS cluster name (absent: a free port each). */
  clusters?: Record<string, number>;
  argocd?: number;
  prometheus?: number;
  github?: number;
  web?: number;
  control?: number;
  registry?: number;
  slack?: number;
  teams?: number;
}

export interface SandboxOptions {
  clock: Clock;
  /** The services to stand up, as the configuration resolves them. */
  plans: PipelinePlan[];
  /** 0 or absent: a free port each. */
  ports?: SandboxPorts;
  /** Bearer tokens the stand-ins require (not secrets: the sandbox only listens on loopback). */
  tokens: { kubernetes: string; argocd: string; github: string; slack?: string };
  /** Where finished test workflows are reported (the dev host's Durable API). */
  deliverTestResult: GitHubSandboxOptions['deliver'];
  /** Where registry pushes deliver ACR's Event Grid events (the dev host's Event Grid route). */
  deliverRegistryEvents?: EventGridDelivery;
  /** A file the world is kept in across restarts (see world-store.ts); absent: in memory only. */
  worldFile?: string;
  /** Where `alert` faults are delivered as Alertmanager webhooks (alertmanager.ts); absent: not sent. */
  deliverAlerts?: AlertmanagerDelivery;
  /** The sandbox GitHub's repository webhook (a merge sends `pull_request`); absent: none configured. */
  deliverGitHubWebhook?: GitHubWebhookDelivery;
  /**
   * Services not seeded: their Deployments, router objects and Argo CD applications come from
   * elsewhere, e.g. an onboarding kit (`gantry init`) applied through the Kubernetes and Argo CD APIs.
   */
  unseeded?: readonly string[];
}

/**
 * Delivers registry events to the dev host's Event Grid route as Event Grid does (`aeg-*` headers,
 * Event Grid schema); `hostUrl` is read at delivery time.
 */
export function deliverEventGrid(hostUrl: () => string, functionName = 'acrEventGrid'): EventGridDelivery {
  return async (events) => {
    const res = await fetch(`${hostUrl()}/runtime/webhooks/eventgrid?functionName=${functionName}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'aeg-event-type': 'Notification',
        'aeg-subscription-name': 'GANTRY-ACR',
        'aeg-delivery-count': '0',
        'aeg-data-version': '1.0',
        'aeg-metadata-version': '1',
      },
      body: JSON.stringify(events),
    });
    await res.body?.cancel();
    return res.status;
  };
}

/**
 * Delivers a finished test workflow to the waiting tests phase through the host's Durable HTTP API, as
 * Gantry's GitHub webhook would; `hostUrl` is read at delivery time (the host starts after the sandbox).
 */
export function deliverToHost(hostUrl: () => string): SandboxOptions['deliverTestResult'] {
  return async (deploymentId, result) => {
    const instance = encodeURIComponent(`deploy:${deploymentId}:tests`);
    await fetch(`${hostUrl()}/runtime/webhooks/durabletask/instances/${instance}/raiseEvent/testResult`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(result),
    });
  };
}

export interface Sandbox {
  world: SandboxWorld;
  /** Present when `deliverAlerts` was given. */
  alertmanager?: SandboxAlertmanager;
  /** True when the world was restored from `worldFile`. */
  restored: boolean;
  urls: {
    /** The main cluster's Kubernetes API. */
    kubernetes: string;
    /** Every cluster's Kubernetes API by AKS cluster name, main cluster first (GANTRY_KUBE_SERVERS). */
    clusters: Record<string, string>;
    argocd: string;
    prometheus: string;
    github: string;
    web: string;
    control: string;
    registry: string;
    /** The Slack Web API stand-in (`<url>/api/` is the API base). */
    slack: string;
    /** The Teams Workflows webhook stand-in (`<url>/workflows/<name>`). */
    teams: string;
  };
  /** What the chat stand-ins received (also at `GET /sandbox/slack` and `/sandbox/teams`). */
  slack: Omit<SlackStandIn, 'close' | 'url' | 'apiUrl'>;
  teams: Omit<TeamsStandIn, 'close' | 'url'>;
  close(): Promise<void>;
}

/** One Kubernetes API per cluster; the main cluster's is returned. */
async function startClusters(
  world: SandboxWorld,
  ports: SandboxPorts,
  token: string,
  started: Array<{ close(): Promise<void> }>,
): Promise<{ url: string }> {
  for (const cluster of world.clusters.values()) {
    const own = ports.clusters?.[cluster.cluster];
    const port = cluster === world ? (ports.kubernetes ?? own) : own;
    const server = await startKubernetesSandbox(cluster, { port, token });
    started.push(server);
    cluster.apiUrl = server.url;
  }
  return { url: world.apiUrl as string };
}

/**
 * Starts the sandbox cluster: Kubernetes API, Argo CD API, Prometheus (traffic model), GitHub, the
 * staging services' health endpoints, the container registry and the control API, all on loopback and on the given clock.
 */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const world = new SandboxWorld(options.clock, clustersOf(options.plans)[0]);
  for (const cluster of clustersOf(options.plans)) world.addCluster(cluster);
  const seeded = options.plans.filter((p) => !options.unseeded?.includes(p.service));
  const file = options.worldFile
    ? persistWorld(world, options.worldFile, () => seedWorld(world, seeded))
    : (seedWorld(world, seeded), undefined);
  const ports = options.ports ?? {};
  const stagingNamespace = options.plans[0]?.staging.namespace ?? 'staging';
  const started: Array<{ close(): Promise<void> }> = [];
  try {
    const kubernetes = await startClusters(world, ports, options.tokens.kubernetes, started);
    const argocd = await startArgoCdSandbox(world, { port: ports.argocd, token: options.tokens.argocd });
    started.push(argocd);
    const prometheus = await startPrometheusSandbox(world, { port: ports.prometheus });
    started.push(prometheus);
    const serve = async (
      port: number | undefined,
      routes: Parameters<typeof startHttpServer>[0]['routes'],
    ): Promise<RunningHttpServer> => {
      const server = await startHttpServer({ port, routes });
      started.push(server);
      return server;
    };
    const github = await serve(ports.github, [
      createGitHubRoutes(world, {
        token: options.tokens.github,
        deliver: options.deliverTestResult,
        ...(options.deliverGitHubWebhook && { deliverWebhook: options.deliverGitHubWebhook }),
      }),
    ]);
    const web = await serve(ports.web, [createStagingWebRoutes(world, stagingNamespace)]);
    const now = () => options.clock.now();
    let slackUrl = '';
    const slack = createSlackStandIn({ token: options.tokens.slack ?? '', now }, () => slackUrl);
    const teams = createTeamsStandIn(now);
    const controlRoutes = createControlRoutes(world, {
      registry: SANDBOX_REGISTRY,
      plans: options.plans,
      deliver: options.deliverRegistryEvents,
    });
    const alertmanager =
      options.deliverAlerts &&
      new SandboxAlertmanager(world, options.clock, {
        deliver: options.deliverAlerts,
        prometheusUrl: prometheus.url,
      });
    if (alertmanager) started.push({ close: async () => alertmanager.close() });
    const control = await serve(ports.control, [
      alertmanager ? alertmanagerRoutes(alertmanager, controlRoutes) : controlRoutes,
      createChatControlRoutes({
        slack: {
          faults: slack.faults,
          view: () => ({ messages: slack.messages(), calls: slack.calls, responses: slack.responses }),
        },
        teams: { faults: teams.faults, view: () => ({ posts: teams.posts }) },
      }),
    ]);
    const registry = await serve(ports.registry, [createRegistryRoutes(world)]);
    const slackServer = await serve(ports.slack, [slack.route]);
    slackUrl = slackServer.url;
    const teamsServer = await serve(ports.teams, [teams.route]);
    return {
      world,
      ...(alertmanager && { alertmanager }),
      restored: file?.restored ?? false,
      urls: {
        kubernetes: kubernetes.url,
        clusters: clusterServers(world),
        argocd: argocd.url,
        prometheus: prometheus.url,
        github: github.url,
        web: web.url,
        control: control.url,
        registry: registry.url,
        slack: slackServer.url,
        teams: teamsServer.url,
      },
      slack,
      teams,
      close: async () => {
        await Promise.all(started.map((s) => s.close()));
        file?.save();
      },
    };
  } catch (error) {
    await Promise.all(started.map((s) => s.close()));
    throw error;
  }
}
