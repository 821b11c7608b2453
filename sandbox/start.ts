#!/usr/bin/env node
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { banner, parseCli, UsageError } from '../devhost/cli.js';
import { createClock } from '../devhost/durable/clock.js';
import { consoleLogger } from '../devhost/function-host.js';
import { readHostSettings } from '../devhost/functions/settings.js';
import { startDevHost } from '../devhost/host.js';
import { FileConfigSource } from '../shared/adapters/config-file.js';
import type { PipelinePlan } from '../shared/contracts/plan.js';
import { clockFile, clockSuffix, isolateClock, keepClock, resumeClock } from './local-clock.js';
import { deliverEventGrid, deliverToHost, startSandbox, type Sandbox, type SandboxPorts } from './index.js';

/** Port of a loopback URL setting, so the sandbox listens where the app's settings point. */
function portOf(url: string | undefined): number | undefined {
  if (!url) return undefined;
  const u = new URL(url);
  if (u.hostname !== '127.0.0.1' && u.hostname !== 'localhost')
    throw new UsageError(`${url} is not a loopback URL; the sandbox only listens on loopback`);
  return Number(u.port);
}

/** The first URL of a `{host: url}` JSON setting (the sandbox stands in for all of them). */
const firstUrl = (map: string | undefined): string | undefined =>
  map ? (Object.values(JSON.parse(map) as Record<string, string>)[0] ?? undefined) : undefined;

function sandboxPorts(env: NodeJS.ProcessEnv): SandboxPorts {
  const web = firstUrl(env.GANTRY_SMOKE_HOST_MAP);
  return {
    kubernetes: portOf(env.GANTRY_KUBE_SERVER),
    argocd: portOf(env.GANTRY_ARGOCD_URL),
    prometheus: portOf(env.GANTRY_PROMETHEUS_URL),
    github: portOf(env.GANTRY_GITHUB_API_URL),
    web: portOf(web),
    control: portOf(env.GANTRY_SANDBOX_CONTROL_URL),
    registry: portOf(firstUrl(env.GANTRY_REGISTRY_HOST_MAP)),
  };
}

/**
 * `npm start`: Gantry in the dev host and, when the settings ask for it (`GANTRY_SANDBOX=true`, as the
 * example settings do), the sandbox cluster on the same clock, listening where the settings point.
 */
export async function main(argv: string[]): Promise<void> {
  const options = parseCli(['start', '.', ...argv]);
  if (options === 'help') return;
  const env = process.env;
  readHostSettings(options.appDir, env); // local settings into the environment, as the host will do
  const isolated = isolateClock(env, options.clock);
  if (options.storage !== undefined) {
    // One storage setting moves all of the app's storage, as AzureWebJobsStorage does in Azure: the dev
    // host points AzureWebJobsStorage at it, and Gantry's own tables must not stay elsewhere.
    delete env.GANTRY_STORAGE_ACCOUNT;
    if (options.storage.trim() === 'UseDevelopmentStorage=true') delete env.GANTRY_STORAGE;
    else env.GANTRY_STORAGE = options.storage;
  }
  // Local state lives beside the Azurite data; with --azurite-in-memory nothing is kept.
  const dataDir =
    options.azuriteLocation === null
      ? undefined
      : (options.azuriteLocation ?? path.join(options.appDir, '.azurite'));
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const resumed = dataDir ? resumeClock(options.clock, clockFile(dataDir, options.clock)) : undefined;
  const clock = createClock(resumed?.spec ?? options.clock);
  const keptClock =
    dataDir && options.clock.mode !== 'real'
      ? keepClock(clock, clockFile(dataDir, options.clock))
      : undefined;
  const suffix = clockSuffix(options.clock).toLowerCase();
  let sandbox: Sandbox | undefined;
  let hostUrl = '';
  if (env.GANTRY_SANDBOX === 'true') {
    const config = FileConfigSource.load(env.GANTRY_CONFIG_PATH ?? 'config/gantry.example.yaml');
    const plans = config
      .services()
      .map((s) => config.plan(s))
      .filter((p): p is PipelinePlan => p !== undefined);
    sandbox = await startSandbox({
      clock,
      plans,
      ports: sandboxPorts(env),
      tokens: {
        kubernetes: env.GANTRY_KUBE_TOKEN ?? '',
        argocd: env.GANTRY_ARGOCD_TOKEN ?? '',
        github: env.GANTRY_GITHUB_TOKEN ?? '',
      },
      deliverTestResult: deliverToHost(() => hostUrl),
      deliverRegistryEvents: deliverEventGrid(() => hostUrl),
      worldFile: dataDir && path.join(dataDir, `sandbox-world${suffix && `-${suffix}`}.json`),
    });
  }
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
  });
  hostUrl = host.url;
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
  if (sandbox) {
    const u = sandbox.urls;
    process.stdout.write(
      [
        `Sandbox cluster (loopback stand-ins on the same clock${sandbox.restored ? '; world restored from the last run' : ''}):`,
        `  kubernetes ${u.kubernetes}  argocd ${u.argocd}  prometheus ${u.prometheus}`,
        `  github ${u.github}  staging web ${u.web}  control ${u.control}  registry ${u.registry}`,
        `  push an image: npx gantry sandbox push api-gateway:1.4.0  (or curl -X PUT ${u.control}/sandbox/registry/api-gateway:1.4.0)`,
        `  inject a fault: curl -X PUT ${u.control}/sandbox/faults/<tag or digest> -d '{"errorRate":1}'`,
        '',
      ].join('\n'),
    );
  }
  const stop = (signal: string) => {
    process.stdout.write(`\n${signal}: stopping...\n`);
    keptClock?.stop();
    Promise.all([host.close(), sandbox?.close()]).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  });
}
