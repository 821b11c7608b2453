import path from 'node:path';
import { createClock, type ClockSpec } from './durable/clock.js';
import { buildClientData, RPC_BASE_PATH } from './durable/client-data.js';
import { DurableEngine } from './durable/durable-engine.js';
import { createDurableRoutes } from './durable/management-http.js';
import { MemoryStore } from './durable/memory-store.js';
import { TableStore } from './durable/table-store.js';
import { startAzurite, type AzuriteHandle } from './durable/azurite.js';
import { startAzuriteProcess } from './durable/azurite-process.js';
import type { Clock, TaskHubStore } from './durable/types.js';
import { consoleLogger, loadFunctionHost, type RunningFunctionHost } from './function-host.js';
import type { HostKeys, HostLogger } from './functions/types.js';
import { createHostAdminRoute } from './http/host-admin.js';

export type StoreKind = 'memory' | 'table';

export interface DevHostOptions {
  /** The function app folder (package.json, host.json, local.settings.json). */
  appDir: string;
  /** 0 = random free port; default `Host.LocalHttpPort` or 7071. */
  port?: number;
  host?: string;
  /** Task hub backend; default `table` (Azure Table Storage, Azurite locally). */
  store?: StoreKind;
  /** Table Storage connection; default the app's `AzureWebJobsStorage`. `UseDevelopmentStorage=true` starts Azurite. */
  storageConnectionString?: string;
  /**
   * Where the local Azurite keeps its data; default `<appDir>/.azurite`. There it runs as its own
   * detached process that survives a `kill -9` of the host and is reused by the next start. `null`
   * keeps the data in memory, in this process.
   */
  azuriteLocation?: string | null;
  clock?: ClockSpec | Clock;
  keys?: HostKeys;
  logger?: HostLogger;
  /** Several completions per orchestrator episode where the numbering rules allow it (default true). */
  batching?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface DevHost {
  url: string;
  port: number;
  engine: DurableEngine;
  clock: Clock;
  store: TaskHubStore;
  functionHost: RunningFunctionHost;
  azurite: AzuriteHandle | undefined;
  close(): Promise<void>;
}

const DEV_STORAGE = 'UseDevelopmentStorage=true';

async function openStore(
  options: DevHostOptions,
  env: NodeJS.ProcessEnv,
  hubName: string,
): Promise<{ store: TaskHubStore; azurite?: AzuriteHandle }> {
  if ((options.store ?? 'table') === 'memory') return { store: new MemoryStore() };
  let connectionString = options.storageConnectionString ?? env.AzureWebJobsStorage ?? DEV_STORAGE;
  let azurite: AzuriteHandle | undefined;
  if (connectionString.trim() === DEV_STORAGE) {
    const location =
      options.azuriteLocation === null
        ? undefined
        : (options.azuriteLocation ?? path.join(options.appDir, '.azurite'));
    azurite =
      location === undefined ? await startAzurite({ location }) : await startAzuriteProcess({ location });
    connectionString = azurite.connectionString;
  }
  // The app reaches the same storage through its own setting, wherever it is: as in Azure, one storage
  // setting (AzureWebJobsStorage) holds the task hub and the app's own tables.
  env.AzureWebJobsStorage = connectionString;
  return { store: new TableStore({ connectionString, taskHub: hubName }), azurite };
}

/**
 * Starts the whole dev host: loads the function app, opens the task hub (memory or Table Storage, with an
 * embedded Azurite when the app uses development storage), serves HTTP triggers, Event Grid, the admin
 * API and both Durable HTTP surfaces, and resumes any unfinished orchestration.
 */
export async function startDevHost(options: DevHostOptions): Promise<DevHost> {
  const env = options.env ?? process.env;
  const logger = options.logger ?? consoleLogger();
  const clock =
    options.clock && 'now' in options.clock ? options.clock : createClock(options.clock ?? { mode: 'real' });
  const appDir = path.resolve(options.appDir);
  // As Core Tools does, and before local settings are copied in (they cannot turn it off): apps tell a
  // local host from Azure by it (Gantry honours its development principal only here).
  env.AZURE_FUNCTIONS_ENVIRONMENT ??= 'Development';
  if (env !== process.env) process.env.AZURE_FUNCTIONS_ENVIRONMENT ??= env.AZURE_FUNCTIONS_ENVIRONMENT;
  const loaded = await loadFunctionHost({
    appDir,
    port: options.port,
    host: options.host,
    clock,
    logger,
    keys: options.keys,
    env,
  });
  const durable = loaded.settings.durableTask;
  let opened: { store: TaskHubStore; azurite?: AzuriteHandle } | undefined;
  try {
    opened = await openStore({ ...options, appDir }, env, durable.hubName);
    const engine = new DurableEngine({
      store: opened.store,
      clock,
      invoker: loaded.invoker,
      taskHubName: durable.hubName,
      maxConcurrentActivityFunctions: durable.maxConcurrentActivityFunctions,
      maxConcurrentOrchestratorFunctions: durable.maxConcurrentOrchestratorFunctions,
      batching: options.batching,
      logger: engineLogger(logger),
    });
    let loopback = '';
    const systemKey = options.keys?.system?.durabletask_extension;
    loaded.invoker.provideInput('durableClient', (_binding, origin) =>
      buildClientData({
        origin: origin ?? loopback,
        taskHubName: durable.hubName,
        systemKey,
        rpcBaseUrl: `${loopback}${RPC_BASE_PATH}`,
      }),
    );
    const functionHost = await loaded.listen({
      extraRoutes: [
        ...createDurableRoutes(engine, { systemKey, masterKey: options.keys?.master }),
        createHostAdminRoute({ clock, engine, masterKey: options.keys?.master }),
      ],
    });
    loopback = `http://127.0.0.1:${functionHost.port}`;
    // The SDK rewrites client URLs to localhost:7071 unless this is set (contract pitfall 11).
    env.WEBSITE_HOSTNAME = `localhost:${functionHost.port}`;
    if (env !== process.env) process.env.WEBSITE_HOSTNAME = env.WEBSITE_HOSTNAME;
    // Apps that look for it (Gantry does) read time from the host's clock, virtual or not.
    (globalThis as Record<symbol, unknown>)[Symbol.for('azure-functions-devhost.clock')] = {
      now: () => clock.now(),
    };
    await engine.open();
    const store = opened.store;
    const azurite = opened.azurite;
    return {
      url: functionHost.url,
      port: functionHost.port,
      engine,
      clock,
      store,
      functionHost,
      azurite,
      async close() {
        await engine.stop();
        await functionHost.close();
        await store.close();
        await azurite?.stop();
      },
    };
  } catch (error) {
    await loaded.close();
    await opened?.store.close();
    await opened?.azurite?.stop();
    throw error;
  }
}

function engineLogger(log: HostLogger): DurableEngine['options']['logger'] {
  return {
    info: (message) => log('information', `[durable] ${message}`),
    warn: (message) => log('warning', `[durable] ${message}`),
    error: (message, error) =>
      log(
        'error',
        `[durable] ${message}`,
        error instanceof Error ? (error.stack ?? error.message) : (error ?? ''),
      ),
  };
}
