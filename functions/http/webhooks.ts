import { createHash, timingSafeEqual } from 'node:crypto';
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type * as df from 'durable-functions';
import { durableClient } from '../durable/register.js';
import { AppError } from '../../shared/app/errors.js';
import { actionFromData, acrEventData } from '../../shared/app/registry-events.js';
import {
  acceptPush,
  describeOutcome,
  withdrawImage,
  type TriggerOutcome,
} from '../../shared/app/triggers.js';
import { getPorts } from '../../shared/composition.js';
import { readSettings } from '../../shared/config.js';
import { controlFor } from '../durable/control.js';
import { handleGitHub } from './github-webhook.js';
import { handle, readJson } from './respond.js';

/** Constant-time equality of two secrets of any length (hashing first makes the lengths equal). */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

const outcomeBody = (outcome: TriggerOutcome): HttpResponseInit => ({
  status: outcome.outcome === 'submitted' && outcome.created ? 202 : 200,
  jsonBody: { outcome: outcome.outcome, note: describeOutcome(outcome) },
});

/**
 * ACR native webhook (reference section 2): no signature exists, so the webhook is configured with a
 * custom `x-acr-key` header holding GANTRY_ACR_WEBHOOK_SECRET. It is checked before the body is read.
 */
durableClient.http('acrWebhook', {
  route: 'webhooks/acr',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: (request: HttpRequest, client: df.DurableClient, context: InvocationContext) =>
    handle(context, async () => {
      const secret = readSettings().GANTRY_ACR_WEBHOOK_SECRET;
      const given = request.headers.get('x-acr-key');
      if (!secret || !given || !sameSecret(given, secret))
        throw new AppError(401, 'unauthorized', 'Missing or wrong x-acr-key header.');
      const body = acrEventData().safeParse(await readJson(request));
      if (!body.success)
        throw new AppError(400, 'invalid-body', body.error.issues.map((i) => i.message).join('; '));
      const action = actionFromData(body.data.action ?? '', body.data);
      let outcome: TriggerOutcome;
      if (action.kind === 'ignored') outcome = { outcome: 'ignored', note: action.reason };
      else {
        const ports = await getPorts();
        outcome =
          action.kind === 'pushed'
            ? await acceptPush(ports, controlFor(client), action, 'acr-webhook')
            : await withdrawImage(ports, action);
      }
      context.log(`acr webhook ${body.data.id?.slice(0, 80) ?? '?'}: ${describeOutcome(outcome)}`);
      return outcomeBody(outcome);
    }),
});

durableClient.http('githubWebhook', {
  route: 'webhooks/github',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: (request: HttpRequest, client: df.DurableClient, context: InvocationContext) =>
    handle(context, () => handleGitHub(request, controlFor(client), context)),
});
