import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { AppError } from '../../shared/app/errors.js';
import {
  readPackagePublished,
  readWorkflowRun,
  verifyGitHubSignature,
  type GitHubReading,
} from '../../shared/app/github-events.js';
import { readPullRequestClosed } from '../../shared/app/github-pull-events.js';
import {
  acceptPush,
  reportPullRequestClosed,
  describeOutcome,
  reportWorkflowRun,
  type TriggerOutcome,
} from '../../shared/app/triggers.js';
import { getPorts } from '../../shared/composition.js';
import { readSettings } from '../../shared/config.js';
import type { Ports } from '../../shared/ports/index.js';
import type { OrchestrationControl } from '../../shared/ports/orchestration-control.js';

/** workflow_run payloads carry commits and repositories (tens of KB); GitHub's own cap is 25 MB. */
export const GITHUB_MAX_BODY_BYTES = 1024 * 1024;
const DELIVERY = /^[A-Za-z0-9-]{1,100}$/;
const EVENT = /^[a-z_]{1,64}$/;

/** The raw body, bounded; the signature covers these exact bytes, so nothing is decoded before the check. */
async function rawBody(request: HttpRequest): Promise<Buffer> {
  const tooLarge = () =>
    new AppError(413, 'body-too-large', `The body exceeds ${GITHUB_MAX_BODY_BYTES} bytes.`);
  if (Number(request.headers.get('content-length') ?? '0') > GITHUB_MAX_BODY_BYTES) throw tooLarge();
  const body = Buffer.from(await request.arrayBuffer());
  if (body.length > GITHUB_MAX_BODY_BYTES) throw tooLarge();
  return body;
}

function parse(raw: Buffer, request: HttpRequest): unknown {
  const type = request.headers.get('content-type') ?? '';
  if (!/^application\/json\b/i.test(type))
    throw new AppError(
      415,
      'unsupported-media-type',
      'Configure the webhook with content type application/json.',
    );
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new AppError(400, 'malformed-json', 'The body is not valid JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new AppError(400, 'invalid-body', 'The body must be a JSON object.');
  return value;
}

/** Validation happens here, before the delivery is recorded, so a bad request never writes a row. */
function read(
  event: string,
  body: unknown,
): GitHubReading<(ports: Ports, control: OrchestrationControl) => Promise<TriggerOutcome>> {
  if (event === 'workflow_run') {
    const run = readWorkflowRun(body);
    return run.kind === 'ok' ? { kind: 'ok', value: (p, c) => reportWorkflowRun(p, c, run.value) } : run;
  }
  if (event === 'pull_request') {
    const pull = readPullRequestClosed(body);
    return pull.kind === 'ok'
      ? { kind: 'ok', value: (p, c) => reportPullRequestClosed(p, c, pull.value) }
      : pull;
  }
  if (event === 'registry_package' || event === 'package') {
    const push = readPackagePublished(event, body);
    if (push.kind !== 'ok') return push;
    const { commitSha, sourceRepository, ...pushed } = push.value;
    // The commit the event carries reaches the record (ci-status gate, DORA lead time) as for a manual POST.
    return {
      kind: 'ok',
      value: (p, c) => acceptPush(p, c, pushed, 'github', { commitSha, sourceRepository }),
    };
  }
  return { kind: 'ignored', note: `event ${event} is not handled` };
}

/**
 * `POST /api/webhooks/github`: signature over the raw body first (401), then content type, JSON and the
 * event's schema (415/400). A delivery id already recorded is a replay, acknowledged without acting again.
 * The id is recorded only AFTER Gantry acted: when acting fails (500), GitHub's redelivery of the same id
 * acts, instead of being taken for a duplicate. Replays racing a first attempt may all act; every action is
 * idempotent (a push is one deployment per digest; a test result already reported is ignored by its run).
 */
export async function handleGitHub(
  request: HttpRequest,
  control: OrchestrationControl,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const raw = await rawBody(request);
  const secret = readSettings().GANTRY_GITHUB_WEBHOOK_SECRET ?? '';
  if (!(await verifyGitHubSignature(secret, raw, request.headers.get('x-hub-signature-256'))))
    throw new AppError(401, 'bad-signature', 'Missing or wrong X-Hub-Signature-256.');
  const event = request.headers.get('x-github-event') ?? '';
  const delivery = request.headers.get('x-github-delivery') ?? '';
  if (!EVENT.test(event)) throw new AppError(400, 'missing-event', 'X-GitHub-Event is missing or invalid.');
  if (!DELIVERY.test(delivery))
    throw new AppError(400, 'missing-delivery', 'X-GitHub-Delivery is missing or invalid.');
  const body = parse(raw, request);
  if (event === 'ping') return { status: 200, jsonBody: { outcome: 'pong', note: 'webhook reached Gantry' } };
  const reading = read(event, body);
  if (reading.kind === 'invalid')
    throw new AppError(400, 'invalid-payload', `Not a valid ${event} payload: ${reading.error}`);
  const ports = await getPorts();
  if (await ports.store.deliveryRecorded('github', delivery)) {
    context.log(`github delivery ${delivery}: replay acknowledged`);
    return {
      status: 200,
      jsonBody: { outcome: 'duplicate', note: `delivery ${delivery} was already handled` },
    };
  }
  const outcome: TriggerOutcome =
    reading.kind === 'ok' ? await reading.value(ports, control) : { outcome: 'ignored', note: reading.note };
  await ports.store.recordDelivery('github', delivery);
  context.log(`github ${event} delivery ${delivery}: ${describeOutcome(outcome)}`);
  return {
    status: outcome.outcome === 'submitted' && outcome.created ? 202 : 200,
    jsonBody: { outcome: outcome.outcome, note: describeOutcome(outcome) },
  };
}
