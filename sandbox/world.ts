import { randomUUID } from 'node:crypto';
import type { Clock } from '../devhost/durable/types.js';
import { RegistryStore, type ImageBuild, type PushedImage } from './registry-store.js';

/**
 * Shared state of the sandbox cluster: the Kubernetes objects, the Argo CD applications and the fault
 * profiles injected per image. The Kubernetes, Argo CD and Prometheus stand-ins all read and write this
 * one world, on the dev host's clock, so traffic weights set through the router show up in metrics and
 * an Argo CD sync changes the Deployment the Kubernetes API reports.
 */

/** What an image does when it runs in the sandbox. Keyed by digest (`sha256:...`), tag or full reference. */
export interface FaultProfile {
  /** Share of requests answered with HTTP 500, 0-1. */
  errorRate?: number;
  /** Median latency in ms (the distribution's shape is the traffic model's). */
  latencyMs?: number;
  /** A Prometheus alert of this name (severity critical) fires for Deployments running this image. */
  alert?: string;
  /** Pods of this image crash on start (CrashLoopBackOff). */
  crashLoop?: boolean;
  /** An Argo CD sync of this image fails in its PreSync migration hook. */
  syncFailure?: boolean;
  /** A Trivy scan of this image reports critical vulnerabilities. */
  vulnerable?: boolean;
  /** Test workflows run against this image conclude `failure`. */
  testFailure?: boolean;
  /** The staging health endpoints of this image answer 503. */
  smokeFailure?: boolean;
  /** The CI checks of the commit this image is built from fail (also settable on the commit SHA itself). */
  ciFailure?: boolean;
  /** A push of this image (set on its tag or `registry/repository:tag`) carries no revision label. */
  noRevision?: boolean;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid: string;
  resourceVersion: string;
  generation: number;
  creationTimestamp: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: Array<{
    apiVersion: string;
    kind: string;
    name: string;
    uid: string;
    controller?: boolean;
  }>;
}

/** A stored Kubernetes object (`spec`/`status` are the API's JSON, typed loosely on purpose). */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [extra: string]: unknown;
}

/** What callers hand to `put`: the server assigns uid, resourceVersion, generation and creation time. */
export interface NewObject {
  apiVersion: string;
  kind: string;
  metadata: Partial<ObjectMeta> & { name: string };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [extra: string]: unknown;
}

export const objectKey = (kind: string, namespace: string | undefined, name: string): string =>
  `${kind}/${namespace ?? ''}/${name}`;

/** The part of the saved state each cluster has of its own. */
interface ClusterState {
  resourceVersion: number;
  objects: Map<string, KubeObject>;
  extensions: Map<string, unknown>;
  clusterFaults?: Map<string, FaultProfile>;
}

export type WorldChange = { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubeObject };

/** The cluster name of a world created without one (Argo CD's name for the cluster it runs in). */
export const IN_CLUSTER = 'in-cluster';

/**
 * One cluster's Kubernetes state. The sandbox's first world (the root) is its main cluster and also holds
 * what is not per cluster: the registry, GitHub's commits, Argo CD (one instance managing every cluster,
 * in `extensions`) and the faults set for every cluster. Further clusters (`addCluster`) share those and
 * keep their own objects, extensions and cluster-scoped faults.
 */
export class SandboxWorld {
  private resourceVersion = 1;
  private readonly objects = new Map<string, KubeObject>();
  private readonly listeners = new Set<(change: WorldChange) => void>();
  /** Faults of every cluster (the root's map, shared by all clusters). */
  readonly faults: Map<string, FaultProfile>;
  /** Faults of this cluster only, laid over `faults` (see `faultFor`). */
  readonly clusterFaults = new Map<string, FaultProfile>();
  /** Free-form state owned by each stand-in (Argo CD applications, Prometheus series, ...). */
  readonly extensions = new Map<string, unknown>();
  /** The sandbox registry's images. */
  readonly registry: RegistryStore;
  /** Commits the sandbox GitHub knows: full SHA -> committer date (every revision a pushed image carries). */
  readonly commits: Map<string, string>;
  /** The main cluster's world (this one when it is the main cluster). */
  readonly root: SandboxWorld;
  /** Every cluster by name, the main one first (kept on the root; empty on the others). */
  readonly clusters = new Map<string, SandboxWorld>();
  /** Where this cluster's Kubernetes API listens (set when it starts; not saved: ports change). */
  apiUrl: string | undefined;

  /** Called (synchronously) on every change; the launcher saves the world through it (world-store.ts). */
  private dirtyListener: (() => void) | undefined;

  constructor(
    readonly clock: Clock,
    /** The AKS cluster this world stands in for (Argo CD's destination name, the series' `cluster` label). */
    readonly cluster: string = IN_CLUSTER,
    root?: SandboxWorld,
  ) {
    this.root = root ?? this;
    this.faults = root?.faults ?? new Map();
    this.registry = root?.registry ?? new RegistryStore();
    this.commits = root?.commits ?? new Map();
    if (!root) {
      this.registry.onChange = () => this.markDirty();
      this.clusters.set(cluster, this);
    }
  }

  /** A further cluster sharing this root's registry, commits, Argo CD and faults (idempotent). */
  addCluster(name: string): SandboxWorld {
    if (this.root !== this) return this.root.addCluster(name);
    const existing = this.clusters.get(name);
    if (existing) return existing;
    const world = new SandboxWorld(this.clock, name, this);
    this.clusters.set(name, world);
    return world;
  }

  /** Reports a change made outside `put`/`delete` (faults, Argo CD state, pending workflow runs). */
  markDirty(): void {
    if (this.root !== this) this.root.markDirty();
    else this.dirtyListener?.();
  }

  onDirty(listener: () => void): void {
    this.dirtyListener = listener;
  }

  /** Everything the world holds, for saving it (Maps and Buffers; see world-store.ts). */
  exportState(): unknown {
    return {
      ...this.clusterState(),
      faults: this.faults,
      registry: this.registry.exportState(),
      commits: this.commits,
      clusters: new Map(
        [...this.clusters].filter(([, w]) => w !== this).map(([n, w]) => [n, w.clusterState()]),
      ),
    };
  }

  /** What a cluster holds of its own. */
  private clusterState(): ClusterState {
    return {
      resourceVersion: this.resourceVersion,
      objects: this.objects,
      extensions: this.extensions,
      clusterFaults: this.clusterFaults,
    };
  }

  private importCluster(saved: ClusterState): void {
    this.resourceVersion = saved.resourceVersion;
    for (const [k, v] of saved.objects) this.objects.set(k, v);
    for (const [k, v] of saved.extensions) this.extensions.set(k, v);
    // Absent in worlds saved before clusters had faults of their own.
    for (const [k, v] of saved.clusterFaults ?? []) this.clusterFaults.set(k, v);
  }

  /** Restores what `exportState` returned, into a world nothing has been put in yet. */
  importState(state: unknown): void {
    const saved = state as ClusterState & {
      faults: Map<string, FaultProfile>;
      registry: unknown;
      commits: Map<string, string>;
      clusters?: Map<string, ClusterState>;
    };
    this.importCluster(saved);
    for (const [k, v] of saved.faults) this.faults.set(k, v);
    for (const [k, v] of saved.commits) this.commits.set(k, v);
    this.registry.importState(saved.registry);
    for (const [name, cluster] of saved.clusters ?? []) this.addCluster(name).importCluster(cluster);
  }

  now(): number {
    return this.clock.now();
  }

  nowIso(): string {
    return new Date(this.clock.now()).toISOString();
  }

  get(kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.objects.get(objectKey(kind, namespace, name));
  }

  list(kind: string, namespace?: string): KubeObject[] {
    return [...this.objects.values()].filter(
      (o) => o.kind === kind && (namespace === undefined || o.metadata.namespace === namespace),
    );
  }

  /**
   * Creates or replaces an object, assigning uid, resourceVersion and generation like the API server
   * (generation only moves when the spec changes).
   */
  put(object: NewObject): KubeObject {
    const key = objectKey(object.kind, object.metadata.namespace, object.metadata.name);
    const previous = this.objects.get(key);
    const specChanged = !previous || JSON.stringify(previous.spec) !== JSON.stringify(object.spec);
    const stored: KubeObject = {
      ...object,
      apiVersion: object.apiVersion,
      kind: object.kind,
      metadata: {
        ...object.metadata,
        uid: previous?.metadata.uid ?? object.metadata.uid ?? randomUUID(),
        creationTimestamp: previous?.metadata.creationTimestamp ?? this.nowIso(),
        generation: (previous?.metadata.generation ?? 0) + (specChanged ? 1 : 0),
        resourceVersion: String(++this.resourceVersion),
      },
    };
    this.objects.set(key, stored);
    this.emit({ type: previous ? 'MODIFIED' : 'ADDED', object: stored });
    return stored;
  }

  delete(kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const key = objectKey(kind, namespace, name);
    const existing = this.objects.get(key);
    if (existing) {
      this.objects.delete(key);
      this.emit({ type: 'DELETED', object: existing });
    }
    return existing;
  }

  /**
   * The fault profile of an image reference in this cluster: matched by digest, then full reference,
   * then tag; a profile scoped to this cluster is laid over the one set for every cluster.
   */
  faultFor(image: string | undefined): FaultProfile {
    if (!image) return {};
    const digest = /@(sha256:[a-f0-9]{64})$/.exec(image)?.[1];
    const tag = /:([\w][\w.-]{0,127})(?:@|$)/.exec(image.replace(/^[^/]*\//, ''))?.[1];
    const find = (faults: Map<string, FaultProfile>) =>
      (digest && faults.get(digest)) || faults.get(image) || (tag && faults.get(tag)) || {};
    return { ...find(this.faults), ...find(this.clusterFaults) };
  }

  /** Pushes an image into the registry; its revision becomes a commit GitHub knows, made 20 minutes earlier. */
  pushImage(build: ImageBuild): PushedImage {
    const pushed = this.registry.push(build);
    if (build.revision?.length === 40 && !this.commits.has(build.revision))
      this.commits.set(build.revision, new Date(this.now() - 20 * 60_000).toISOString());
    this.markDirty();
    return pushed;
  }

  /** Whether the CI checks of a commit fail: a `ciFailure` fault on the SHA or on an image built from it. */
  ciFails(sha: string): boolean {
    if (this.faults.get(sha)?.ciFailure) return true;
    const images = [...this.registry.revisions.entries()]
      .filter(([revision]) => revision.startsWith(sha) || sha.startsWith(revision))
      .flatMap(([, list]) => list);
    return images.some(
      (i) =>
        this.faults.get(i.digest)?.ciFailure ||
        this.faults.get(i.tag)?.ciFailure ||
        [...this.faults.entries()].some(([k, f]) => f.ciFailure && k.endsWith(`/${i.repository}:${i.tag}`)),
    );
  }

  onChange(listener: (change: WorldChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(change: WorldChange): void {
    this.markDirty();
    for (const listener of this.listeners) listener(change);
  }
}
