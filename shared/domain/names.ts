/**
 * Name grammars of the systems Gantry writes to. Checking them when configuration loads turns a
 * typo into an error at the file's line instead of a failed API call in the middle of a canary.
 */

/** Service names become Table keys, deployment ids and orchestration instance ids. */
const SERVICE_NAME = /^[A-Za-z][A-Za-z0-9-]{0,62}$/;
/** Kubernetes DNS-1123 label (namespaces). */
const DNS_LABEL = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;
/** Kubernetes DNS-1123 subdomain (Deployments, Ingresses, HTTPRoutes, Argo CD Applications). */
const DNS_SUBDOMAIN = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;
/** Kubernetes DNS-1035 label (Services, used as Gateway API backends). */
const DNS_1035_LABEL = /^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$/;
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** Azure resource group: letters, digits, `_ - . ( )`, not ending in a period. */
const RESOURCE_GROUP = /^[-\w.()]{0,89}[-\w()]$/;
/** AKS managed cluster name. */
const AKS_CLUSTER = /^[a-zA-Z0-9](?:[a-zA-Z0-9_-]{0,61}[a-zA-Z0-9])?$/;
const GITHUB_OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const GITHUB_REPO_NAME = /^[A-Za-z0-9._-]{1,100}$/;
/** A workflow file in `.github/workflows` or a numeric workflow id. */
const WORKFLOW = /^(?:[A-Za-z0-9._-]+\.ya?ml|[0-9]+)$/;
/** Helm `--set` style path such as `image.tag` or `images[0].tag`. */
const HELM_PATH_PART = '[A-Za-z_][A-Za-z0-9_-]*(?:\\[[0-9]+\\])?';
const HELM_PARAMETER = new RegExp(`^${HELM_PATH_PART}(?:\\.${HELM_PATH_PART})*$`);
/** Kustomize `images[].name`: an image name as written in the manifests (may include a registry). */
const KUSTOMIZE_IMAGE = /^[A-Za-z0-9][A-Za-z0-9._/:-]{0,254}$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export const isServiceName = (name: string): boolean => SERVICE_NAME.test(name);
export const isDnsLabel = (name: string): boolean => DNS_LABEL.test(name);
export const isDnsSubdomain = (name: string): boolean => name.length <= 253 && DNS_SUBDOMAIN.test(name);
export const isDns1035Label = (name: string): boolean => DNS_1035_LABEL.test(name);
export const isGuid = (value: string): boolean => GUID.test(value);
export const isResourceGroupName = (name: string): boolean => RESOURCE_GROUP.test(name);
export const isAksClusterName = (name: string): boolean => AKS_CLUSTER.test(name);
export const isWorkflowFile = (name: string): boolean => WORKFLOW.test(name);
export const isHelmParameter = (name: string): boolean => HELM_PARAMETER.test(name);
export const isKustomizeImageName = (name: string): boolean => KUSTOMIZE_IMAGE.test(name);

/** `owner/name` on GitHub. */
export function isGitHubRepository(value: string): boolean {
  const [owner, name, extra] = value.split('/');
  return (
    extra === undefined &&
    owner !== undefined &&
    name !== undefined &&
    GITHUB_OWNER.test(owner) &&
    GITHUB_REPO_NAME.test(name) &&
    name !== '.' &&
    name !== '..'
  );
}

/** A branch, tag or commit to dispatch a workflow on (the safe subset of `git check-ref-format`). */
export function isGitRef(ref: string): boolean {
  return (
    ref.length > 0 &&
    ref.length <= 255 &&
    !CONTROL.test(ref) &&
    !/[\s~^:?*[\\]|\.\.|@\{|^[/.-]|[/.]$|\.lock$|\/\//.test(ref)
  );
}

/** A free-form label (group name, check name) that must stay printable and short. */
export function isPlainLabel(value: string, max = 256): boolean {
  return value.trim().length > 0 && value.length <= max && !CONTROL.test(value);
}
