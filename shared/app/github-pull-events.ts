import type { ClosedPull } from '../domain/pull-request-wake.js';
import { lazySchema, zod } from '../zod.js';
import type { GitHubReading } from './github-events.js';

/**
 * `pull_request` webhooks (reference: GitHub webhook events, `pull_request` `closed`): the close or merge
 * of a pull request Gantry opened in `gitops: pull-request` mode wakes the phase waiting for it. Its
 * deployment is named in the body Gantry wrote (`(deployment <id>)`, git-writeback.ts pullBody).
 */

const short = () => zod().string().max(2048);

// Built on first parse, like the other webhook schemas (cold start: shared/zod.ts lazySchema()).
const pullRequestEvent = lazySchema((z) =>
  z.looseObject({
    action: short(),
    number: z.number().int().positive().optional(),
    pull_request: z.looseObject({
      number: z.number().int().positive(),
      merged: z.boolean().nullish(),
      body: z.string().max(262_144).nullish(),
      head: z.looseObject({ ref: short() }),
      base: z.looseObject({ ref: short() }),
    }),
    repository: z.looseObject({ full_name: short() }),
  }),
);

const DEPLOYMENT = /\(deployment ([a-z0-9][a-z0-9-]{0,62}-[a-f0-9]{12}(?:-r[1-9][0-9]{0,3})?)\)/;

export type PullClosed = ClosedPull & { deploymentId: string };

export function readPullRequestClosed(body: unknown): GitHubReading<PullClosed> {
  const parsed = pullRequestEvent().safeParse(body);
  if (!parsed.success)
    return {
      kind: 'invalid',
      error: parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '),
    };
  const { action, pull_request: pull, repository } = parsed.data;
  if (action !== 'closed') return { kind: 'ignored', note: `pull_request ${action.slice(0, 40)}` };
  const deploymentId = DEPLOYMENT.exec(pull.body ?? '')?.[1];
  if (!deploymentId)
    return { kind: 'ignored', note: `pull request #${pull.number} names no Gantry deployment` };
  return {
    kind: 'ok',
    value: {
      deploymentId,
      repository: repository.full_name,
      number: pull.number,
      merged: pull.merged === true,
      headRef: pull.head.ref,
      baseRef: pull.base.ref,
    },
  };
}
