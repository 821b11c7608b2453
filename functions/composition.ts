import type { TokenCredential } from '@azure/identity';
import { DefaultAzureCredential } from '@azure/identity';
import { buildOutsidePorts } from './adapters.js';
import { appFile } from '../shared/adapters/app-files.js';
import { FileConfigSource } from '../shared/adapters/config-file.js';
import { systemClock } from '../shared/adapters/clock.js';
import { TableRunStore } from '../shared/adapters/table-store.js';
import { setPortsBuilder } from '../shared/composition.js';
import { readTelemetrySettings, type AppSettings, type TelemetrySettings } from '../shared/config.js';
import { startAzureMonitor } from '../shared/adapters/azure-monitor.js';
import { processRedactor, setTelemetry } from '../shared/telemetry/registry.js';
import type { Ports } from '../shared/ports/index.js';

/** The composition root: the one place that builds adapters from settings. */
async function build(settings: AppSettings, provided: Partial<Ports>): Promise<Ports> {
  const config = provided.config ?? FileConfigSource.load(appFile(settings.GANTRY_CONFIG_PATH));
  const store =
    provided.store ??
    (settings.storage.kind === 'connection-string'
      ? await TableRunStore.create({
          connectionString: settings.storage.value,
          tablePrefix: settings.GANTRY_TABLE_PREFIX,
        })
      : await TableRunStore.create({
          endpoint: `https://${settings.storage.name}.table.core.windows.net`,
          credential: managedIdentity(),
          tablePrefix: settings.GANTRY_TABLE_PREFIX,
        }));
  return {
    config,
    store,
    ...buildOutsidePorts(settings, managedIdentity),
    clock: systemClock,
  };
}

let identity: TokenCredential | undefined;
/** The managed identity in Azure (DefaultAzureCredential), created only when an adapter needs it. */
function managedIdentity(): TokenCredential {
  identity ??= new DefaultAzureCredential();
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
