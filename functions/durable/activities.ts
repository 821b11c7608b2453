import { activityHandlers } from '../../shared/activities/index.js';
import { getPorts } from '../../shared/composition.js';
import { instrumentActivity, type ActivityHandler } from '../../shared/telemetry/instrument.js';
import { getTelemetry, processRedactor } from '../../shared/telemetry/registry.js';
import { activity } from './register.js';

// One registration per activity contract; the handler table is type-checked against the contracts.
// Telemetry wraps every handler here, at dispatch, so activities themselves stay free of it.
for (const [name, handler] of Object.entries(activityHandlers) as Array<[string, ActivityHandler]>) {
  activity(name, {
    handler: instrumentActivity(name, handler, {
      ports: getPorts,
      telemetry: getTelemetry,
      redactor: processRedactor(),
    }),
  });
}
