import type { Clock } from './durable/types.js';
import { Registry, uninstall } from './functions/core-module.js';
import { Invoker, loadFunctionsModule } from './functions/invoker.js';
import { loadApp, type LoadedApp } from './functions/loader.js';
import { readHostSettings, type HostSettings } from './functions/settings.js';
import type { ExtraInputProvider, HostKeys, HostLogger, HostLogLevel } from './functions/types.js';
import { createAdminRoute, describeFunctions, type FunctionDescription } from './http/admin.js';
import { createEventGridRoute } from './http/eventgrid.js';
import { createHttpTriggerRoute } from './http/http-trigger.js';
import { startHttpServer, type RunningHttpServer } from './http/server.js';
import type { HostRoute } from './http/types.js';
import { startTimers, type TimerScheduler } from './triggers/timer.js';

export interface FunctionHostOptions {
  /** Folder with the app's package.json, host.json and local.settings.json. */
  appDir: string;
  /** 0 = random; default `Host.LocalHttpPort` from local settings, else 7071. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Function keys; undefined (the default, like Core Tools) = no key checks. */
  keys?: HostKeys;
  /** Drives timer triggers. */
  clock: Clock;
  logger?: HostLogger;
  /** Tried after the admin and Event Grid routes and before HTTP triggers (e.g. the Durable APIs). */
  extraRoutes?: HostRoute[];
  /** Input providers by binding type (e.g. `durableClient`); can also be added via `invoker.provideInput`. */
  inputProviders?: Record<string, ExtraInputProvider>;
  maxRequestBodyBytes?: number;
  /** Environment that local settings are copied into; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Start timer triggers on listen (default true). */
  timers?: boolean;
}

export interface RunningFunctionHost {
  url: string;
  port: number;
  invoker: Invoker;
  registry: Registry;
  settings: HostSettings;
  timers: TimerScheduler | undefined;
  functions(): FunctionDescription[];
  /** Stops timers, closes the server, runs appTerminate hooks. Idempotent. */
  close(): Promise<void>;
}

export interface LoadedFunctionHost {
  settings: HostSettings;
  registry: Registry;
  /** Ready to invoke: register input providers here before calling listen(). */
  invoker: Invoker;
  app: LoadedApp;
  /** Starts the HTTP server, then the timers. Call once. */
  listen(options?: { extraRoutes?: HostRoute[] }): Promise<RunningFunctionHost>;
  /** Like RunningFunctionHost.close; usable before listen(). */
  close(): Promise<void>;
}

const LEVELS: HostLogLevel[] = ['trace', 'debug', 'information', 'warning', 'error', 'critical'];

/** A console logger that drops levels below `minLevel`. */
export function consoleLogger(minLevel: HostLogLevel = 'information'): HostLogger {
  const min = LEVELS.indexOf(minLevel);
  return (level, ...args) => {
    if (LEVELS.indexOf(level) < min) return;
    const write =
      level === 'error' || level === 'critical'
        ? console.error
        : level === 'warning'
          ? console.warn
          : console.log;
    write(...args);
  };
}

/**
 * Step 1: reads settings, loads the app (registrations + appStart hooks) and builds the invoker and
 * the HTTP trigger table (bad route templates fail here). Nothing listens yet.
 */
export async function loadFunctionHost(options: FunctionHostOptions): Promise<LoadedFunctionHost> {
  const logger = options.logger ?? consoleLogger();
  const settings = readHostSettings(options.appDir, options.env ?? process.env);
  for (const note of settings.notes) logger('information', note);
  const registry = new Registry(logger);
  const app = await loadApp(settings.appDir, registry, { logger });
  try {
    const invoker = new Invoker({ registry, sdk: loadFunctionsModule(settings.appDir), logger });
    for (const [type, provider] of Object.entries(options.inputProviders ?? {}))
      invoker.provideInput(type, provider);
    return new FunctionHost({ ...options, logger }, settings, registry, invoker, app);
  } catch (err) {
    uninstall(registry);
    throw err;
  }
}

/** Loads the app and listens in one step (use loadFunctionHost + listen to add providers in between). */
export async function startFunctionHost(options: FunctionHostOptions): Promise<RunningFunctionHost> {
  const host = await loadFunctionHost(options);
  return host.listen();
}

class FunctionHost implements LoadedFunctionHost {
  readonly #options: FunctionHostOptions & { logger: HostLogger };
  readonly #httpRoute: HostRoute;
  #server: RunningHttpServer | undefined;
  #timers: TimerScheduler | undefined;
  #running: RunningFunctionHost | undefined;
  #closing: Promise<void> | undefined;

  constructor(
    options: FunctionHostOptions & { logger: HostLogger },
    readonly settings: HostSettings,
    readonly registry: Registry,
    readonly invoker: Invoker,
    readonly app: LoadedApp,
  ) {
    this.#options = options;
    this.#httpRoute = createHttpTriggerRoute({
      invoker,
      sdk: invoker.sdk,
      routePrefix: settings.routePrefix,
      keys: options.keys,
      logger: options.logger,
    });
  }

  async listen(listenOptions: { extraRoutes?: HostRoute[] } = {}): Promise<RunningFunctionHost> {
    if (this.#running || this.#closing) throw new Error('listen() may be called once, before close().');
    const { invoker, settings } = this;
    const options = this.#options;
    const common = { invoker, keys: options.keys, logger: options.logger };
    const server = await startHttpServer({
      port: options.port ?? settings.localHttpPort ?? 7071,
      host: options.host,
      routes: [
        createAdminRoute({ ...common, routePrefix: settings.routePrefix }),
        createEventGridRoute(common),
        ...(options.extraRoutes ?? []),
        ...(listenOptions.extraRoutes ?? []),
        this.#httpRoute,
      ],
      logger: options.logger,
      maxBodyBytes: options.maxRequestBodyBytes,
    });
    this.#server = server;
    try {
      // After the server: a runOnStartup timer may call back into the host's HTTP APIs.
      if (options.timers !== false) {
        this.#timers = startTimers({
          invoker,
          clock: options.clock,
          logger: options.logger,
          env: options.env,
        });
      }
    } catch (err) {
      await this.close();
      throw err;
    }
    this.#running = {
      url: server.url,
      port: server.port,
      invoker,
      registry: this.registry,
      settings,
      timers: this.#timers,
      functions: () => describeFunctions(invoker.list(), settings.routePrefix, server.url),
      close: () => this.close(),
    };
    return this.#running;
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      try {
        await this.#timers?.stop();
        await this.#server?.close();
        await this.app.terminate();
      } finally {
        uninstall(this.registry);
      }
    })();
    return this.#closing;
  }
}
