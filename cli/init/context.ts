import type { ServiceConfig } from '../../shared/config/schema.js';
import type { RouterSpec } from '../../shared/contracts/plan.js';

/**
 * Everything the kit's generators need, derived once from the service's entry in the pipeline file so
 * every file names the same Deployments, Services, router objects and Applications Gantry will act on.
 */

export interface KitOptions {
  /** Namespace of the scan Jobs (the namespace of `GANTRY_SCAN_TARGET`). */
  scanNamespace: string;
  /** ServiceAccount scan Jobs run as (`GANTRY_SCAN_SERVICE_ACCOUNT`). */
  scanServiceAccount: string;
  /** Folder of the kit inside the GitOps repository (the Applications' `path` prefix). */
  repoPath: string;
  /** Object id of Gantry's managed identity: the RBAC subject on AKS with Entra ID. */
  gantryPrincipal: string;
}

export const DEFAULT_SCAN_NAMESPACE = 'gantry-scans';
export const DEFAULT_SCAN_SERVICE_ACCOUNT = 'gantry-scanner';
/** Stands for the object id until the user puts theirs in (docs/onboarding.md, step 2). */
export const PRINCIPAL_PLACEHOLDER = '00000000-0000-0000-0000-000000000000';

export interface KitContext extends KitOptions {
  service: string;
  /** `registry/repository`: the image name in the manifests and the Kustomize image Gantry sets. */
  imageName: string;
  /** The Kustomize image name the Applications override (the config's, else `imageName`). */
  kustomizeImage: string;
  /** True when the pipeline file binds the image by Helm parameter, which this Kustomize kit cannot use. */
  helmBound: boolean;
  /** GitHub `owner/name` of the service (ci-status gate, else the first test workflow). */
  repository: string;
  prod: {
    namespace: string;
    deployment: string;
    canaryDeployment: string;
    application: string;
    router: RouterSpec;
  };
  staging: { namespace: string; application: string; baseUrl?: string };
  tests: ServiceConfig['staging']['tests'];
  /** cosign key reference of the signature gate; absent: keyless signing. */
  signingKey?: string;
  /** Check names the ci-status gate requires on the commit. */
  ciChecks: string[];
}

/** `https://host/prefix/health` → `https://host/prefix`: where the test workflows reach staging. */
function stagingBaseUrl(config: ServiceConfig): string | undefined {
  const first = config.staging.smoke[0]?.url;
  if (!first) return undefined;
  const url = new URL(first);
  const path = url.pathname.replace(/\/health(\/.*)?$/, '').replace(/\/$/, '');
  return `${url.origin}${path}`;
}

export function kitContext(service: string, config: ServiceConfig, options: KitOptions): KitContext {
  const prod = config.production;
  const imageName = `${config.image.registry}/${config.image.repository}`;
  const binding = prod.image;
  const repository = config.gates.ciStatus?.repository ?? config.staging.tests[0]?.repository ?? '';
  return {
    ...options,
    service,
    imageName,
    kustomizeImage: binding.kind === 'kustomize-image' ? binding.name : imageName,
    helmBound: binding.kind === 'helm-parameter' || config.staging.image.kind === 'helm-parameter',
    repository,
    prod: {
      namespace: prod.namespace,
      deployment: prod.deployment,
      canaryDeployment: prod.canaryDeployment,
      application: prod.application,
      router: prod.router,
    },
    staging: {
      namespace: config.staging.namespace ?? `${prod.namespace}-staging`,
      application: config.staging.application,
      ...(stagingBaseUrl(config) !== undefined && { baseUrl: stagingBaseUrl(config) }),
    },
    tests: config.staging.tests,
    ...(config.gates.signature && { signingKey: config.gates.signature.key }),
    ciChecks: config.gates.ciStatus?.checks ?? [],
  };
}

/** Labels every generated object carries (the Kustomize `labels` of the base add them too). */
export const partOf = (ctx: KitContext): Record<string, string> => ({
  'app.kubernetes.io/part-of': ctx.prod.deployment,
  'app.kubernetes.io/managed-by': 'kustomize',
});
