#!/usr/bin/env node
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { ClockSpec } from './durable/clock.js';
import { consoleLogger } from './function-host.js';
import type { HostKeys, HostLogLevel } from './functions/types.js';
import { describeFunctions } from './http/admin.js';
import { startDevHost, type DevHost, type StoreKind } from './host.js';

const USAGE = `Usage: gantry-devhost start [appDir] [options]

Runs a Node v4 Azure Functions app (default: the current folder) with HTTP, Event Grid and timer
triggers and Durable Functions, without Azure Functions Core Tools.

Options:
  --port <n>              HTTP port (default: Host.LocalHttpPort from local.settings.json, else 7071; 0 = random)
  --host <address>        Address to bind (default 127.0.0.1)
  --store <memory|table>  Durable task hub backend (default table: Azure Table Storage / Azurite)
  --storage <conn>        Table Storage connection string (default: the app's AzureWebJobsStorage;
                          UseDevelopmentStorage=true starts an embedded Azurite)
  --azurite-location <d>  Where the local Azurite keeps data (default <appDir>/.azurite); it runs as its
                          own process, survives a kill -9 of the host and is reused on restart
  --azurite-in-memory     Run Azurite inside the host with its data in memory only
  --clock <real|virtual>  Clock for durable timers (default real)
  --time-scale <n>        Run timers n times faster than real time (demos)
  --start-time <iso>      With --time-scale or --clock virtual: the time the clock starts at
  --auto-advance          With --clock virtual: skip to the next timer whenever idle
  --no-batching           Deliver one completion per orchestrator episode
  --master-key <key>      Enforce function keys, with this master key (default: keys not enforced)
  --log-level <level>     trace|debug|information|warning|error (default information)
  -h, --help              Show this help
`;

export interface CliOptions {
  appDir: string;
  port?: number;
  host?: string;
  store: StoreKind;
  storage?: string;
  azuriteLocation?: string | null;
  clock: ClockSpec;
  autoAdvance: boolean;
  batching: boolean;
  keys?: HostKeys;
  logLevel: HostLogLevel;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

function number(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got '${value}'`);
  return n;
}

function oneOf<T extends string>(
  name: string,
  value: string | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value))
    throw new UsageError(`--${name} must be one of ${allowed.join(', ')}`);
  return value as T;
}

/** Parses `start [appDir] [options]`; throws UsageError with a readable message. */
export function parseCli(argv: string[]): CliOptions | 'help' {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      store: { type: 'string' },
      storage: { type: 'string' },
      'azurite-location': { type: 'string' },
      'azurite-in-memory': { type: 'boolean' },
      clock: { type: 'string' },
      'time-scale': { type: 'string' },
      'start-time': { type: 'string' },
      'auto-advance': { type: 'boolean' },
      'no-batching': { type: 'boolean' },
      'master-key': { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const [command, appDir, ...extra] = positionals;
  if (command !== 'start') throw new UsageError(command ? `unknown command '${command}'` : 'missing command');
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
  const scale = number('time-scale', values['time-scale']);
  const clockMode = oneOf('clock', values.clock, ['real', 'virtual'] as const, 'real');
  if (scale !== undefined && clockMode === 'virtual')
    throw new UsageError('--time-scale and --clock virtual exclude each other');
  if (values['auto-advance'] && clockMode !== 'virtual')
    throw new UsageError('--auto-advance needs --clock virtual');
  const startTime = values['start-time'];
  const start = startTime === undefined ? undefined : Date.parse(startTime);
  if (start !== undefined && !Number.isFinite(start))
    throw new UsageError(`--start-time must be an ISO 8601 time, got '${startTime}'`);
  if (start !== undefined && clockMode !== 'virtual' && scale === undefined)
    throw new UsageError('--start-time needs --time-scale or --clock virtual');
  const clock: ClockSpec =
    clockMode === 'virtual'
      ? { mode: 'virtual', start: start ?? Date.now() }
      : scale !== undefined
        ? { mode: 'scaled', scale, ...(start !== undefined && { start }) }
        : { mode: 'real' };
  return {
    appDir: path.resolve(appDir ?? '.'),
    port: number('port', values.port),
    host: values.host,
    store: oneOf('store', values.store, ['memory', 'table'] as const, 'table'),
    storage: values.storage,
    azuriteLocation: values['azurite-in-memory'] ? null : values['azurite-location'],
    clock,
    autoAdvance: values['auto-advance'] === true,
    batching: values['no-batching'] !== true,
    keys: values['master-key'] ? { master: values['master-key'] } : undefined,
    logLevel: oneOf(
      'log-level',
      values['log-level'],
      ['trace', 'debug', 'information', 'warning', 'error'] as const,
      'information',
    ),
  };
}

/** The banner `npm start` prints: where to go and what is registered. */
export function banner(host: DevHost, options: CliOptions): string {
  const fns = describeFunctions(
    host.functionHost.invoker.list(),
    host.functionHost.settings.routePrefix,
    host.url,
  );
  const lines = [
    `Gantry dev host listening on ${host.url}`,
    `  app:       ${options.appDir}`,
    `  task hub:  ${host.engine.taskHubName} (${host.store.kind === 'table' ? 'Table Storage' : 'memory'}${host.azurite ? `, Azurite at ${host.azurite.tableEndpoint}` : ''})`,
    `  clock:     ${host.clock.mode}`,
    `  durable:   ${host.url}/runtime/webhooks/durabletask/instances`,
    `  functions:`,
    ...fns.map((f) =>
      f.url
        ? `    ${f.name.padEnd(28)} [${(f.methods ?? ['*']).join(',')}] ${f.url}`
        : `    ${f.name.padEnd(28)} ${f.trigger}${f.schedule ? ` (${f.schedule})` : ''}`,
    ),
  ];
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<void> {
  let options: CliOptions | 'help';
  try {
    options = parseCli(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const host = await startDevHost({
    appDir: options.appDir,
    port: options.port,
    host: options.host,
    store: options.store,
    storageConnectionString: options.storage,
    azuriteLocation: options.azuriteLocation,
    clock: options.clock,
    keys: options.keys,
    batching: options.batching,
    logger: consoleLogger(options.logLevel),
  });
  if (options.autoAdvance && 'autoAdvance' in host.clock)
    (host.clock as { autoAdvance: boolean }).autoAdvance = true;
  process.stdout.write(`${banner(host, options)}\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping...\n`);
    host.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`error while stopping: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
