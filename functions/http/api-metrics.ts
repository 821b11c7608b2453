import { app, type HttpRequest, type InvocationContext } from '@azure/functions';
import { doraMetrics } from '../../shared/app/dora.js';
import { getPorts } from '../../shared/composition.js';
import { READER } from '../../shared/domain/roles.js';
import { authorize } from './identity.js';
import { handle } from './respond.js';

/** GET /api/metrics/dora: deployment frequency, lead time, change failure rate, time to restore. */
app.http('doraMetrics', {
  route: 'metrics/dora',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: (request: HttpRequest, context: InvocationContext) =>
    handle(context, async () => {
      authorize(request, context, READER, 'Reading DORA metrics');
      const q = request.query;
      const report = await doraMetrics(await getPorts(), {
        service: q.get('service'),
        since: q.get('since'),
        until: q.get('until'),
      });
      return { jsonBody: report };
    }),
});
