#!/usr/bin/env node
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { banner, parseCli, UsageError, type CliOptions } from '../devhost/cli.js';
import { createClock } from '../devhost/durable/clock.js';
import type { Clock } from '../devhost/durable/types.js';
import { consoleLogger } from '../devhost/function-host.js';
import { readHostSettings } from '../devhost/functions/settings.js';
import { startDevHost, type DevHost } from '../devhost/host.js';
import { FileConfigSource } from '../shared/adapters/config-file.js';
import type { PipelinePlan } from '../shared/contracts/plan.js';
import { clockFile, clockSuffix, isolateClock, keepClock, resumeClock } from './local-clock.js';
import { deliverAlertmanager } from './alertmanager.js';
import { deliverEventGrid, deliverToHost, startSandbox, type Sandbox, type SandboxPorts } from './index.js';
import { deliverGitHubWebhook } from './github-webhook.js';
import {
  applyPortBase,
  LAUNCHER_USAGE,
  portInUseMessage,
  sandboxPorts,
  takePortBase,
} from './start-options.js';

/** Where the launcher listens, for naming a port that is taken. */
const listening: { ports: SandboxPorts; host?: number } = { ports: {} };

/** The environment `npm start` runs the app in: local settings, port base, clock isolation, storage. */
function prepareEnv(options: CliOptions, env: NodeJS.ProcessEnv, portBase: number | undefined) {
  const settings = readHostSettings(options.appDir, env); // local settings into the environment, as the host will do
  if (portBase !== undefined) options.port = applyPortBase(env, portBase);
  const isolated = isolateClock(env, options.clock);
  if (options.storage !== undefined) {
    // One storage setting moves all of the app's storage, as AzureWebJobsStorage does in Azure: the dev
    // host points AzureWebJobsStorage at it, and Gantry's own tables must not stay elsewhere.
    delete env.GANTRY_STORAGE_ACCOUNT;
    if (options.storage.trim() === 'UseDevelopmentStorage=true') delete env.GANTRY_STORAGE;
    else env.GANTRY_STORAGE = options.storage;
  }
  listening.host = options.port ?? settings.localHttpPort ?? 7071;
  // Local state lives beside the Azurite data; with --azurite-in-memory nothing is kept.
  const dataDir =
    options.azuriteLocation === null
      ? undefined
      : (options.azuriteLocation ?? path.join(options.appDir, '.azurite'));
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  return { isolated, dataDir };
}

async function startSandboxFor(
  env: NodeJS.ProcessEnv,
  clock: Clock,
  worldFile: string | undefined,
  hostUrl: () => string,
): Promise<Sandbox | undefined> {
  if (env.GANTRY_SANDBOX !== 'true') return undefined;
  const config = FileConfigSource.load(env.GANTRY_CONFIG_PATH ?? 'config/gantry.example.yaml');
  const plans = config
    .services()
    .map((s) => config.plan(s))
    .filter((p): p is PipelinePlan => p !== undefined);
  listening.ports = sandboxPorts(env);
  return startSandbox({
    clock,
    plans,
    ports: listening.ports,
    tokens: {
      kubernetes: env.GANTRY_KUBE_TOKEN ?? '',
      argocd: env.GANTRY_ARGOCD_TOKEN ?? '',
      github: env.GANTRY_GITHUB_TOKEN ?? '',
      slack: env.GANTRY_SLACK_BOT_TOKEN ?? '',
    },
    deliverTestResult: deliverToHost(hostUrl),
    deliverRegistryEvents: deliverEventGrid(hostUrl),
    deliverAlerts: deliverAlertmanager(hostUrl, env.GANTRY_ALERTMANAGER_TOKEN),
    // A merge in the sandbox GitHub is delivered as its signed `pull_request` webhook, as a repository
    // hook configured with Gantry's secret would.
    ...(env.GANTRY_GITHUB_WEBHOOK_SECRET && {
      deliverGitHubWebhook: deliverGitHubWebhook(hostUrl, env.GANTRY_GITHUB_WEBHOOK_SECRET),
    }),
    worldFile,
  });
}

/**
 * With several clusters and no GANTRY_KUBE_SERVERS in the settings, the app is pointed at each cluster's
 * own Kubernetes API where the sandbox started it (the scan Jobs' cluster, GANTRY_SCAN_TARGET, is the main
 * one). Settings that name the map keep it: the sandbox listened where it points.
 */
function mapClusters(env: NodeJS.ProcessEnv, sandbox: Sandbox): void {
  const { clusters, kubernetes } = sandbox.urls;
  if (Object.keys(clusters).length < 2 || env.GANTRY_KUBE_SERVERS) return;
  const scanCluster = env.GANTRY_SCAN_TARGET?.split('/')[2];
  env.GANTRY_KUBE_SERVERS = JSON.stringify({
    ...(scanCluster && { [scanCluster]: kubernetes }),
    ...clusters,
  });
}

function sandboxBanner(sandbox: Sandbox): string {
  const u = sandbox.urls;
  return [
    `Sandbox cluster (loopback stand-ins on the same clock${sandbox.restored ? '; world restored from the last run' : ''}):`,
    `  kubernetes ${u.kubernetes}  argocd ${u.argocd}  prometheus ${u.prometheus}`,
    ...(Object.keys(u.clusters).length > 1
      ? [
          `  clusters ${Object.entries(u.clusters)
            .map(([name, url]) => `${name} ${url}`)
            .join('  ')}`,
        ]
      : []),
    `  github ${u.github}  staging web ${u.web}  control ${u.control}  registry ${u.registry}`,
    `  slack ${u.slack}/api/  teams ${u.teams}/workflows/  (what they received: ${u.control}/sandbox/slack, /sandbox/teams)`,
    `  push an image: npx gantry sandbox push api-gateway:1.4.0  (or curl -X PUT ${u.control}/sandbox/registry/api-gateway:1.4.0)`,
    `  inject a fault: curl -X PUT ${u.control}/sandbox/faults/<tag or digest> -d '{"errorRate":1}'` +
      (Object.keys(u.clusters).length > 1 ? `  (one cluster only: ?cluster=<name>)` : ''),
    '',
  ].join('\n');
}

function stopOnSignals(host: DevHost, sandbox: Sandbox | undefined, keptClock?: { stop(): void }): void {
  const stop = (signal: string) => {
    process.stdout.write(`\n${signal}: stopping...\n`);
    keptClock?.stop();
    Promise.all([host.close(), sandbox?.close()]).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  // A closed terminal (SIGHUP) stops cleanly too, rather than leaving Azurite running unowned.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => stop(signal));
}

/**
 * `npm start`: Gantry in the dev host and, when the settings ask for it (`GANTRY_SANDBOX=true`, as the
 * example settings do), the sandbox cluster on the same clock, listening where the settings point.
 */
export async function main(argv: string[]): Promise<void> {
  const { argv: rest, portBase } = takePortBase(argv);
  const options = parseCli(['start', '.', ...rest]);
  if (options === 'help') {
    process.stdout.write(LAUNCHER_USAGE);
    return;
  }
  const env = process.env;
  const { isolated, dataDir } = prepareEnv(options, env, portBase);
  const resumed = dataDir ? resumeClock(options.clock, clockFile(dataDir, options.clock)) : undefined;
  const clock = createClock(resumed?.spec ?? options.clock);
  const suffix = clockSuffix(options.clock).toLowerCase();
  let hostUrl = '';
  const worldFile = dataDir && path.join(dataDir, `sandbox-world${suffix && `-${suffix}`}.json`);
  const sandbox = await startSandboxFor(env, clock, worldFile, () => hostUrl);
  if (sandbox) mapClusters(env, sandbox);
  const host = await startDevHost({
    appDir: options.appDir,
    port: options.port,
    host: options.host,
    store: options.store,
    storageConnectionString: options.storage,
    azuriteLocation: options.azuriteLocation,
    clock,
    keys: options.keys,
    batching: options.batching,
    logger: consoleLogger(options.logLevel),
  }).catch(async (error: unknown) => {
    await sandbox?.close();
    throw error;
  });
  hostUrl = host.url;
  const keptClock =
    dataDir && options.clock.mode !== 'real'
      ? keepClock(clock, clockFile(dataDir, options.clock))
      : undefined;
  if (options.autoAdvance && 'autoAdvance' in clock) (clock as { autoAdvance: boolean }).autoAdvance = true;
  process.stdout.write(`${banner(host, options)}\n`);
  if (isolated.taskHub)
    process.stdout.write(
      `  ${options.clock.mode} clock: own task hub ${isolated.taskHub} and tables ${isolated.tablePrefix}*` +
        (resumed?.resumedAt !== undefined
          ? `; continuing from ${new Date(resumed.resumedAt).toISOString()} (saved clock)`
          : '') +
        '\n',
    );
  if (portBase !== undefined)
    process.stdout.write(
      `  CLI: export GANTRY_URL=${host.url} GANTRY_SANDBOX_URL=${sandbox?.urls.control ?? ''}\n`,
    );
  if (sandbox) process.stdout.write(sandboxBanner(sandbox));
  stopOnSignals(host, sandbox, keptClock);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    const inUse = portInUseMessage(error, listening.ports, listening.host);
    if (inUse || error instanceof UsageError) {
      process.stderr.write(`${inUse ?? (error as Error).message}\n`);
      if (error instanceof UsageError) process.stderr.write('Run with --help for the options.\n');
    } else
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  });
}
