import { join } from 'node:path';
import { positionals, stringFlag } from '../args.js';
import { CliError, EXIT, usageError } from '../errors.js';
import { plain } from '../format.js';
import { buildKit, KitError, type KitOptions } from '../init/index.js';
import { isDnsLabel, isDnsSubdomain, isGuid } from '../../shared/domain/names.js';
import type { Command, CommandContext } from './types.js';

export const DEFAULT_CONFIG = 'config/gantry.yaml';

/** Flag values become Kubernetes names and paths in the kit: each is checked before anything is written. */
function kitOptions(ctx: CommandContext): Partial<KitOptions> {
  const options: Partial<KitOptions> = {};
  const check = (flag: string, ok: (v: string) => boolean, what: string): string | undefined => {
    const value = stringFlag(ctx.flags, flag);
    if (value !== undefined && !ok(value))
      throw usageError(`--${flag} '${plain(value)}' is not ${what}.`, { flag });
    return value;
  };
  const scanNamespace = check('scan-namespace', isDnsLabel, 'a Kubernetes namespace');
  const scanServiceAccount = check('scan-service-account', isDnsSubdomain, 'a ServiceAccount name');
  const principal = check('principal-id', isGuid, 'an object id (GUID)');
  const repoPath = check(
    'repo-path',
    (v) => /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(v) && !v.split('/').includes('..'),
    'a relative folder of the repository (e.g. deploy/api-gateway)',
  );
  if (scanNamespace) options.scanNamespace = scanNamespace;
  if (scanServiceAccount) options.scanServiceAccount = scanServiceAccount;
  if (principal) options.gantryPrincipal = principal;
  if (repoPath) options.repoPath = repoPath;
  return options;
}

export const init: Command = {
  name: 'init',
  summary: "write a service's onboarding kit: manifests, Argo CD applications, RBAC, CI workflows",
  usage: 'gantry init <service> [--out <dir>] [--config <pipeline file>]',
  description: [
    "Generates, from the service's entry in the pipeline file, everything a cluster and a repository need",
    'for its first release: a Kustomize base with staging and production overlays (primary and canary',
    'Deployments, Services, the NGINX Ingress pair or Gateway API HTTPRoute), the cluster objects an admin',
    "applies once (namespaces, the scan Jobs' namespace and ServiceAccount, Gantry's least-privilege RBAC),",
    'the Argo CD Applications with the PreSync Flyway migration, and the GitHub Actions workflows (build,',
    'scans, signed image with SBOM, and the test workflows Gantry dispatches). Nothing is sent anywhere.',
    'Existing files are not overwritten unless --force is given. See docs/onboarding.md.',
  ],
  flags: [
    {
      name: 'out',
      short: 'o',
      kind: 'string',
      value: '<dir>',
      description: 'folder to write into (default deploy/<deployment>)',
    },
    {
      name: 'config',
      short: 'c',
      kind: 'string',
      value: '<file>',
      description: `pipeline file (default ${DEFAULT_CONFIG})`,
    },
    {
      name: 'repo-path',
      kind: 'string',
      value: '<dir>',
      description: "the kit's folder in the GitOps repository (default deploy/<deployment>)",
    },
    {
      name: 'principal-id',
      kind: 'string',
      value: '<guid>',
      description: "object id of Gantry's managed identity (the RBAC subject)",
    },
    {
      name: 'scan-namespace',
      kind: 'string',
      value: '<ns>',
      description: 'namespace of the scan Jobs (default gantry-scans)',
    },
    {
      name: 'scan-service-account',
      kind: 'string',
      value: '<name>',
      description: 'ServiceAccount of the scan Jobs (default gantry-scanner)',
    },
    { name: 'force', kind: 'boolean', description: 'overwrite files that exist' },
  ],
  examples: [
    'gantry init ApiGateway --config config/gantry.example.yaml --out deploy/api-gateway',
    'gantry init ApiGateway --principal-id "$(az identity show -g gantry-rg -n id-gantry --query principalId -o tsv)" --json',
  ],
  async run(ctx) {
    const { service } = positionals('init', ctx.args, ['service']);
    const file = stringFlag(ctx.flags, 'config') ?? DEFAULT_CONFIG;
    const text = ctx.readFile(file);
    if (text === undefined) throw usageError(`Cannot read ${file}.`, { flag: 'config' });
    let kit;
    try {
      kit = buildKit(text, file, service as string, kitOptions(ctx));
    } catch (error) {
      if (error instanceof KitError) throw new CliError(error.code, error.message, EXIT.usage, error.details);
      throw error;
    }
    const out = stringFlag(ctx.flags, 'out') ?? kit.context.repoPath;
    const paths = kit.files.map((f) => join(out, f.path));
    const existing = paths.filter((p) => ctx.readFile(p) !== undefined);
    if (existing.length > 0 && ctx.flags.force !== true)
      throw new CliError(
        'exists',
        `${existing.length} file(s) exist in ${out}; use --force to overwrite.`,
        EXIT.usage,
        {
          files: existing,
        },
      );
    kit.files.forEach((f, i) => ctx.writeOutputFile(paths[i] as string, f.text));
    if (ctx.out.json) {
      ctx.out.value({ service, out, files: paths, warnings: kit.warnings });
      return EXIT.ok;
    }
    ctx.out.line(`Wrote ${paths.length} files for ${plain(service as string)} into ${plain(out)}:`);
    ctx.out.lines(paths.map((p) => `  ${plain(p)}`));
    for (const w of kit.warnings) ctx.out.error(`${ctx.out.style.yellow('warning')}: ${plain(w)}`);
    ctx.out.line('Next: docs/onboarding.md (apply cluster/, push the workflows, create the Applications).');
    return EXIT.ok;
  },
};
