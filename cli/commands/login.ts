import { positionals, stringFlag } from '../args.js';
import { EXIT, usageError } from '../errors.js';
import { plain } from '../format.js';
import { acquireToken, saveLogin } from '../login.js';
import { displayUrl } from '../settings.js';
import { formatPairs } from '../table.js';
import { tokenCachePath } from '../token-cache.js';
import type { Command, CommandContext } from './types.js';

function cachePath(ctx: CommandContext): string {
  const path = ctx.settings.login?.path ?? tokenCachePath(ctx.env);
  if (!path) throw usageError('Neither XDG_CONFIG_HOME nor HOME is set: there is nowhere to keep the token.');
  return path;
}

/** `gantry login`: a token for Gantry's API, cached for this URL only, then who Gantry sees. */
export const login: Command = {
  name: 'login',
  summary: 'sign in to Gantry with Microsoft Entra ID (Azure CLI or device code) and cache the token',
  usage: 'gantry login --audience <client id | api://...> [--tenant <id>] [--device-code [--client-id <id>]]',
  description: [
    "Gets an access token for Gantry's API (scope <audience>/.default) and caches it for this URL in",
    '~/.config/gantry/tokens.json (mode 600); later commands against the same URL send it. By default it',
    "reuses the Azure CLI's sign-in (run az login first; an expired token is renewed the same way);",
    '--device-code signs in with a code entered in a browser instead (sign in again when it expires).',
    'The audience is the app registration deploy.md creates: its client id or application ID URI (env',
    'GANTRY_AUDIENCE, config file key "audience").',
  ],
  flags: [
    {
      name: 'audience',
      kind: 'string',
      value: '<client id | api://...>',
      description: "Gantry's API: its client id or application ID URI (env GANTRY_AUDIENCE)",
    },
    {
      name: 'tenant',
      kind: 'string',
      value: '<id>',
      description: 'Microsoft Entra tenant id or domain (env GANTRY_TENANT)',
    },
    {
      name: 'device-code',
      kind: 'boolean',
      description: 'sign in with a device code instead of the Azure CLI',
    },
    {
      name: 'client-id',
      kind: 'string',
      value: '<id>',
      description: 'with --device-code: the public client to sign in with (default: the audience client id)',
    },
  ],
  examples: [
    'gantry login --url https://gantry-func.azurewebsites.net --audience 0b1c2d3e-0000-4000-8000-123456789abc',
    'gantry login --device-code --tenant contoso.onmicrosoft.com',
  ],
  async run(ctx) {
    positionals('login', ctx.args, []);
    const audience = ctx.settings.audience;
    if (!audience)
      throw usageError(
        'gantry login needs Gantry\'s API audience: --audience <client id>, GANTRY_AUDIENCE, or "audience" in the config file.',
      );
    const method = ctx.flags['device-code'] === true ? 'device-code' : 'azure-cli';
    const clientId = stringFlag(ctx.flags, 'client-id');
    if (clientId !== undefined && method !== 'device-code')
      throw usageError('--client-id only applies with --device-code.');
    const path = cachePath(ctx);
    const entry = await acquireToken({
      method,
      audience,
      tenant: ctx.settings.tenant,
      clientId,
      prompt: (message) => ctx.out.error(message),
    });
    saveLogin({ path, readFile: ctx.readFile, writeFile: ctx.writeFile }, ctx.settings, entry);
    const url = displayUrl(ctx.settings.url);
    const { body } = await ctx.api.withToken(entry.accessToken).get<{
      principal: { name: string; roles?: string[] } | null;
    }>('/api/me');
    const view = { url, audience, method, expiresOn: entry.expiresOn, principal: body.principal };
    if (ctx.out.json) {
      ctx.out.value(view);
      return EXIT.ok;
    }
    const p = body.principal;
    ctx.out.lines(
      formatPairs([
        ['signed in', url],
        ['as', p ? plain(p.name) : 'nobody: Gantry saw no identity (is App Service authentication on?)'],
        ['roles', (p?.roles ?? []).map(plain).join(', ') || 'none'],
        ['token', `cached until ${entry.expiresOn} (${method})`],
      ]),
    );
    return EXIT.ok;
  },
};

/** `gantry logout`: forgets the cached token for this URL (or every URL). */
export const logout: Command = {
  name: 'logout',
  summary: 'forget the token gantry login cached for this URL (--all: for every URL)',
  usage: 'gantry logout [--all]',
  description: [
    'Removes the cached token for the Gantry URL, or with --all the whole cache. The Azure CLI stays',
    'signed in (az logout signs it out); nothing is sent to Gantry or Microsoft Entra ID.',
  ],
  flags: [{ name: 'all', kind: 'boolean', description: 'forget the tokens of every Gantry URL' }],
  examples: ['gantry logout', 'gantry logout --all'],
  async run(ctx) {
    positionals('logout', ctx.args, []);
    const path = cachePath(ctx);
    const url = displayUrl(ctx.settings.url);
    const all = ctx.flags.all === true;
    const had = all || ctx.settings.login !== undefined;
    if (all) ctx.writeFile(path, '{"version":1,"tokens":{}}\n');
    else if (had)
      saveLogin({ path, readFile: ctx.readFile, writeFile: ctx.writeFile }, ctx.settings, undefined);
    if (ctx.out.json) ctx.out.value({ url: all ? null : url, removed: had });
    else
      ctx.out.line(
        all ? 'Signed out of every Gantry URL.' : had ? `Signed out of ${url}.` : `Not signed in to ${url}.`,
      );
    return EXIT.ok;
  },
};
