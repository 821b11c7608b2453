import type { HttpRequest, InvocationContext } from '@azure/functions';
import type * as df from 'durable-functions';
import { durableClient } from '../durable/register.js';
import { describeCaller } from '../../shared/app/caller.js';
import { getPorts } from '../../shared/composition.js';
import { controlFor } from '../durable/control.js';
import { optionalCaller } from './identity.js';
import { handle } from './respond.js';

/** GET /api/me: who the caller is and, with `?deployment=<id>`, what they may do to that deployment. */
durableClient.http('me', {
  route: 'me',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: (request: HttpRequest, client: df.DurableClient, context: InvocationContext) =>
    handle(context, async () => {
      const principal = optionalCaller(request, context);
      const ports = await getPorts();
      const view = await describeCaller(
        ports,
        {
          principal,
          deploymentId: request.query.get('deployment'),
          at: new Date(ports.clock.now()).toISOString(),
        },
        controlFor(client),
      );
      // Per caller and per moment: a shared cache must never hand one user's permissions to another.
      return { headers: { 'cache-control': 'no-store', vary: 'x-ms-client-principal' }, jsonBody: view };
    }),
});
