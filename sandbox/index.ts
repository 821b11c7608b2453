import type { Clock } from '../devhost/durable/types.js';
import { startHttpServer, type RunningHttpServer } from '../devhost/http/server.js';
import type { ImageBinding, PipelinePlan } from '../shared/contracts/plan.js';
import { alertmanagerRoutes, SandboxAlertmanager, type AlertmanagerDelivery } from './alertmanager.js';
import { addApplication, startArgoCdSandbox } from './argocd.js';
import { seedGitTarget } from './git-seed.js';
import { createChatControlRoutes } from './chat-control.js';
import { createControlRoutes } from './control.js';
import { createGitHubRoutes, type GitHubSandboxOptions } from './github.js';
import type { GitHubWebhookDelivery } from './github-webhook.js';
import { gitRepositoryOf, type EventGridDelivery, type RegistryIdentity } from './registry-push.js';
import { createRegistryRoutes } from './registry.js';
import { defaultRevision } from './registry-store.js';
import { addWorkload, startKubernetesSandbox } from './kubernetes.js';
import { startPrometheusSandbox } from './prometheus.js';
import { createSlackStandIn, type SlackStandIn } from './slack.js';
import { createStagingWebRoutes } from './staging-web.js';
import { createTeamsStandIn, type TeamsStandIn } from './teams.js';
import { SandboxWorld } from './world.js';
import { persistWorld } from './world-store.js';

export interface SandboxPorts {
  kubernetes?: number;
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

/** The registry host images are pushed to when no service names one, and the build's identity. */
export const SANDBOX_REGISTRY: RegistryIdentity = { host: 'hearloveen.azurecr.io', actor: 'sandbox-build' };

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
    kubernetes: string;
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

/**
 * The release "already running" before the first push: version 0.9.0 of the service's repository, pushed
 * into the sandbox registry with a revision the sandbox GitHub reports green.
 */
export function seedImage(world: SandboxWorld, plan: PipelinePlan): string {
  const registry = plan.provenance?.registry ?? SANDBOX_REGISTRY.host;
  const repository = plan.provenance?.repository ?? plan.production.deployment;
  const repo = gitRepositoryOf(plan);
  const pushed = world.pushImage({
    repository,
    tag: '0.9.0',
    revision: defaultRevision(repository, '0.9.0'),
    source: repo ? `https://github.com/${repo}` : undefined,
    version: '0.9.0',
    platforms: ['linux/amd64'],
  });
  return `${registry}/${repository}:0.9.0@${pushed.digest}`;
}

const bindingOptions = (binding: ImageBinding) =>
  binding.kind === 'helm-parameter' ? { helmParameter: binding.parameter } : { kustomizeImage: binding.name };

/** Puts each service's workloads, router objects and Argo CD applications (staging and production) in the world. */
export function seedWorld(world: SandboxWorld, plans: PipelinePlan[]): void {
  for (const plan of plans) {
    const image = seedImage(world, plan);
    const prod = plan.production;
    addWorkload(world, {
      namespace: prod.namespace,
      deployment: prod.deployment,
      canaryDeployment: prod.canaryDeployment,
      image,
      router: prod.router,
    });
    addApplication(world, {
      name: prod.argoApp,
      namespace: prod.namespace,
      deployment: prod.deployment,
      image,
      ...bindingOptions(prod.image),
      ...seedGitTarget(world, prod.image, image),
    });
    const stagingNamespace = plan.staging.namespace ?? `${prod.namespace}-staging`;
    addApplication(world, {
      name: plan.staging.argoApp,
      namespace: stagingNamespace,
      deployment: prod.deployment,
      image,
      ...bindingOptions(plan.staging.image),
      ...seedGitTarget(world, plan.staging.image, image),
    });
  }
}

/**
 * Starts the sandbox cluster: Kubernetes API, Argo CD API, Prometheus (traffic model), GitHub, the
 * staging services' health endpoints, the container registry and the control API, all on loopback and on the given clock.
 */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const world = new SandboxWorld(options.clock);
  const seeded = options.plans.filter((p) => !options.unseeded?.includes(p.service));
  const file = options.worldFile
    ? persistWorld(world, options.worldFile, () => seedWorld(world, seeded))
    : (seedWorld(world, seeded), undefined);
  const ports = options.ports ?? {};
  const stagingNamespace = options.plans[0]?.staging.namespace ?? 'staging';
  const started: Array<{ close(): Promise<void> }> = [];
  try {
    const kubernetes = await startKubernetesSandbox(world, {
      port: ports.kubernetes,
      token: options.tokens.kubernetes,
    });
    started.push(kubernetes);
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
