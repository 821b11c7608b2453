import { positionals, stringFlag } from '../args.js';
import { EXIT, usageError } from '../errors.js';
import { plain } from '../format.js';
import { ApiClient, pathSegment } from '../http.js';
import type { Command } from './types.js';
import { watch } from './watch.js';

/** `npm start`'s sandbox control API (local.settings.example.json, GANTRY_SANDBOX_CONTROL_URL). */
export const DEFAULT_SANDBOX_URL = 'http://localhost:7085';

interface PushAnswer {
  digest: string;
  mediaType: string;
  image: string;
  revision?: string;
  service?: string;
  deploymentId?: string;
  delivered: boolean;
}

function sandboxClient(ctx: Parameters<Command['run']>[0]): ApiClient {
  const raw = stringFlag(ctx.flags, 'sandbox-url') ?? ctx.settings.sandboxUrl ?? DEFAULT_SANDBOX_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw usageError(`--sandbox-url '${raw}' is not a URL.`);
  }
  if (!/^(localhost|127(\.\d{1,3}){3}|\[::1\])$/.test(url.hostname))
    throw usageError(`The sandbox only listens on loopback; ${url.host} is not.`);
  // The sandbox is anonymous: no token, principal or key goes to it.
  return new ApiClient({ url, sources: { url: 'flag' } });
}

/** The image reference as `<repository>:<tag>`, each part checked before it reaches the URL. */
function pushPath(ref: string): string {
  const colon = ref.lastIndexOf(':');
  if (colon <= 0 || colon === ref.length - 1 || ref.includes('@') || ref.includes('/v2/'))
    throw usageError(`'${ref}' is not <repository>:<tag>, e.g. api-gateway:1.4.0.`);
  const repository = ref.slice(0, colon);
  const tag = ref.slice(colon + 1);
  const segments = repository.split('/').map((s) => pathSegment(s, 'repository'));
  return `/sandbox/registry/${segments.join('/')}:${pathSegment(tag, 'tag')}`;
}

export const sandbox: Command = {
  name: 'sandbox',
  summary: 'local sandbox helpers: push an image through the sandbox registry',
  usage:
    'gantry sandbox push <repository>:<tag> [--revision <sha>] [--source <url>] [--platform <os/arch,...>] [--no-deliver] [--watch]',
  description: [
    'Pushes an image into the sandbox registry of `npm start`, as a build would, and lets the registry',
    "deliver ACR's ImagePushed events to Gantry's Event Grid route: Gantry reads the image's commit from its",
    'labels, as it does in Azure. The image is labelled with org.opencontainers.image.revision (a commit the',
    'sandbox GitHub reports green unless --revision names another), .source (the service repository unless',
    '--source names another) and .version (the tag). Several --platform values push a multi-arch index.',
    'Prints the digest and the deployment the push started; --watch follows it (exit codes as in watch).',
  ],
  flags: [
    { name: 'revision', kind: 'string', value: '<sha>', description: 'the commit to label the image with' },
    { name: 'source', kind: 'string', value: '<url>', description: 'the repository URL label' },
    {
      name: 'platform',
      kind: 'string',
      value: '<os/arch,...>',
      description: 'platforms, comma-separated (default linux/amd64)',
    },
    { name: 'no-deliver', kind: 'boolean', description: 'store the image only; send no events' },
    {
      name: 'sandbox-url',
      kind: 'string',
      value: '<url>',
      description: `the sandbox control API (env GANTRY_SANDBOX_URL; default ${DEFAULT_SANDBOX_URL})`,
    },
    { name: 'watch', short: 'w', kind: 'boolean', description: 'follow the deployment until it finishes' },
    ...watch.flags,
  ],
  examples: [
    'gantry sandbox push api-gateway:1.4.0 --watch',
    'gantry sandbox push api-gateway:1.5.0 --platform linux/amd64,linux/arm64',
  ],
  async run(ctx) {
    const { action, ref } = positionals('sandbox', ctx.args, ['action', 'ref']);
    if (action !== 'push') throw usageError(`Unknown sandbox action '${action}'; try: gantry sandbox push.`);
    const platform = stringFlag(ctx.flags, 'platform');
    const revision = stringFlag(ctx.flags, 'revision');
    const source = stringFlag(ctx.flags, 'source');
    const body = {
      ...(revision !== undefined && { revision }),
      ...(source !== undefined && { source }),
      ...(platform !== undefined && { platforms: platform.split(',').map((p) => p.trim()) }),
      ...(ctx.flags['no-deliver'] === true && { deliver: false }),
    };
    const answer = (await sandboxClient(ctx).put<PushAnswer>(pushPath(ref as string), body)).body;
    const id = answer.deploymentId;
    if (ctx.out.json && !(ctx.flags.watch && id)) ctx.out.value(answer);
    else if (!ctx.out.json) {
      const { style } = ctx.out;
      ctx.out.line(`Pushed ${plain(answer.image)}`);
      ctx.out.line(style.dim(`  revision ${plain(answer.revision ?? '(none)')}`));
      if (id && answer.delivered) {
        ctx.out.line(`Gantry received the push: deployment ${style.bold(plain(id))}.`);
        if (!ctx.flags.watch) ctx.out.line(style.dim(`Follow it with: gantry watch ${plain(id)}`));
      } else if (!answer.delivered) ctx.out.line(style.dim('No events delivered (--no-deliver).'));
      else ctx.out.line(style.dim('No configured service deploys this repository.'));
    }
    if (ctx.flags.watch && id && answer.delivered) return watch.run({ ...ctx, args: [id] });
    return EXIT.ok;
  },
};
