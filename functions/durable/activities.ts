import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { activityHandlers } from '../../shared/activities/index.js';
import { getPorts } from '../../shared/composition.js';
import type { Ports } from '../../shared/ports/index.js';

type AnyHandler = (ports: Ports, input: unknown) => Promise<unknown>;

// One registration per activity contract; the handler table is type-checked against the contracts.
for (const [name, handler] of Object.entries(activityHandlers) as Array<[string, AnyHandler]>) {
  df.app.activity(name, {
    handler: async (input: unknown, context: InvocationContext) => {
      try {
        return await handler(await getPorts(), input);
      } catch (error) {
        // A throw means "retry this": log what failed (never inputs, they may hold evidence) and rethrow.
        context.warn(`activity ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
        throw error;
      }
    },
  });
}
