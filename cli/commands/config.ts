import { positionals } from '../args.js';
import { EXIT } from '../errors.js';
import { displayUrl, type Source } from '../settings.js';
import { formatPairs } from '../table.js';
import type { Command } from './types.js';

const WHERE: Record<Source, string> = {
  flag: 'a flag',
  env: 'the environment',
  file: 'the config file',
  default: 'the default',
  login: 'gantry login',
};
const from = (s: Source | undefined): string => (s === undefined ? '' : ` (from ${WHERE[s]})`);

/** Shows where the CLI would connect and as whom, never the secrets themselves. */
export const config: Command = {
  name: 'config',
  summary: 'show the URL and credentials the CLI would use, and where each came from',
  usage: 'gantry config',
  description: [
    'Prints the resolved Gantry URL, which credentials are set (tokens and keys are never printed) and',
    'the source of each: flags win over the environment, which wins over the config file.',
  ],
  flags: [],
  examples: ['GANTRY_URL=https://gantry.example.com gantry config'],
  async run(ctx) {
    positionals('config', ctx.args, []);
    const s = ctx.settings;
    const view = {
      url: displayUrl(s.url),
      configFile: s.configFile ?? null,
      token: s.token ? 'set' : 'not set',
      principal: s.principal ?? null,
      functionKey: s.functionKey ? 'set' : 'not set',
      audience: s.audience ?? null,
      tenant: s.tenant ?? null,
      login: s.login
        ? { method: s.login.entry.method, expiresOn: s.login.entry.expiresOn, valid: s.login.valid }
        : null,
      sources: s.sources,
    };
    if (ctx.out.json) {
      ctx.out.value(view);
      return EXIT.ok;
    }
    ctx.out.lines(
      formatPairs([
        ['url', `${view.url}${from(s.sources.url)}`],
        ['token', `${view.token}${from(s.sources.token)}`],
        [
          'principal',
          s.principal
            ? `${s.principal.name} [${s.principal.groups.join(', ')}]${s.principal.roles.length > 0 ? ` roles ${s.principal.roles.join(', ')}` : ''}${from(s.sources.principal)}`
            : 'not set',
        ],
        ['function key', `${view.functionKey}${from(s.sources.functionKey)}`],
        ['audience', `${s.audience ?? 'not set'}${from(s.sources.audience)}`],
        [
          'login',
          s.login
            ? `${s.login.entry.method}, ${s.login.valid ? 'valid' : 'expired'} until ${s.login.entry.expiresOn}`
            : 'not signed in',
        ],
        ['config file', s.configFile ?? 'none'],
      ]),
    );
    return EXIT.ok;
  },
};
