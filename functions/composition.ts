import type { TokenCredential } from '@azure/identity';
import { DefaultAzureCredential } from '@azure/identity';
import { buildOutsidePorts } from './adapters.js';
import { FileConfigSource } from '../shared/adapters/config-file.js';
import { systemClock } from '../shared/adapters/clock.js';
import { TableRunStore } from '../shared/adapters/table-store.js';
import { setPortsBuilder } from '../shared/composition.js';
import type { AppSettings } from '../shared/config.js';
import type { Ports } from '../shared/ports/index.js';

/** The composition root: the one place that builds adapters from settings. */
async function build(settings: AppSettings, provided: Partial<Ports>): Promise<Ports> {
  const config = provided.config ?? FileConfigSource.load(settings.GANTRY_CONFIG_PATH);
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
