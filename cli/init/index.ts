import { ConfigError, loadConfig } from '../../shared/config/load.js';
import { generateKit, type KitFile } from './kit.js';
import {
  DEFAULT_SCAN_NAMESPACE,
  DEFAULT_SCAN_SERVICE_ACCOUNT,
  kitContext,
  PRINCIPAL_PLACEHOLDER,
  type KitContext,
  type KitOptions,
} from './context.js';
import { BUILD_JOBS } from './workflows.js';

export { generateKit, type KitFile } from './kit.js';
export { kitContext, type KitContext, type KitOptions } from './context.js';

export interface Kit {
  context: KitContext;
  files: KitFile[];
  /** Things the user must change in the pipeline file or the kit before the first release. */
  warnings: string[];
}

export class KitError extends Error {
  constructor(
    readonly code: 'config-invalid' | 'unknown-service' | 'no-repository',
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'KitError';
  }
}

export const defaultOptions = (deployment: string): KitOptions => ({
  scanNamespace: DEFAULT_SCAN_NAMESPACE,
  scanServiceAccount: DEFAULT_SCAN_SERVICE_ACCOUNT,
  repoPath: `deploy/${deployment}`,
  gantryPrincipal: PRINCIPAL_PLACEHOLDER,
});

function warnings(ctx: KitContext): string[] {
  const out: string[] = [];
  if (ctx.helmBound)
    out.push(
      `${ctx.service} binds its image by Helm parameter; this kit is Kustomize: set staging.image and ` +
        `production.image to { kustomizeImage: ${ctx.kustomizeImage} } in the pipeline file.`,
    );
  const missing = ctx.ciChecks.filter((c) => !(BUILD_JOBS as readonly string[]).includes(c));
  if (missing.length > 0)
    out.push(`gates.ciStatus.checks names ${missing.join(', ')}, which the build workflow has no job for.`);
  if (ctx.prod.router.kind === 'replicas')
    out.push(
      'production.router is replicas: no Ingress or HTTPRoute is generated (the canary share is its replica ratio).',
    );
  return out;
}

/** The kit of one service of a pipeline file (YAML text): parse, merge defaults, validate, generate. */
export function buildKit(
  text: string,
  fileName: string,
  service: string,
  options?: Partial<KitOptions>,
): Kit {
  let services;
  try {
    services = loadConfig(text, fileName).services;
  } catch (error) {
    if (error instanceof ConfigError)
      throw new KitError('config-invalid', error.message, { issues: error.issues });
    throw error;
  }
  const config = services[service];
  if (!config)
    throw new KitError('unknown-service', `${fileName} has no service '${service}'.`, {
      services: Object.keys(services),
    });
  const context = kitContext(service, config, {
    ...defaultOptions(config.production.deployment),
    ...options,
  });
  if (!context.repository)
    throw new KitError(
      'no-repository',
      `${service} names no GitHub repository (gates.ciStatus.repository or staging.tests[].repository): the Applications need one.`,
    );
  return { context, files: generateKit(context), warnings: warnings(context) };
}
