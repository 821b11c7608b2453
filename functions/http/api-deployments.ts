import { app, type HttpRequest, type InvocationContext } from '@azure/functions';
import { listDeployments } from '../../shared/app/queries.js';
import { getPorts } from '../../shared/composition.js';
import { READER } from '../../shared/domain/roles.js';
import { authorize } from './identity.js';
import { handle } from './respond.js';

/** GET /api/deployments: one page of deployments (ordered by service, then id), with a token for the next. */
app.http('listDeployments', {
  route: 'deployments',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: (request: HttpRequest, context: InvocationContext) =>
    handle(context, async () => {
      authorize(request, context, READER, 'Listing deployments');
      const q = request.query;
      const page = await listDeployments(await getPorts(), {
        service: q.get('service'),
        status: q.get('status'),
        since: q.get('since'),
        pageSize: q.get('pageSize'),
        continuationToken: q.get('continuationToken'),
      });
      return {
        jsonBody: { items: page.items, continuationToken: page.continuationToken ?? null },
      };
    }),
});
