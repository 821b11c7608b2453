import type { TokenCredential } from '@azure/identity';
import { buildOutsidePorts } from './adapters.js';
import { appFile } from '../shared/adapters/app-files.js';
import { systemClock } from '../shared/adapters/clock.js';
import { setPortsBuilder } from '../shared/composition.js';
import { lazyCredential } from '../shared/lazy.js';
import { modules } from './modules.js';
import { readTelemetrySettings, type AppSettings, type TelemetrySettings } from '../shared/config.js';
import { startAzureMonitor } from '../shared/adapters/azure-monitor.js';
import { processRedactor, setTelemetry } from '../shared/telemetry/registry.js';
import type { Ports } from '../shared/ports/index.js';

/** The composition root: the one place that builds adapters from settings. */
async function build(settings: AppSettings, provided: Partial<Ports>): Promise<Ports> {
  const config = provided.config ?? (await configFile(settings));
  const store = provided.store ?? (await tableStore(settings));
  return {
    config,
    store,
    ...buildOutsidePorts(settings, managedIdentity),
    clock: systemClock,
  };
}

/** The YAML parser and the config schema load with the first function that needs ports, not at start. */
async function configFile(settings: AppSettings): Promise<Ports['config']> {
  const { FileConfigSource } = modules.configFile();
  return FileConfigSource.load(appFile(settings.GANTRY_CONFIG_PATH), {
    prometheusMode: settings.GANTRY_PROMETHEUS_MODE,
  });
}

/** The run store; its module (and the Tables SDK) loads when the first function needs storage. */
async function tableStore(settings: AppSettings): Promise<Ports['store']> {
  const { TableRunStore } = modules.tableStore();
  return settings.storage.kind === 'connection-string'
    ? TableRunStore.create({
        connectionString: settings.storage.value,
        tablePrefix: settings.GANTRY_TABLE_PREFIX,
      })
    : TableRunStore.create({
        endpoint: `https://${settings.storage.name}.table.core.windows.net`,
        credential: managedIdentity(),
        tablePrefix: settings.GANTRY_TABLE_PREFIX,
      });
}

let identity: TokenCredential | undefined;
/** The managed identity in Azure (DefaultAzureCredential); `@azure/identity` loads on the first token. */
function managedIdentity(): TokenCredential {
  identity ??= lazyCredential(async () => {
    const { DefaultAzureCredential } = modules.identity();
    return new DefaultAzureCredential();
  });
  return identity;
}

setPortsBuilder(build);

/**
 * Telemetry starts here, once per process, when the app loads: Azure Monitor only with a connection
 * string. A bad telemetry setting must not stop the app, so it is reported and telemetry stays off.
 */
function startTelemetry(): void {
  let settings: TelemetrySettings;
  try {
    settings = readTelemetrySettings();
  } catch (error) {
    console.error(`telemetry disabled: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  const started = startAzureMonitor(settings, processRedactor());
  started.catch((error: unknown) => {
    const { code, message } = processRedactor().error(error);
    console.error(`telemetry disabled: ${code}: ${message}`);
  });
  setTelemetry(started);
}

startTelemetry();
