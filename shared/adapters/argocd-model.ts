import type { ImageBinding, ImageRef } from '../contracts/plan.js';
import {
  formatImageRef,
  isValidDigest,
  isValidRegistry,
  isValidRepository,
  isValidTag,
} from '../domain/image-ref.js';
import type { SyncState } from '../ports/gitops.js';

/**
 * Pure parts of the Argo CD adapter: the slice of the Application JSON it reads, the merge patch that
 * writes an image into the application's source, the default rollback target and the mapping of an
 * Application to {@link SyncState}. See docs/adapters.md "Argo CD" for the conventions chosen here.
 */

export interface HelmParameter {
  name: string;
  value: string;
  forceString?: boolean;
}

export interface AppSource {
  repoURL?: string;
  targetRevision?: string;
  helm?: { parameters?: HelmParameter[] };
  kustomize?: { images?: string[] };
  [field: string]: unknown;
}

interface Resource {
  kind?: string;
  name?: string;
  health?: { status?: string; message?: string };
}

export interface Application {
  metadata?: { name?: string };
  spec?: {
    source?: AppSource;
    sources?: AppSource[];
    syncPolicy?: { automated?: unknown; syncOptions?: string[] };
  };
  operation?: { sync?: { source?: AppSource; sources?: AppSource[] } };
  status?: {
    sync?: { status?: string; revision?: string };
    health?: { status?: string; message?: string };
    operationState?: { phase?: string; message?: string; syncResult?: { revision?: string } };
    history?: Array<{ id?: number; source?: AppSource; sources?: AppSource[] }>;
    resources?: Resource[];
    summary?: { images?: unknown };
  };
}

/** Thrown for inputs the adapter refuses before calling Argo CD (mapped to `invalid-request`). */
export class ArgoCdInputError extends Error {}

/** Checks the image parts the adapter writes into the application (they end up in pod specs). */
export function checkImage(image: ImageRef, binding: ImageBinding): void {
  const ok =
    isValidRegistry(image.registry) &&
    isValidRepository(image.repository) &&
    isValidDigest(image.digest) &&
    (image.tag === undefined || isValidTag(image.tag));
  if (!ok) throw new ArgoCdInputError('invalid image reference (registry, repository, tag or digest)');
  if (binding.kind === 'helm-parameter') helmValue(binding.parameter, image);
}

const lastSegment = (parameter: string) => parameter.split('.').pop() ?? parameter;

/**
 * The value written into a Helm parameter, always pinning the digest: `*.digest` → `sha256:…`,
 * `*.tag` → `<tag>@sha256:…` (the chart's `repo:tag` then resolves by digest), anything else → the full
 * reference `registry/repository[:tag]@sha256:…`.
 */
export function helmValue(parameter: string, image: ImageRef): string {
  const last = lastSegment(parameter);
  if (last === 'digest') return image.digest;
  if (last === 'tag') {
    if (image.tag === undefined)
      throw new ArgoCdInputError(
        `image has no tag: Helm parameter "${parameter}" renders "repository:tag", which cannot hold a bare digest; ` +
          'push with a tag, or bind a "*.digest" or full-reference parameter',
      );
    return `${image.tag}@${image.digest}`;
  }
  return formatImageRef(image);
}

/** Kustomize `images` entry `name=registry/repository@sha256:…` (digest only: the tag is not needed). */
export function kustomizeEntry(name: string, image: ImageRef): string {
  return `${name}=${image.registry}/${image.repository}@${image.digest}`;
}

/** The image name an existing kustomize entry overrides (`name=…`, or the entry's own name). */
function kustomizeName(entry: string): string {
  const eq = entry.indexOf('=');
  if (eq >= 0) return entry.slice(0, eq);
  const noDigest = entry.split('@')[0] ?? entry;
  const colon = noDigest.lastIndexOf(':');
  return colon > noDigest.lastIndexOf('/') ? noDigest.slice(0, colon) : noDigest;
}

/** The source with the binding set to the image; other parameters and images are kept in order. */
function withImage(source: AppSource, binding: ImageBinding, image: ImageRef): AppSource {
  if (binding.kind === 'helm-parameter') {
    const parameters = [...(source.helm?.parameters ?? [])];
    const value = helmValue(binding.parameter, image);
    const index = parameters.findIndex((p) => p.name === binding.parameter);
    // forceString: a tag such as 1.10 must not become the number 1.1.
    const parameter = { ...parameters[index], name: binding.parameter, value, forceString: true };
    if (index >= 0) parameters[index] = parameter;
    else parameters.push(parameter);
    return { ...source, helm: { ...source.helm, parameters } };
  }
  const images = [...(source.kustomize?.images ?? [])];
  const entry = kustomizeEntry(binding.name, image);
  const index = images.findIndex((i) => kustomizeName(i) === binding.name);
  if (index >= 0) images[index] = entry;
  else images.push(entry);
  return { ...source, kustomize: { ...source.kustomize, images } };
}

const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );

export const sameSource = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b);

/**
 * The RFC 7386 merge patch that points the application at the image, or undefined when it already
 * does. Arrays are replaced wholesale by a merge patch, so the whole `helm.parameters` /
 * `kustomize.images` array (or, for multi-source apps, the whole `sources` array) is sent.
 */
export function imagePatch(app: Application, binding: ImageBinding, image: ImageRef): object | undefined {
  const spec = app.spec ?? {};
  if (spec.source || !spec.sources) {
    const source = spec.source ?? {};
    const next = withImage(source, binding, image);
    if (sameSource(source, next)) return undefined;
    const field = binding.kind === 'helm-parameter' ? { helm: next.helm } : { kustomize: next.kustomize };
    return { spec: { source: field } };
  }
  const key = binding.kind === 'helm-parameter' ? 'helm' : 'kustomize';
  const index = spec.sources.findIndex((s) => s[key] !== undefined);
  if (index < 0)
    throw new ArgoCdInputError(`multi-source application has no ${key} source to set the image on`);
  const sources = spec.sources.map((s, i) => (i === index ? withImage(s, binding, image) : s));
  return sameSource(spec.sources, sources) ? undefined : { spec: { sources } };
}

/** The source(s) an application is configured with, for comparing against history entries. */
const desiredSource = (app: Application): unknown => app.spec?.source ?? app.spec?.sources;

/**
 * Default rollback target: the newest history entry whose source differs from the application's
 * current (abandoned) one. After a successful sync of a bad image that is the entry before the
 * newest; after a sync that failed before deploying (a PreSync migration) it is the newest, the
 * release still running, so a failed staging sync does not roll back one release too far.
 */
export function rollbackTarget(app: Application): number {
  const history = [...(app.status?.history ?? [])]
    .filter((h): h is typeof h & { id: number } => typeof h.id === 'number')
    .sort((a, b) => b.id - a.id);
  const current = desiredSource(app);
  const differing = history.find((h) => !sameSource(h.source ?? h.sources, current));
  const target = differing ?? history[1];
  if (!target) throw new ArgoCdInputError('the application has no earlier deployment to roll back to');
  return target.id;
}

/** True when the running operation already syncs the state `imagePatch` would produce. */
export function runningOperationDeploys(app: Application, binding: ImageBinding, image: ImageRef): boolean {
  const sync = app.operation?.sync;
  if (!sync) return false;
  const source = (sync.source ?? sync.sources) ? { source: sync.source, sources: sync.sources } : app.spec;
  return imagePatch({ spec: source ?? {} }, binding, image) === undefined;
}

type HistoryEntry = NonNullable<NonNullable<Application['status']>['history']>[number];

/** True when the running operation is a rollback to the history entry (a retried rollback). */
export function rollbackRunning(app: Application, target: HistoryEntry | undefined): boolean {
  const running = app.operation?.sync?.source ?? app.operation?.sync?.sources;
  return !!target && running !== undefined && sameSource(running, target.source ?? target.sources);
}

const PHASES = new Set<SyncState['phase']>(['Running', 'Succeeded', 'Failed', 'Error', 'Terminating']);
const SYNCS = new Set<SyncState['sync']>(['Synced', 'OutOfSync', 'Unknown']);
const HEALTHS = new Set<SyncState['health']>([
  'Healthy',
  'Progressing',
  'Degraded',
  'Suspended',
  'Missing',
  'Unknown',
]);

const pick = <T extends string>(set: Set<T>, value: string | undefined, fallback: T): T =>
  set.has(value as T) ? (value as T) : fallback;

/** Maps an Application to the port's state (see docs/adapters.md for the rules). */
export function toSyncState(app: Application): SyncState {
  const status = app.status ?? {};
  const op = status.operationState;
  // A requested operation sits in the top-level `operation` until the controller finishes it, while
  // `operationState` may still describe the previous one: report it as running, never as done.
  let phase: SyncState['phase'] = op?.phase === undefined ? 'None' : pick(PHASES, op.phase, 'Running');
  if (app.operation) phase = op?.phase === 'Terminating' ? 'Terminating' : 'Running';
  let sync = pick(SYNCS, status.sync?.status, 'Unknown');
  const synced = op?.syncResult?.revision;
  if (
    phase === 'Succeeded' &&
    sync === 'Synced' &&
    synced &&
    status.sync?.revision &&
    synced !== status.sync.revision
  )
    sync = 'OutOfSync';
  const health = pick(HEALTHS, status.health?.status, 'Unknown');
  const degraded = status.resources?.find((r) => r.health?.status === 'Degraded' && r.health.message);
  const message =
    phase === 'Failed' || phase === 'Error'
      ? op?.message
      : health === 'Degraded'
        ? status.health?.message || degraded?.health?.message || op?.message
        : op?.message;
  const ids = (status.history ?? []).map((h) => h.id).filter((id): id is number => typeof id === 'number');
  const revision = status.sync?.revision ?? op?.syncResult?.revision;
  const images = Array.isArray(status.summary?.images)
    ? status.summary.images.filter((i): i is string => typeof i === 'string')
    : undefined;
  return {
    phase,
    sync,
    health,
    ...(revision ? { revision } : {}),
    ...(message ? { message } : {}),
    ...(ids.length > 0 ? { historyId: Math.max(...ids) } : {}),
    ...(images ? { images } : {}),
  };
}
