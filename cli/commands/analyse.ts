import { parseDuration, positionals, stringFlag } from '../args.js';
import { EXIT, usageError } from '../errors.js';
import { plain } from '../format.js';
import { canarySpecFromFile } from '../rejudge-spec.js';
import { renderBacktest, type BacktestResult } from '../render/backtest.js';
import type { Command } from './types.js';

/** An ISO 8601 time as given, or `<duration>` meaning that long before now (`90m`, `2h`, `1d`). */
function timeFlag(raw: string | undefined, name: string, now: number): string {
  if (raw === undefined) throw usageError(`'analyse' needs --${name} <time>.`, { flag: name });
  const ago = parseDuration(raw);
  if (ago !== undefined && /[a-z]$/.test(raw.trim())) return new Date(now - ago).toISOString();
  if (Number.isNaN(Date.parse(raw)))
    throw usageError(
      `--${name} must be an ISO 8601 time with a zone (2026-12-01T10:00:00Z) or a duration ago (2h).`,
      { flag: name },
    );
  return raw;
}

export const analyse: Command = {
  name: 'analyse',
  summary: "backtest a canary spec on a past window's metrics, with nothing deployed",
  usage: 'gantry analyse <service> --from <time> --to <time> [--config <file>] [--all]',
  description: [
    "Asks Gantry what the service's canary analysis would have decided over a past window: the checks at",
    "the spec's own cadence (interval checks, fast checks, limits), the decision and when it would have",
    'been taken. Traffic is taken to reach the canary at --from. Only metrics are read. <time> is ISO 8601',
    'with a zone, or a duration ago (2h). With --config <file> (YAML or JSON: `canary: {...}`, the bare',
    "block, or a whole Gantry configuration, then the service's block merged over `defaults`) that spec is",
    'judged instead of the configured one. The window is at most 24 h; --to cannot be in the future.',
  ],
  flags: [
    { name: 'from', kind: 'string', value: '<time>', description: 'start: traffic reaches the canary' },
    { name: 'to', kind: 'string', value: '<time>', description: 'end of the window (not in the future)' },
    {
      name: 'config',
      short: 'c',
      kind: 'string',
      value: '<file>',
      description: 'YAML or JSON file with the canary block to judge instead',
    },
    { name: 'all', kind: 'boolean', description: 'list the passing fast-round checks too' },
  ],
  examples: [
    'gantry analyse ApiGateway --from 2026-12-01T10:00:00Z --to 2026-12-01T11:00:00Z',
    'gantry analyse ApiGateway --from 3h --to 1h --config stricter-canary.yaml --json',
  ],
  async run(ctx) {
    const { service } = positionals('analyse', ctx.args, ['service']);
    const now = ctx.now();
    const from = timeFlag(stringFlag(ctx.flags, 'from'), 'from', now);
    const to = timeFlag(stringFlag(ctx.flags, 'to'), 'to', now);
    const file = stringFlag(ctx.flags, 'config');
    let config: { canary: Record<string, unknown>; from: string } | undefined;
    if (file !== undefined) {
      const text = ctx.readFile(file);
      if (text === undefined) throw usageError(`Cannot read ${file}.`, { flag: 'config' });
      // A whole configuration yields this service's block: the id form is how rejudge names the service.
      config = canarySpecFromFile(text, file, undefined, `${service as string}-000000000000`);
    }
    const { body } = await ctx.api.post<BacktestResult>('/api/analysis/backtest', {
      service,
      from,
      to,
      ...(config && { config: config.canary }),
    });
    if (ctx.out.json) {
      ctx.out.value(body);
      return EXIT.ok;
    }
    if (file) ctx.out.line(ctx.out.style.dim(`Canary spec: ${plain(file)} (${config?.from})`));
    ctx.out.lines(renderBacktest(body, ctx.out.style, ctx.out.width, ctx.flags.all === true));
    return EXIT.ok;
  },
};
