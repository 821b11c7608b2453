import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { dashboardFiles } from '../../shared/adapters/dashboard-files.js';
import {
  assetResponse,
  bundleOf,
  pageResponse,
  type DashboardBundle,
  type StaticResponse,
} from '../../shared/app/dashboard-page.js';
import { handle } from './respond.js';

let bundle: Promise<DashboardBundle> | undefined;
const currentBundle = (): Promise<DashboardBundle> =>
  (bundle ??= dashboardFiles()
    .then(bundleOf)
    .catch((error: unknown) => {
      bundle = undefined;
      throw error;
    }));

const toHttp = (r: StaticResponse): HttpResponseInit => ({
  status: r.status,
  headers: r.headers,
  body: r.body,
});

/** GET /api/dashboard: the live dashboard (a static shell; its modules call the JSON API). */
app.http('dashboard', {
  route: 'dashboard',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: (request: HttpRequest, context: InvocationContext) =>
    handle(context, async () =>
      toHttp(pageResponse(await currentBundle(), request.headers.get('if-none-match'))),
    ),
});

/** GET /api/dashboard/assets/{version}/{file}: the page's modules, stylesheet and icon, immutable. */
app.http('dashboardAsset', {
  route: 'dashboard/assets/{version}/{file}',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: (request: HttpRequest, context: InvocationContext) =>
    handle(context, async () =>
      toHttp(
        assetResponse(await currentBundle(), {
          version: request.params.version ?? '',
          file: request.params.file ?? '',
          ifNoneMatch: request.headers.get('if-none-match'),
        }),
      ),
    ),
});
