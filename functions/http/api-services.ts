import { app, type HttpRequest, type InvocationContext } from '@azure/functions';
import type * as df from 'durable-functions';
import { durableClient } from '../durable/register.js';
import { listReleases, listServices } from '../../shared/app/queries.js';
import { rollbackService } from '../../shared/app/rollback.js';
import { serviceBoard } from '../../shared/app/service-board.js';
import { getPorts } from '../../shared/composition.js';
import { AppError } from '../../shared/app/errors.js';
import { OPERATOR, READER } from '../../shared/domain/roles.js';
import { controlFor } from '../durable/control.js';
import { authorize } from './identity.js';
import { handle, readJson, stringFields } from './respond.js';

app.http('listServices', {
  route: 'services',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: (request: HttpRequest, context: InvocationContext) =>
    handle(context, async () => {
      authorize(request, context, READER, 'Listing services');
      return { jsonBody: { services: await listServices(await getPorts()) } };
    }),
});

app.http('listReleases', {
  route: 'services/{name}/releases',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: (request: HttpRequest, context: InvocationContext) =>
    handle(context, async () => {
      authorize(request, context, READER, 'Listing releases');
      return {
        jsonBody: await listReleases(await getPorts(), request.params.name ?? '', request.query.get('limit')),
      };
    }),
});

durableClient.http('serviceRollback', {
  route: 'services/{name}/rollback',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: (request: HttpRequest, client: df.DurableClient, context: InvocationContext) =>
    handle(context, async () => {
      const principal = authorize(request, context, OPERATOR, 'Rolling a service back');
      const body = stringFields(await readJson(request), {
        to: { required: false, max: 80 },
        comment: { required: true, max: 2000 },
      });
      if (!body.comment?.trim())
        throw new AppError(400, 'comment-required', 'A rollback needs a comment giving the reason.');
      const ports = await getPorts();
      const rollback = await rollbackService(ports, controlFor(client), {
        service: request.params.name ?? '',
        to: body.to,
        comment: body.comment,
        principal,
        at: new Date(ports.clock.now()).toISOString(),
      });
      return { status: 202, jsonBody: { rollback } };
    }),
});

durableClient.http('serviceBoard', {
  route: 'services/{name}',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: (request: HttpRequest, client: df.DurableClient, context: InvocationContext) =>
    handle(context, async () => {
      authorize(request, context, READER, 'Reading a service board');
      const board = await serviceBoard(await getPorts(), controlFor(client), request.params.name ?? '');
      return { headers: { 'cache-control': 'no-store' }, jsonBody: board };
    }),
});
