import type { HttpRequest, InvocationContext } from '@azure/functions';
import type * as df from 'durable-functions';
import { durableClient } from '../durable/register.js';
import { decide } from '../../shared/app/approvals.js';
import { interrupt, resumeAnalysis, submitImage } from '../../shared/app/deployments.js';
import { AppError } from '../../shared/app/errors.js';
import { retryDeployment } from '../../shared/app/retry.js';
import { describeDeployment } from '../../shared/app/status.js';
import { parseInstant } from '../../shared/domain/instant.js';
import { DEPLOYMENT_ACTIONS } from '../../shared/domain/permissions.js';
import { DEPLOYMENT_ID } from '../../shared/domain/retry.js';
import { getPorts } from '../../shared/composition.js';
import { OPERATOR, READER, roleForAction } from '../../shared/domain/roles.js';
import { controlFor } from '../durable/control.js';
import { modules } from '../modules.js';
import { authorize } from './identity.js';
import { handle, readJson, stringFields } from './respond.js';

function deploymentId(request: HttpRequest): string {
  const id = request.params.id ?? '';
  if (!DEPLOYMENT_ID.test(id))
    throw new AppError(
      400,
      'invalid-deployment-id',
      'Not a deployment id (<service>-<12 hex>, or <service>-<12 hex>-r<n> for a retry).',
    );
  return id;
}

/** A commit time, normalised; one after the push is a clock or caller mistake that would skew lead times. */
function commitTime(text: string | undefined, pushedAt: string): string | undefined {
  if (text === undefined) return undefined;
  const ms = parseInstant(text);
  if (ms === undefined || ms > Date.parse(pushedAt))
    throw new AppError(
      400,
      'invalid-field',
      "'committedAt' must be an ISO 8601 time with a zone, not after the push.",
      { field: 'committedAt' },
    );
  return new Date(ms).toISOString();
}

/** The deployment actions `/api/me` can be asked about, plus rejudge (a replay, not a state change). */
const ACTIONS = [...DEPLOYMENT_ACTIONS, 'rejudge'] as const;
type Action = (typeof ACTIONS)[number];

durableClient.http('createDeployment', {
  route: 'deployments',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: (request: HttpRequest, client: df.DurableClient, context: InvocationContext) =>
    handle(context, async () => {
      const principal = authorize(request, context, OPERATOR, 'Triggering a deployment');
      const body = stringFields(await readJson(request), {
        service: { required: true, max: 63 },
        image: { required: true, max: 512 },
        commitSha: { required: false, max: 40 },
        committedAt: { required: false, max: 40 },
      });
      if (body.commitSha !== undefined && !/^[0-9a-f]{40}$/.test(body.commitSha)) {
        throw new AppError(400, 'invalid-field', "'commitSha' must be a full 40-character Git commit SHA.", {
          field: 'commitSha',
        });
      }
      const ports = await getPorts();
      const at = new Date(ports.clock.now()).toISOString();
      const { deployment, created } = await submitImage(ports, controlFor(client), {
        service: body.service,
        image: body.image as string,
        commitSha: body.commitSha,
        committedAt: commitTime(body.committedAt, at),
        source: 'manual',
        pushedBy: principal.name,
        at,
      });
      return {
        status: created ? 201 : 200,
        headers: { location: `/api/deployments/${deployment.id}` },
        jsonBody: { deployment },
      };
    }),
});

durableClient.http('getDeployment', {
  route: 'deployments/{id}',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: (request: HttpRequest, client: df.DurableClient, context: InvocationContext) =>
    handle(context, async () => {
      authorize(request, context, READER, 'Reading a deployment');
      return {
        jsonBody: await describeDeployment(await getPorts(), controlFor(client), deploymentId(request)),
      };
    }),
});

durableClient.http('deploymentAction', {
  route: 'deployments/{id}/{action}',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: (request: HttpRequest, client: df.DurableClient, context: InvocationContext) =>
    handle(context, async () => {
      const id = deploymentId(request);
      const action = request.params.action as Action;
      if (!ACTIONS.includes(action))
        throw new AppError(
          404,
          'unknown-action',
          `No action '${String(action).slice(0, 40)}' on deployments.`,
        );
      // Every action is an operator's or an approver's (shared/domain/roles.ts), checked before the body.
      const principal = authorize(request, context, roleForAction(action), `'${action}' on a deployment`);
      if (action === 'rejudge') {
        // Changes nothing, but replays evidence on demand: an operator's tool, not a reader's.
        const { rejudgeDeployment } = modules.rejudge();
        return { jsonBody: await rejudgeDeployment(await getPorts(), id, await readJson(request)) };
      }
      const body = stringFields(await readJson(request, { optional: true }), {
        comment: { required: false, max: 2000 },
      });
      const ports = await getPorts();
      const control = controlFor(client);
      if (action === 'approve' || action === 'reject') {
        const result = await decide(ports, control, {
          id,
          principal,
          decision: action,
          comment: body.comment,
          at: new Date(ports.clock.now()).toISOString(),
        });
        return { status: 202, jsonBody: result };
      }
      if (action === 'retry') {
        const result = await retryDeployment(ports, control, {
          id,
          actor: principal.name,
          comment: body.comment,
          at: new Date(ports.clock.now()).toISOString(),
        });
        return {
          status: 201,
          headers: { location: `/api/deployments/${result.deployment.id}` },
          jsonBody: result,
        };
      }
      if (action === 'resume') {
        const deployment = await resumeAnalysis(
          ports,
          control,
          id,
          principal.name,
          body.comment ?? 'resumed',
        );
        return { status: 202, jsonBody: { deployment } };
      }
      if ((action === 'skip-analysis' || action === 'abort') && !body.comment?.trim()) {
        throw new AppError(400, 'comment-required', `${action} needs a comment giving the reason.`);
      }
      const kind = action === 'skip-analysis' ? 'skipAnalysis' : action;
      const deployment = await interrupt(
        ports,
        control,
        id,
        kind,
        principal.name,
        body.comment ?? 'no reason given',
      );
      return { status: 202, jsonBody: { deployment } };
    }),
});
