import type { InvocationContext } from '@azure/functions';
import type * as df from 'durable-functions';
import { durableClient } from '../durable/register.js';
import { registryActionFromEvent } from '../../shared/app/registry-events.js';
import {
  acceptPush,
  describeOutcome,
  withdrawImage,
  type TriggerOutcome,
} from '../../shared/app/triggers.js';
import { getPorts } from '../../shared/composition.js';
import { controlFor } from '../durable/control.js';

/**
 * ACR events through an Event Grid subscription (Event Grid schema or CloudEvents 1.0; the extension
 * answers the validation handshakes and invokes this once per event). Events Gantry does not act on
 * return normally, so Event Grid does not retry them; only storage or Durable failures throw (and are
 * retried, which is safe: pushes are idempotent per service and digest). An event over Event Grid's own
 * 1 MiB limit, or whose `data`/`target` exceed their bounds, is refused here the same way: logged and not
 * acted on, whatever the host in front of this function let through.
 */
durableClient.eventGrid('acrEventGrid', {
  handler: async (event: unknown, client: df.DurableClient, context: InvocationContext) => {
    const action = registryActionFromEvent(event);
    const id = typeof event === 'object' && event !== null ? String((event as { id?: unknown }).id) : '?';
    let outcome: TriggerOutcome;
    if (action.kind === 'ignored') outcome = { outcome: 'ignored', note: action.reason };
    else {
      const ports = await getPorts();
      outcome =
        action.kind === 'pushed'
          ? await acceptPush(ports, controlFor(client), action, 'event-grid')
          : await withdrawImage(ports, action);
    }
    context.log(`event ${id.slice(0, 80)}: ${describeOutcome(outcome)}`);
  },
});
