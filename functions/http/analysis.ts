import { app, type HttpRequest, type InvocationContext } from '@azure/functions';
import { getPorts } from '../../shared/composition.js';
import { READER } from '../../shared/domain/roles.js';
import { modules } from '../modules.js';
import { authorize } from './identity.js';
import { handle, readJson } from './respond.js';

/**
 * POST /api/analysis/backtest: a canary spec judged on a past window's metrics. A reader's tool: it reads
 * metrics only (no run, no cluster, no Table row), like the deployment pages that show the same checks.
 */
app.http('analysisBacktest', {
  route: 'analysis/backtest',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: (request: HttpRequest, context: InvocationContext) =>
    handle(context, async () => {
      authorize(request, context, READER, 'Backtesting a canary spec');
      const { backtest, parseBacktest } = modules.backtest();
      const ports = await getPorts();
      const parsed = parseBacktest(ports, await readJson(request), ports.clock.now());
      return { jsonBody: await backtest(ports, parsed) };
    }),
});
