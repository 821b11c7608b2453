import { createHash, randomUUID } from 'node:crypto';
import { newDeployment } from './rollout.js';
import { appWorld, IN_CLUSTER_SERVER } from './clusters.js';
import { repoForUrl } from './git-store.js';
import type { SandboxWorld } from './world.js';

/**
 * State of the sandbox Argo CD: Applications kept in `world.extensions` under {@link ARGOCD_EXTENSION},
 * plus what the sandbox needs to "render" an application (which Deployment its chart or overlay
 * produces and how the image is written into it). Operations progress lazily (see argocd-ops.ts).
 */

export const ARGOCD_EXTENSION = 'argocd';
/** Where Argo CD keeps its Application objects. */
export const ARGOCD_NAMESPACE = 'argocd';

export type Json = Record<string, unknown>;

export interface AppSource extends Json {
  repoURL: string;
  path: string;
  targetRevision: string;
  helm?: { parameters?: Array<{ name: string; value: string; forceString?: boolean }> } & Json;
  kustomize?: { images?: string[] } & Json;
}

export interface AppSpec extends Json {
  project: string;
  source: AppSource;
  /** The cluster, by `name` or by `server` (one of them), as Argo CD's registered clusters know it. */
  destination: { server?: string; name?: string; namespace: string };
  syncPolicy?: { automated?: { prune?: boolean; selfHeal?: boolean }; syncOptions?: string[] } & Json;
  revisionHistoryLimit?: number;
}

export interface HistoryEntry {
  id: number;
  revision: string;
  deployedAt: string;
  deployStartedAt: string;
  source: AppSource;
  initiatedBy: Json;
}

/** A requested operation (sync or rollback) that has not finished. */
export interface RunningOperation {
  /** The Application's top-level `operation` field while it runs. */
  request: Json;
  startedAt: number;
  /**
   * A rollback's history source. A plain sync has none: like Argo CD's controller it renders the
   * spec's source as it is when the sync applies, so a patch made while it runs is picked up.
   */
  rollbackSource?: AppSource;
  /** Explicit `revision` of the sync request (otherwise the source's targetRevision). */
  revision?: string;
  /** Set by `DELETE .../operation`. */
  terminateAt?: number;
}

/** How the app's manifests turn into the Deployment's image (the sandbox's "chart"). */
export type ImageRendering =
  { kind: 'helm'; parameter: string; repository: string } | { kind: 'kustomize'; name: string };

export interface SandboxApp {
  metadata: { name: string; namespace: string; uid: string; creationTimestamp: string } & Json;
  resourceVersion: number;
  spec: AppSpec;
  deployment: string;
  rendering: ImageRendering;
  /** Image when the source sets none (the chart's default / the base kustomization's image). */
  defaultImage: string;
  operation?: RunningOperation;
  operationState?: Json;
  history: HistoryEntry[];
  nextHistoryId: number;
}

export interface ArgoCdState {
  apps: Map<string, SandboxApp>;
  resourceVersion: number;
}

export function argoState(cluster: SandboxWorld): ArgoCdState {
  // One Argo CD manages every cluster: its state is the main cluster's.
  const world = cluster.root;
  let state = world.extensions.get(ARGOCD_EXTENSION) as ArgoCdState | undefined;
  if (!state) {
    state = { apps: new Map(), resourceVersion: 1 };
    world.extensions.set(ARGOCD_EXTENSION, state);
  }
  return state;
}

export function touch(world: SandboxWorld, app: SandboxApp): void {
  app.resourceVersion = ++argoState(world).resourceVersion;
  world.markDirty();
}

/** A stable fake commit sha for a repository revision (the sandbox has no Git). */
export function revisionSha(source: AppSource): string {
  if (/^[0-9a-f]{40}$/.test(source.targetRevision)) return source.targetRevision; // a commit is itself
  return createHash('sha1').update(`${source.repoURL}#${source.targetRevision}`).digest('hex');
}

/** `registry/repo:tag@digest` → `registry/repo` (a port in the registry host is not a tag). */
export function repositoryOf(image: string): string {
  const noDigest = image.split('@')[0] ?? image;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

/**
 * The image the app's source renders into its Deployment. Helm: a `*.digest` parameter is appended as
 * `repo@digest`, a `*.tag` parameter as `repo:tag` (a value `tag@sha256:…` pins the digest), any other
 * parameter is the full reference. Kustomize: the `images` entry for the configured name.
 */
export function renderImage(app: SandboxApp, source: AppSource): string {
  const r = app.rendering;
  if (r.kind === 'helm') {
    const value = source.helm?.parameters?.find((p) => p.name === r.parameter)?.value;
    if (value === undefined || value === '') return app.defaultImage;
    if (/(^|\.)digest$/.test(r.parameter)) return `${r.repository}@${value}`;
    if (/(^|\.)tag$/.test(r.parameter)) return `${r.repository}:${value}`;
    return value;
  }
  for (const entry of source.kustomize?.images ?? []) {
    const eq = entry.indexOf('=');
    const name = eq >= 0 ? entry.slice(0, eq) : repositoryOf(entry);
    if (name === r.name) return eq >= 0 ? entry.slice(eq + 1) : entry;
  }
  return app.defaultImage;
}

export interface AddApplicationOptions {
  name: string;
  /** Destination namespace. */
  namespace: string;
  deployment: string;
  project?: string;
  /** Helm parameter holding the image (e.g. `image.tag`); exclusive with `kustomizeImage`. */
  helmParameter?: string;
  /** Kustomize image name (e.g. `myreg.azurecr.io/web`); exclusive with `helmParameter`. */
  kustomizeImage?: string;
  /** The image running now, e.g. `myreg.azurecr.io/web:v1` or `...@sha256:...`. */
  image: string;
  replicas?: number;
  /** Enables `syncPolicy.automated` (rollback is then refused, as in Argo CD). */
  autoSync?: boolean;
  repoURL?: string;
  /** Directory of the app's manifests in the repository (default `apps/<deployment>`). */
  path?: string;
  labels?: Record<string, string>;
  /**
   * The cluster it deploys to (`spec.destination.name`; its Deployment is seeded there). Absent: the
   * cluster Argo CD runs in (`server: https://kubernetes.default.svc`).
   */
  cluster?: string;
}

/** `repo:v1@sha256:…` → `v1@sha256:…`; `repo@sha256:…` → '' (a tag parameter cannot hold a bare digest). */
function tagPart(image: string): string {
  const rest = image.slice(repositoryOf(image).length);
  return rest.startsWith(':') ? rest.slice(1) : '';
}

function initialSource(options: AddApplicationOptions, rendering: ImageRendering): AppSource {
  const base = {
    repoURL: options.repoURL ?? 'https://github.com/gantry-sandbox/deploy.git',
    path: options.path ?? `apps/${options.deployment}`,
    targetRevision: 'main',
  };
  if (rendering.kind === 'kustomize')
    return { ...base, kustomize: { images: [`${rendering.name}=${options.image}`] } };
  const param = rendering.parameter;
  const value = /(^|\.)digest$/.test(param)
    ? (options.image.split('@')[1] ?? '')
    : /(^|\.)tag$/.test(param)
      ? tagPart(options.image)
      : options.image;
  return { ...base, helm: { parameters: [{ name: param, value, forceString: true }] } };
}

/**
 * Seeds an Application (already synced to `image`, with one history entry) and its Deployment when the
 * world has none. Idempotent: an existing application of that name is returned unchanged.
 */
export function addApplication(world: SandboxWorld, options: AddApplicationOptions): SandboxApp {
  const state = argoState(world);
  const existing = state.apps.get(options.name);
  if (existing) return existing;
  if ((options.helmParameter === undefined) === (options.kustomizeImage === undefined))
    throw new Error(`application ${options.name}: set exactly one of helmParameter or kustomizeImage`);
  const rendering: ImageRendering =
    options.helmParameter !== undefined
      ? { kind: 'helm', parameter: options.helmParameter, repository: repositoryOf(options.image) }
      : { kind: 'kustomize', name: options.kustomizeImage as string };
  // An app following a sandbox repository takes its image from the repository, with no override.
  const follows = repoForUrl(world, options.repoURL ?? '') !== undefined;
  const { helm: _h, kustomize: _k, ...plain } = initialSource(options, rendering);
  const source: AppSource = follows ? plain : initialSource(options, rendering);
  const now = world.nowIso();
  const app: SandboxApp = {
    metadata: {
      name: options.name,
      namespace: ARGOCD_NAMESPACE,
      uid: randomUUID(),
      creationTimestamp: now,
      ...(options.labels ? { labels: { ...options.labels } } : {}),
    },
    resourceVersion: 0,
    spec: {
      project: options.project ?? 'default',
      source,
      destination: options.cluster
        ? { name: options.cluster, namespace: options.namespace }
        : { server: IN_CLUSTER_SERVER, namespace: options.namespace },
      ...(options.autoSync ? { syncPolicy: { automated: { prune: false, selfHeal: false } } } : {}),
    },
    deployment: options.deployment,
    rendering,
    defaultImage: options.image,
    history: [
      {
        id: 0,
        revision: revisionSha(source),
        deployedAt: now,
        deployStartedAt: now,
        source: structuredClone(source),
        initiatedBy: { username: 'admin' },
      },
    ],
    nextHistoryId: 1,
  };
  touch(world, app);
  state.apps.set(options.name, app);
  const cluster = appWorld(world, app);
  if (!cluster.get('Deployment', options.namespace, options.deployment))
    cluster.put(newDeployment(options.namespace, options.deployment, options.image, options.replicas));
  return app;
}
