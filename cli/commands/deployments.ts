import type { DeploymentRecord } from '../../shared/domain/deployment.js';
import { intFlag, positionals, stringFlag } from '../args.js';
import { EXIT, usageError } from '../errors.js';
import { deploymentPath } from '../paths.js';
import { deploymentsTable } from '../render/lists.js';
import { renderStatus, type DeploymentView } from '../render/status.js';
import type { Command, CommandContext } from './types.js';
import { watch } from './watch.js';

export const status: Command = {
  name: 'status',
  summary: 'show a deployment: stages, current weight, last checks',
  usage: 'gantry status <id> [--timeline] [--watch]',
  description: [
    'Shows the deployment record, the stages it went through and how long each took, the traffic weight',
    'now, the newest verdict of every canary check and verification rule, and recent gates, decisions and',
    'actions. --timeline lists every timeline entry instead. --watch follows it like `gantry watch`.',
  ],
  flags: [
    { name: 'timeline', kind: 'boolean', description: 'print every timeline entry, oldest first' },
    {
      name: 'watch',
      short: 'w',
      kind: 'boolean',
      description: 'follow the deployment until it finishes (see watch)',
    },
  ],
  examples: [
    'gantry status apigateway-1111aaaa2222',
    'gantry status apigateway-1111aaaa2222 --json | jq .live',
  ],
  async run(ctx) {
    const { id } = positionals('status', ctx.args, ['id']);
    if (ctx.flags.watch) return watch.run({ ...ctx, flags: { ...ctx.flags, watch: false } });
    const { body } = await ctx.api.get<DeploymentView>(deploymentPath(id as string));
    if (ctx.out.json) ctx.out.value(body);
    else ctx.out.lines(renderStatus(body, ctx.out.style, ctx.out.width, ctx.flags.timeline === true));
    return EXIT.ok;
  },
};

const RELATIVE = /^(\d{1,6})(m|h|d|w)$/;
const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `--since 2h` means two hours before now; anything else goes to the API as written (it validates). */
export function sinceParameter(raw: string | undefined, now: number): string | undefined {
  if (raw === undefined) return undefined;
  const m = RELATIVE.exec(raw);
  if (!m) return raw;
  return new Date(now - Number(m[1]) * (UNIT_MS[m[2] as string] ?? 0)).toISOString();
}

type Page = { items: DeploymentRecord[]; continuationToken: string | null };

/** Pages through the API until `limit` items (page sizes chosen so the last token resumes exactly there). */
export async function fetchDeployments(
  ctx: CommandContext,
  filters: Record<string, string | undefined>,
  limit: number,
  token: string | undefined,
): Promise<Page> {
  const items: DeploymentRecord[] = [];
  let next: string | null = token ?? null;
  do {
    const pageSize = Math.min(200, limit - items.length);
    const { body } = await ctx.api.get<Page>('/api/deployments', {
      ...filters,
      pageSize,
      continuationToken: next ?? undefined,
    });
    items.push(...body.items);
    next = body.continuationToken;
  } while (next && items.length < limit);
  return { items, continuationToken: next };
}

/** Newest first, as the dashboard lists them; ties by service, then id, so the order is stable. */
export const newestFirst = (items: DeploymentRecord[]): DeploymentRecord[] =>
  [...items].sort(
    (a, b) =>
      b.createdAt.localeCompare(a.createdAt) ||
      a.service.localeCompare(b.service) ||
      a.id.localeCompare(b.id),
  );

export const list: Command = {
  name: 'list',
  summary: 'list deployments, filtered by service, state and time',
  usage:
    'gantry list [--service <name>] [--status <state>] [--since <time>] [--limit <n> | --all] [--continue <token>]',
  description: [
    'Lists deployments newest first, so --limit shows the latest ones. Filters combine. --since takes an',
    'ISO 8601 time with a zone (2026-01-05T10:00:00Z) or an age: 30m, 12h, 7d, 2w. When more deployments',
    'match than --limit shows, the last line says so. --continue <token> pages through the API in its own',
    'order (service, then id) instead; --json output then carries the next continuationToken.',
  ],
  flags: [
    {
      name: 'service',
      short: 's',
      kind: 'string',
      value: '<name>',
      description: 'only this service (any casing)',
    },
    {
      name: 'status',
      kind: 'string',
      value: '<state>',
      description: 'only this state: Queued ... Superseded (exact casing)',
    },
    {
      name: 'since',
      kind: 'string',
      value: '<time>',
      description: 'created at or after: ISO 8601 time, or an age such as 2h or 7d',
    },
    {
      name: 'limit',
      short: 'n',
      kind: 'string',
      value: '<n>',
      description: 'show at most n deployments (default 50)',
    },
    { name: 'all', kind: 'boolean', description: 'fetch every page' },
    { name: 'continue', kind: 'string', value: '<token>', description: 'resume from a continuation token' },
  ],
  examples: [
    'gantry list --service ApiGateway --status Failed --since 7d',
    'gantry list --all --json | jq -r ".items[].id"',
  ],
  async run(ctx) {
    positionals('list', ctx.args, []);
    if (ctx.flags.all && ctx.flags.limit !== undefined)
      throw usageError('Use either --limit or --all, not both.');
    const limit = ctx.flags.all ? Infinity : (intFlag(ctx.flags, 'limit', 1, 100_000) ?? 50);
    const filters = {
      service: stringFlag(ctx.flags, 'service'),
      status: stringFlag(ctx.flags, 'status'),
      since: sinceParameter(stringFlag(ctx.flags, 'since'), ctx.now()),
    };
    const token = stringFlag(ctx.flags, 'continue');
    // The API pages by service and id; the latest deployments can be on any page, so all are read.
    const page = token
      ? await fetchDeployments(ctx, filters, limit, token)
      : await fetchDeployments(ctx, filters, Infinity, undefined);
    const items = token ? page.items : newestFirst(page.items).slice(0, limit);
    const more = token ? 0 : page.items.length - items.length;
    if (ctx.out.json) {
      ctx.out.value({ items, continuationToken: page.continuationToken, ...(more > 0 && { more }) });
      return EXIT.ok;
    }
    if (items.length === 0) ctx.out.line(ctx.out.style.dim('No deployments match.'));
    else ctx.out.lines(deploymentsTable(items, ctx.out.style, ctx.out.width));
    if (more > 0)
      ctx.out.line(
        ctx.out.style.dim(
          `${more} older ${more === 1 ? 'deployment matches' : 'deployments match'}: raise --limit, or use --all.`,
        ),
      );
    if (page.continuationToken)
      ctx.out.line(
        ctx.out.style.dim(
          `More deployments match: add --continue '${page.continuationToken}', or use --all.`,
        ),
      );
    return EXIT.ok;
  },
};
