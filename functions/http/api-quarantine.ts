import type { HttpRequest, InvocationContext } from '@azure/functions';
import type * as df from 'durable-functions';
import { durableClient } from '../durable/register.js';
import { liftHold, liftQuarantine } from '../../shared/app/quarantine.js';
import { getPorts } from '../../shared/composition.js';
import { OPERATOR } from '../../shared/domain/roles.js';
import { controlFor } from '../durable/control.js';
import { authorize } from './identity.js';
import { handle, readJson, stringFields } from './respond.js';

/** `{ reason }`, required (checked for blankness by the application service). */
async function readReason(request: HttpRequest): Promise<string> {
  return stringFields(await readJson(request), { reason: { required: true, max: 2000 } }).reason ?? '';
}

durableClient.http('liftQuarantine', {
  route: 'services/{name}/quarantine/{digest}/lift',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: (request: HttpRequest, _client: df.DurableClient, context: InvocationContext) =>
    handle(context, async () => {
      const principal = authorize(request, context, OPERATOR, 'Lifting a quarantine');
      const reason = await readReason(request);
      const ports = await getPorts();
      const quarantine = await liftQuarantine(ports, {
        service: request.params.name ?? '',
        digest: request.params.digest ?? '',
        principal,
        reason,
        at: new Date(ports.clock.now()).toISOString(),
      });
      return { jsonBody: { quarantine } };
    }),
});

durableClient.http('liftHold', {
  route: 'services/{name}/hold/lift',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: (request: HttpRequest, client: df.DurableClient, context: InvocationContext) =>
    handle(context, async () => {
      const principal = authorize(request, context, OPERATOR, 'Lifting a hold');
      const reason = await readReason(request);
      const ports = await getPorts();
      const hold = await liftHold(ports, controlFor(client), {
        service: request.params.name ?? '',
        principal,
        reason,
        at: new Date(ports.clock.now()).toISOString(),
      });
      return { jsonBody: { hold } };
    }),
});
