import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type * as df from 'durable-functions';
import { durableClient } from '../durable/register.js';
import { AlertPayloadError, type InboundAlert } from '../../shared/alerts/alert.js';
import { readAlertmanager } from '../../shared/alerts/alertmanager.js';
import { readAzureMonitor } from '../../shared/alerts/azure-monitor.js';
import { checkAlertmanagerAuth, checkAzureMonitorAuth } from '../../shared/app/alert-auth.js';
import { handleAlerts } from '../../shared/app/alerts.js';
import { AppError } from '../../shared/app/errors.js';
import { getPorts } from '../../shared/composition.js';
import { readHostingSettings, readSettings } from '../../shared/config.js';
import { controlFor } from '../durable/control.js';
import { handle } from './respond.js';

/** A group of 100 alerts with their labels and annotations stays well below this. */
export const ALERT_MAX_BODY_BYTES = 1024 * 1024;

async function readBody(request: HttpRequest): Promise<unknown> {
  const tooLarge = () =>
    new AppError(413, 'body-too-large', `The body exceeds ${ALERT_MAX_BODY_BYTES} bytes.`);
  if (Number(request.headers.get('content-length') ?? '0') > ALERT_MAX_BODY_BYTES) throw tooLarge();
  const raw = await request.text();
  if (Buffer.byteLength(raw) > ALERT_MAX_BODY_BYTES) throw tooLarge();
  if (!/^application\/json\b/i.test(request.headers.get('content-type') ?? ''))
    throw new AppError(415, 'unsupported-media-type', 'Send application/json.');
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new AppError(400, 'malformed-json', 'The body is not valid JSON.');
  }
}

/** Parses with `read`; a payload problem is a 400 naming each problem, before anything is written. */
function parsed<T>(read: () => T, what: string): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof AlertPayloadError)
      throw new AppError(400, 'invalid-payload', `Not a valid ${what}: ${error.message}`, {
        problems: error.problems,
      });
    throw error;
  }
}

async function respond(
  client: df.DurableClient,
  context: InvocationContext,
  alerts: InboundAlert[],
): Promise<HttpResponseInit> {
  const results = await handleAlerts(await getPorts(), controlFor(client), alerts);
  for (const r of results)
    context.log(`alert ${r.alert} (${r.status}) ${r.service ?? '-'}: ${r.outcome}: ${r.reason}`);
  return { status: 200, jsonBody: { results } };
}

/** Prometheus Alertmanager's `webhook_configs` receiver (payload version 4). */
durableClient.http('alertmanagerWebhook', {
  route: 'webhooks/alertmanager',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: (request: HttpRequest, client: df.DurableClient, context: InvocationContext) =>
    handle(context, async () => {
      const settings = readSettings();
      checkAlertmanagerAuth(
        request.headers.get('authorization'),
        { token: settings.GANTRY_ALERTMANAGER_TOKEN, username: settings.GANTRY_ALERTMANAGER_USERNAME },
        readHostingSettings(),
      );
      const body = await readBody(request);
      const { alerts } = parsed(() => readAlertmanager(body), 'Alertmanager webhook payload (version 4)');
      return respond(client, context, alerts);
    }),
});

/** An Azure Monitor action group's webhook action, with the common alert schema enabled. */
durableClient.http('azureMonitorWebhook', {
  route: 'webhooks/azure-monitor',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: (request: HttpRequest, client: df.DurableClient, context: InvocationContext) =>
    handle(context, async () => {
      const given = request.query.get('token') ?? request.headers.get('x-gantry-token');
      checkAzureMonitorAuth(given, readSettings().GANTRY_AZURE_MONITOR_SECRET, readHostingSettings());
      const body = await readBody(request);
      const alerts = parsed(() => readAzureMonitor(body), 'Azure Monitor common alert schema payload');
      return respond(client, context, alerts);
    }),
});
