import type { ApprovalRecord, DeploymentRecord } from '../../shared/domain/deployment.js';
import { positionals, stringFlag } from '../args.js';
import { EXIT, usageError } from '../errors.js';
import { plain } from '../format.js';
import { stateStyle } from '../style.js';
import { deploymentPath } from '../paths.js';
import { MESSAGE_FLAG, type Command } from './types.js';

type ActionName = 'approve' | 'reject' | 'cancel' | 'abort' | 'skip-analysis' | 'resume';

interface ActionSpec {
  name: ActionName;
  summary: string;
  /** The CLI asks for -m up front where a reason is the whole point (the API insists too). */
  messageRequired: boolean;
  description: string[];
  done: string;
}

const SPECS: ActionSpec[] = [
  {
    name: 'approve',
    summary: 'approve a deployment waiting for approval',
    messageRequired: false,
    description: [
      'Records your approval. Gantry checks it against the service policy: reviewer groups, no approving',
      'an image you pushed, one approval per person, not expired; a refusal is a 403 with the reason.',
    ],
    done: 'Approved',
  },
  {
    name: 'reject',
    summary: 'reject a deployment waiting for approval (needs -m)',
    messageRequired: true,
    description: ['Rejects the deployment; it fails before any production traffic. The reason is recorded.'],
    done: 'Rejected',
  },
  {
    name: 'cancel',
    summary: 'cancel a queued or running deployment',
    messageRequired: false,
    description: ['Stops a running deployment; a queued one is taken off the queue and never starts.'],
    done: 'Cancel requested for',
  },
  {
    name: 'abort',
    summary: 'abort a deployment, rolling back any canary (needs a reason)',
    messageRequired: false,
    description: ['Stops the deployment at once and rolls the canary back. The API requires a reason (-m).'],
    done: 'Abort requested for',
  },
  {
    name: 'skip-analysis',
    summary: 'end the canary analysis now and promote (needs -m)',
    messageRequired: true,
    description: [
      'Skips the rest of the canary analysis and promotes. Use when the metrics cannot judge the release.',
    ],
    done: 'Skip-analysis requested for',
  },
  {
    name: 'resume',
    summary: 'resume a canary analysis paused by an exhausted limit',
    messageRequired: false,
    description: [
      'Continues a canary whose analysis paused because too many intervals were inconclusive or the',
      'metrics provider kept failing; those counters restart. A 409 when nothing is paused.',
    ],
    done: 'Resume requested for',
  },
];

function actionCommand(spec: ActionSpec): Command {
  const m = spec.messageRequired ? '-m <text>' : '[-m <text>]';
  return {
    name: spec.name,
    summary: spec.summary,
    usage: `gantry ${spec.name} <id> ${m}`,
    description: spec.description,
    flags: [MESSAGE_FLAG],
    examples: [`gantry ${spec.name} apigateway-1111aaaa2222 -m "checked the dashboards"`],
    async run(ctx) {
      const { id } = positionals(spec.name, ctx.args, ['id']);
      const comment = stringFlag(ctx.flags, 'message');
      if (spec.messageRequired && !comment?.trim())
        throw usageError(`'${spec.name}' needs a reason: -m "<text>".`, { flag: 'message' });
      const { body } = await ctx.api.post<{ deployment: DeploymentRecord; approval?: ApprovalRecord }>(
        `${deploymentPath(id as string)}/${spec.name}`,
        comment === undefined ? {} : { comment },
      );
      if (ctx.out.json) {
        ctx.out.value(body);
        return EXIT.ok;
      }
      const { style } = ctx.out;
      const d = body.deployment;
      const by = body.approval ? ` as ${plain(body.approval.approver)}` : '';
      ctx.out.line(
        `${spec.done} ${style.bold(plain(d.id))}${by} (${plain(d.service)}, ${stateStyle(style, plain(d.state))}).`,
      );
      ctx.out.line(style.dim(`Follow it with: gantry watch ${plain(d.id)}`));
      return EXIT.ok;
    },
  };
}

export const actions: Command[] = SPECS.map(actionCommand);
