import { positionals, stringFlag } from '../args.js';
import { EXIT, usageError } from '../errors.js';
import { plain } from '../format.js';
import { canarySpecFromFile } from '../rejudge-spec.js';
import { renderRejudge, type RejudgeResult } from '../render/rejudge.js';
import { deploymentPath } from '../paths.js';
import type { Command } from './types.js';

export const rejudge: Command = {
  name: 'rejudge',
  summary: "replay a deployment's recorded canary checks against another canary spec",
  usage: 'gantry rejudge <id> --config <file> [--service <name>] [--all]',
  description: [
    'Asks Gantry what the recorded canary metrics of a deployment would have decided under another canary',
    'analysis block, without touching the cluster: which verdicts change and whether the outcome would.',
    '<file> is YAML or JSON holding `canary: {...}` (the block as in the pipeline configuration), the',
    'bare block, or a whole Gantry configuration: then the service (--service, or the one in the',
    'deployment id) gets its canary block merged over `defaults` as the app would. Only changed verdicts',
    'are listed unless --all is given.',
  ],
  flags: [
    {
      name: 'config',
      short: 'c',
      kind: 'string',
      value: '<file>',
      description: 'YAML or JSON file with the canary block',
    },
    {
      name: 'service',
      short: 's',
      kind: 'string',
      value: '<name>',
      description: 'service whose block to take from a whole configuration',
    },
    { name: 'all', kind: 'boolean', description: 'list every check, not only the changed ones' },
  ],
  examples: [
    'gantry rejudge apigateway-1111aaaa2222 --config stricter-canary.yaml',
    'gantry rejudge apigateway-1111aaaa2222 --config config/gantry.yaml --service ApiGateway --json',
  ],
  async run(ctx) {
    const { id } = positionals('rejudge', ctx.args, ['id']);
    const file = stringFlag(ctx.flags, 'config');
    if (file === undefined)
      throw usageError("'rejudge' needs --config <file> with a canary block.", { flag: 'config' });
    const text = ctx.readFile(file);
    if (text === undefined) throw usageError(`Cannot read ${file}.`, { flag: 'config' });
    const spec = canarySpecFromFile(text, file, stringFlag(ctx.flags, 'service'), id as string);
    const { body } = await ctx.api.post<RejudgeResult>(`${deploymentPath(id as string)}/rejudge`, {
      canary: spec.canary,
    });
    if (ctx.out.json) {
      ctx.out.value(body);
      return EXIT.ok;
    }
    ctx.out.line(ctx.out.style.dim(`Canary spec: ${plain(file)} (${spec.from})`));
    ctx.out.lines(renderRejudge(body, ctx.out.style, ctx.out.width, ctx.flags.all === true));
    return EXIT.ok;
  },
};
