import { app } from '@azure/functions';
import { modules } from '../modules.js';

/**
 * The API description; static, so it is served as is with no dependency touched. Its dozen modules load
 * with the first request for it, not with every cold worker (docs/benchmarks.md, "Cold start").
 */
app.http('openapi', {
  route: 'openapi.json',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: () => ({ status: 200, jsonBody: modules.openapi().openApiDocument }),
});
