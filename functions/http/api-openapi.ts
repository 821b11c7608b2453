import { app } from '@azure/functions';
import { openApiDocument } from '../../shared/app/openapi.js';

/** The API description; static, so it is served as is with no dependency touched. */
app.http('openapi', {
  route: 'openapi.json',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: () => ({ status: 200, jsonBody: openApiDocument }),
});
