/**
 * Starts Azurite's Table service in-process for the dev host and for tests.
 *
 * In-process rather than a child process: no port handshake over stdout, no orphaned process when a
 * test run dies, and `stop()` resolves only once the socket and the Loki database are closed, so test
 * processes exit by themselves. The price is that Azurite shares this event loop with the engine.
 * Only the Table service is started: the task hub and Gantry's own state both live in Tables.
 *
 * The `azurite` package (3.35.0) ships no type declarations, so the two classes used are loaded with
 * `createRequire` and described by the minimal interfaces below (constructor argument order taken from
 * `dist/src/table/main.js`). It is loaded lazily so that importing this module never needs it.
 */
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { indexPointLookups, type LokiCollectionLike } from './azurite-lookup.js';

/** Azurite's well-known development account (`EMULATOR_ACCOUNT_KEY` in azurite/dist/src/common/utils/constants.js). */
export const DEV_ACCOUNT_NAME = 'devstoreaccount1';
export const DEV_ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** File name the `azurite-table` CLI uses too, so a folder can be opened by either. */
const DB_FILE = '__azurite_db_table__.json';

export interface AzuriteOptions {
  /** Folder for the table database (created if missing); undefined = in-memory, lost on stop. */
  location: string | undefined;
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Suppresses the per-request access log (default true). */
  silent?: boolean;
  /** Ignore unsupported headers instead of failing (default true). */
  loose?: boolean;
  /** Accept SDKs newer than this Azurite (default true). */
  skipApiVersionCheck?: boolean;
}

export interface AzuriteHandle {
  /** e.g. http://127.0.0.1:53187/devstoreaccount1 */
  readonly tableEndpoint: string;
  readonly connectionString: string;
  readonly port: number;
  stop(): Promise<void>;
}

interface TableServerLike {
  readonly httpServer: Server;
  start(): Promise<void>;
  close(): Promise<void>;
  getHttpServerAddress(): string;
}

type TableServerCtor = new (config: unknown) => TableServerLike;
type TableConfigurationCtor = new (...args: unknown[]) => unknown;

export function devConnectionString(tableEndpoint: string): string {
  return (
    `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT_NAME};AccountKey=${DEV_ACCOUNT_KEY};` +
    `TableEndpoint=${tableEndpoint};`
  );
}

export async function startAzurite(options: AzuriteOptions): Promise<AzuriteHandle> {
  const { TableServer, TableConfiguration } = loadAzurite();
  const host = options.host ?? '127.0.0.1';
  const inMemory = options.location === undefined;
  if (options.location !== undefined) await mkdir(options.location, { recursive: true });
  const dbPath = options.location === undefined ? DB_FILE : join(options.location, DB_FILE);
  const silent = options.silent ?? true;
  // Argument order of TableConfiguration's constructor (see dist/src/table/TableConfiguration.js).
  const config = new TableConfiguration(
    host,
    options.port ?? 0,
    5, // keep-alive timeout (s), Azurite's default
    dbPath,
    false, // debug log
    !silent, // access log
    undefined, // access log stream: stdout
    undefined, // debug log file
    options.loose ?? true,
    options.skipApiVersionCheck ?? true,
    '', // cert
    '', // key
    '', // pfx password
    undefined, // oauth
    false, // disableProductStyleUrl
    inMemory,
  );
  const server = new TableServer(config);
  await server.start();
  const port = Number(new URL(server.getHttpServerAddress()).port);
  const tableEndpoint = `http://${host}:${port}/${DEV_ACCOUNT_NAME}`;
  return {
    tableEndpoint,
    connectionString: devConnectionString(tableEndpoint),
    port,
    stop: once(() => stopServer(server)),
  };
}

/**
 * Azurite's `close()` starts a graceful HTTP shutdown without waiting for it, then saves and closes the
 * database; waiting for the socket's `close` as well guarantees the port is free for a restart.
 */
async function stopServer(server: TableServerLike): Promise<void> {
  const closed = new Promise<void>((resolve) => server.httpServer.once('close', () => resolve()));
  await server.close();
  await closed;
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let result: Promise<void> | undefined;
  return () => (result ??= fn());
}

function loadAzurite(): { TableServer: TableServerCtor; TableConfiguration: TableConfigurationCtor } {
  const load = createRequire(__filename);
  try {
    // The LokiJS Azurite itself loads (resolved from Azurite's own folder): its point lookups use an index.
    const lokiFrom = createRequire(load.resolve('azurite/dist/src/table/TableServer.js'));
    const loki = lokiFrom('lokijs') as { Collection: { prototype: LokiCollectionLike } };
    indexPointLookups(loki.Collection.prototype);
    return {
      TableServer: (load('azurite/dist/src/table/TableServer.js') as { default: TableServerCtor }).default,
      TableConfiguration: (
        load('azurite/dist/src/table/TableConfiguration.js') as { default: TableConfigurationCtor }
      ).default,
    };
  } catch (err) {
    throw new Error(
      `Cannot load Azurite (npm package "azurite", a devDependency): ${(err as Error).message}`,
      { cause: err },
    );
  }
}
