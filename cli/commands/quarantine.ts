import type { HoldRecord, QuarantineRecord } from '../../shared/domain/quarantine.js';
import type { FlagSpec } from '../args.js';
import { positionals, stringFlag } from '../args.js';
import { EXIT, usageError } from '../errors.js';
import { plain, shortDigest } from '../format.js';
import { pathSegment } from '../http.js';
import { servicePath } from '../paths.js';
import type { Command, CommandContext } from './types.js';

/** `--reason <text>`: why the quarantine or hold is lifted (required, audited). */
const REASON_FLAG: FlagSpec = {
  name: 'reason',
  short: 'm',
  kind: 'string',
  value: '<text>',
  description: 'why it is lifted (required; recorded with who and when)',
};

function reasonOf(ctx: CommandContext, command: string): string {
  const reason = stringFlag(ctx.flags, 'reason');
  if (!reason?.trim())
    throw usageError(`'${command}' needs a reason: --reason "<text>".`, { flag: 'reason' });
  return reason;
}

function liftOnly(command: string, action: string | undefined): void {
  if (action !== 'lift') throw usageError(`'${command}' knows one action, lift (got '${action ?? ''}').`);
}

/** `POST /api/services/{name}/quarantine/{digest}/lift`. */
export const quarantine: Command = {
  name: 'quarantine',
  summary: 'lift the quarantine of a rolled back digest (Operator, needs --reason)',
  usage: 'gantry quarantine lift <service> <digest> --reason <text>',
  description: [
    'A digest that was rolled back is quarantined for its service: pushes, triggers and retries of it are',
    'refused (digest-quarantined). Lifting it lets the digest be deployed again (gantry retry <id>).',
    'gantry service <service> lists the quarantined digests.',
  ],
  flags: [REASON_FLAG],
  examples: ['gantry quarantine lift ApiGateway sha256:1111…1111 --reason "the alert was a false positive"'],
  async run(ctx) {
    const { action, service, digest } = positionals('quarantine', ctx.args, ['action', 'service', 'digest']);
    liftOnly('quarantine', action);
    const reason = reasonOf(ctx, 'quarantine lift');
    const path = `${servicePath(service as string)}/quarantine/${pathSegment(digest as string, 'digest')}/lift`;
    const { body } = await ctx.api.post<{ quarantine: QuarantineRecord }>(path, { reason });
    if (ctx.out.json) ctx.out.value(body);
    else {
      const q = body.quarantine;
      ctx.out.line(
        `Lifted the quarantine of @${shortDigest(q.digest)} for ${ctx.out.style.bold(plain(q.service))} ` +
          `(rolled back in ${plain(q.deploymentId)}).`,
      );
      ctx.out.line(ctx.out.style.dim(`Run it again with: gantry retry ${plain(q.deploymentId)}`));
    }
    return EXIT.ok;
  },
};

/** `POST /api/services/{name}/hold/lift`. */
export const hold: Command = {
  name: 'hold',
  summary: "lift the hold an automatic rollback put on a service's lane (Operator, needs --reason)",
  usage: 'gantry hold lift <service> --reason <text>',
  description: [
    'After an automatic rollback the service lane holds new pushes (configuration `holds`). Lifting the',
    'hold lets the lane take the newest queued push. gantry service <service> shows the hold.',
  ],
  flags: [REASON_FLAG],
  examples: ['gantry hold lift ApiGateway --reason "root cause fixed in 1.4.3"'],
  async run(ctx) {
    const { action, service } = positionals('hold', ctx.args, ['action', 'service']);
    liftOnly('hold', action);
    const reason = reasonOf(ctx, 'hold lift');
    const { body } = await ctx.api.post<{ hold: HoldRecord }>(`${servicePath(service as string)}/hold/lift`, {
      reason,
    });
    if (ctx.out.json) ctx.out.value(body);
    else
      ctx.out.line(
        `Lifted the hold on ${ctx.out.style.bold(plain(body.hold.service))} ` +
          `(set by ${plain(body.hold.deploymentId)}); the lane takes the newest queued push.`,
      );
    return EXIT.ok;
  },
};
