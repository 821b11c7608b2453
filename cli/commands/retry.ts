import type { DeploymentRecord } from '../../shared/domain/deployment.js';
import { positionals, stringFlag } from '../args.js';
import { EXIT } from '../errors.js';
import { plain } from '../format.js';
import { deploymentPath } from '../paths.js';
import { stateStyle } from '../style.js';
import { MESSAGE_FLAG, type Command } from './types.js';

/** `POST /api/deployments/{id}/retry`: the same image again, as a new run that links to this one. */
export const retry: Command = {
  name: 'retry',
  summary: 'run a failed, cancelled or rolled back deployment again (same image, new run)',
  usage: 'gantry retry <id> [-m <text>]',
  description: [
    'Queues the image of a Failed, Cancelled or RolledBack deployment again, without a rebuild, as a new',
    'deployment <id>-r<n> that links back to it (retryOf / retriedBy). It waits in the service lane like',
    'a push. A run is retried once: to try again after a failed retry, retry the latest run. 409 when',
    'the deployment is still running, succeeded, was superseded, or already has a retry.',
  ],
  flags: [MESSAGE_FLAG],
  examples: ['gantry retry apigateway-1111aaaa2222 -m "flaky smoke test fixed"'],
  async run(ctx) {
    const { id } = positionals('retry', ctx.args, ['id']);
    const comment = stringFlag(ctx.flags, 'message');
    const { body } = await ctx.api.post<{ deployment: DeploymentRecord; retryOf: DeploymentRecord }>(
      `${deploymentPath(id as string)}/retry`,
      comment === undefined ? {} : { comment },
    );
    if (ctx.out.json) {
      ctx.out.value(body);
      return EXIT.ok;
    }
    const { style } = ctx.out;
    const d = body.deployment;
    ctx.out.line(
      `Retrying ${plain(body.retryOf.id)} (${stateStyle(style, plain(body.retryOf.state))}) as ` +
        `${style.bold(plain(d.id))} (${plain(d.service)}, ${stateStyle(style, plain(d.state))}).`,
    );
    ctx.out.line(style.dim(`Follow it with: gantry watch ${plain(d.id)}`));
    return EXIT.ok;
  },
};
