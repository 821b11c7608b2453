import { isServiceName } from './names.js';

/**
 * OCI image references (`registry/repository[:tag][@digest]`) per the distribution spec grammar.
 * References arrive from webhooks and HTTP callers, then end up in Table keys, Kubernetes objects and
 * shell-free Job arguments, so anything outside the grammar is refused here rather than escaped later.
 */

export class ImageRefError extends Error {
  readonly code = 'image-ref-invalid';
  constructor(
    message: string,
    readonly input: string,
  ) {
    super(message);
    this.name = 'ImageRefError';
  }
}

/** A parsed reference; unlike the plan's `ImageRef`, the digest is optional (a tag-only reference). */
export interface ImageReference {
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

/** Full name (`registry/repository`) limit from the distribution spec. */
export const NAME_MAX_LENGTH = 255;
/** Longest input considered at all; keeps hostile inputs cheap to reject. */
const INPUT_MAX_LENGTH = 512;

const HOST_LABEL = '[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?';
const REGISTRY = new RegExp(`^(?:${HOST_LABEL}(?:\\.${HOST_LABEL})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]{1,5})?$`);
/**
 * Path component. The spec writes the separator as `[._]|__|[-]*`; `-+` matches the same names (an
 * empty separator just joins two alphanumeric runs) without the nested-quantifier backtracking.
 */
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REPOSITORY = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const TAG = /^\w[\w.-]{0,127}$/;
const DIGEST = /^(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

export function isValidRegistry(registry: string): boolean {
  if (registry.length > 253 || !REGISTRY.test(registry)) return false;
  const port = /:([0-9]+)$/.exec(registry)?.[1];
  return port === undefined || Number(port) <= 65535;
}

export function isValidRepository(repository: string): boolean {
  return repository.length <= NAME_MAX_LENGTH && REPOSITORY.test(repository);
}

export function isValidTag(tag: string): boolean {
  return TAG.test(tag);
}

export function isValidDigest(digest: string): boolean {
  return DIGEST.test(digest);
}

/** The first path component is a registry only if it looks like a host (the spec's rule). */
function looksLikeHost(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost';
}

/**
 * Parses `registry/repository[:tag][@digest]`. The registry is required: Gantry never assumes Docker
 * Hub, because a reference without a host is ambiguous in a pipeline that deploys to production.
 */
export function parseImageRef(input: string): ImageReference {
  const fail = (why: string): never => {
    throw new ImageRefError(`invalid image reference "${input.slice(0, 80)}": ${why}`, input);
  };
  if (input.length === 0) fail('empty');
  if (input.length > INPUT_MAX_LENGTH) fail(`longer than ${INPUT_MAX_LENGTH} characters`);

  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!isValidDigest(digest)) fail('digest must be sha256:<64 hex> or sha512:<128 hex>');
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!isValidTag(tag)) fail('tag must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}');
  }
  const slash = rest.indexOf('/');
  const registry = slash < 0 ? rest : rest.slice(0, slash);
  if (slash < 0 || !looksLikeHost(registry))
    fail('a registry host is required (e.g. myregistry.azurecr.io/app)');
  if (!isValidRegistry(registry)) fail(`"${registry}" is not a valid registry host[:port]`);
  const repository = rest.slice(slash + 1);
  if (!isValidRepository(repository)) {
    fail(
      'repository must be lowercase path components [a-z0-9] joined by ".", "_", "__" or "-", split by "/"',
    );
  }
  if (registry.length + 1 + repository.length > NAME_MAX_LENGTH) fail(`name longer than ${NAME_MAX_LENGTH}`);
  return { registry, repository, ...(tag !== undefined && { tag }), ...(digest !== undefined && { digest }) };
}

/** The canonical string form of a reference (inverse of `parseImageRef`). */
export function formatImageRef(ref: ImageReference): string {
  const tag = ref.tag !== undefined ? `:${ref.tag}` : '';
  const digest = ref.digest !== undefined ? `@${ref.digest}` : '';
  return `${ref.registry}/${ref.repository}${tag}${digest}`;
}

/**
 * The deployment id of one (service, digest) pair: `<service lowercased>-<first 12 hex of digest>`.
 * Stable, so a duplicate push (Event Grid is at-least-once) maps to the same record.
 */
export function deploymentIdFor(service: string, digest: string): string {
  if (!isServiceName(service)) {
    throw new ImageRefError(`invalid service name "${service.slice(0, 80)}"`, service);
  }
  if (!isValidDigest(digest)) {
    throw new ImageRefError(`invalid digest "${digest.slice(0, 80)}"`, digest);
  }
  const hex = digest.slice(digest.indexOf(':') + 1);
  return `${service.toLowerCase()}-${hex.slice(0, 12)}`;
}
