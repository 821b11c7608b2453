import { app, type HttpRequest, type HttpResponseInit } from '@azure/functions';

/** Liveness probe: answers without touching any dependency so it stays cheap and always available. */
export function health(_request: HttpRequest): HttpResponseInit {
  return { status: 200, jsonBody: { status: 'ok', service: 'gantry' } };
}

app.http('health', { route: 'health', methods: ['GET'], authLevel: 'anonymous', handler: health });
