import { positionals } from '../args.js';
import { EXIT } from '../errors.js';
import { plain } from '../format.js';
import { deploymentPath } from '../paths.js';
import { formatPairs } from '../table.js';
import type { Command } from './types.js';

interface Permission {
  allowed: boolean;
  reason?: string;
}

interface CallerView {
  authenticated: boolean;
  principal: { name: string; groups: string[]; roles?: string[]; source: string } | null;
  serverTime: string;
  deployment?: { id: string; state: string; actions: Record<string, Permission> };
}

/** `GET /api/me`: who Gantry thinks the caller is and, for a deployment, what they may do to it now. */
export const whoami: Command = {
  name: 'whoami',
  summary: 'show who Gantry sees, and with a deployment id which actions it would accept now',
  usage: 'gantry whoami [<id>]',
  description: [
    'Asks Gantry who the caller is (the App Service identity, or the development principal locally)',
    'and which Gantry roles it holds (Reader, Operator, Approver; docs/api.md, Roles).',
    'With a deployment id it also lists each action (approve, reject, cancel, abort, skip-analysis,',
    'resume, retry) and whether the API would accept it from you right now, with the reason when not.',
  ],
  flags: [],
  examples: ['gantry whoami', 'gantry whoami apigateway-1111aaaa2222 --principal ada:devops-team:Approver'],
  async run(ctx) {
    const { id } = positionals('whoami', ctx.args, [], ['id']);
    // Validates the id the same way every other command does before anything is sent.
    if (id !== undefined) deploymentPath(id);
    const { body } = await ctx.api.get<CallerView>('/api/me', id === undefined ? {} : { deployment: id });
    if (ctx.out.json) {
      ctx.out.value(body);
      return EXIT.ok;
    }
    const who = body.principal
      ? `${plain(body.principal.name)} [${body.principal.groups.map(plain).join(', ')}] (${plain(body.principal.source)})`
      : 'anonymous (no identity reached Gantry)';
    const rows: Array<[string, string]> = [['caller', who]];
    if (body.principal)
      rows.push([
        'roles',
        (body.principal.roles ?? []).map(plain).join(', ') || 'none (every other call is refused)',
      ]);
    if (body.deployment) {
      rows.push(['deployment', `${plain(body.deployment.id)} (${plain(body.deployment.state)})`]);
      for (const [action, p] of Object.entries(body.deployment.actions))
        rows.push([action, p.allowed ? 'allowed' : `no: ${plain(p.reason ?? 'refused')}`]);
    }
    ctx.out.lines(formatPairs(rows));
    return EXIT.ok;
  },
};
