import { createHash } from 'node:crypto';

/**
 * The sandbox registry's content: manifests, indexes and blobs per repository, addressed by digest, and
 * tags pointing at them. Images are built the way `docker buildx` with docker/metadata-action builds them:
 * one OCI image manifest per platform whose config carries the OCI labels and, for several platforms, an
 * OCI index over them carrying the same values as annotations. Content is deterministic: the same push
 * gives the same digests.
 */

export const MEDIA = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
} as const;

export const LABELS = {
  revision: 'org.opencontainers.image.revision',
  source: 'org.opencontainers.image.source',
  version: 'org.opencontainers.image.version',
  created: 'org.opencontainers.image.created',
} as const;

export interface StoredManifest {
  mediaType: string;
  body: Buffer;
}

export interface ImageBuild {
  repository: string;
  tag: string;
  revision?: string;
  source?: string;
  version?: string;
  created?: string;
  /** `os/architecture`, e.g. `linux/amd64`; one gives a single manifest, several an index. */
  platforms: string[];
}

export interface PushedImage {
  digest: string;
  mediaType: string;
  size: number;
  /** The platform manifests of an index (empty for a single manifest), in push order. */
  platforms: Array<{ digest: string; mediaType: string; size: number; platform: string }>;
}

const sha256 = (data: Buffer | string): string => `sha256:${createHash('sha256').update(data).digest('hex')}`;

interface Repository {
  manifests: Map<string, StoredManifest>;
  tags: Map<string, string>;
  blobs: Map<string, Buffer>;
}

export class RegistryStore {
  private readonly repositories = new Map<string, Repository>();
  /** Every revision an image was labelled with, in push order (the sandbox GitHub knows these commits). */
  readonly revisions = new Map<string, { repository: string; tag: string; digest: string }[]>();
  /** Told of every change (the world saves itself through it). */
  onChange: () => void = () => undefined;

  /** Everything stored, for saving the world (Maps and Buffers; see world-store.ts). */
  exportState(): unknown {
    return { repositories: this.repositories, revisions: this.revisions };
  }

  importState(state: unknown): void {
    const saved = state as { repositories: Map<string, Repository>; revisions: RegistryStore['revisions'] };
    for (const [k, v] of saved.repositories) this.repositories.set(k, v);
    for (const [k, v] of saved.revisions) this.revisions.set(k, v);
  }

  repositoryNames(): string[] {
    return [...this.repositories.keys()].sort();
  }

  tags(repository: string): string[] | undefined {
    const repo = this.repositories.get(repository);
    return repo ? [...repo.tags.keys()].sort() : undefined;
  }

  /** A manifest by tag or digest. */
  manifest(repository: string, reference: string): (StoredManifest & { digest: string }) | undefined {
    const repo = this.repositories.get(repository);
    const digest = reference.startsWith('sha256:') ? reference : repo?.tags.get(reference);
    const found = digest ? repo?.manifests.get(digest) : undefined;
    return found && digest ? { ...found, digest } : undefined;
  }

  blob(repository: string, digest: string): Buffer | undefined {
    return this.repositories.get(repository)?.blobs.get(digest);
  }

  /** Manifests whose `subject` is `digest` (the OCI referrers API). */
  referrers(repository: string, digest: string): Array<{ digest: string; mediaType: string; size: number }> {
    const repo = this.repositories.get(repository);
    if (!repo) return [];
    return [...repo.manifests.entries()]
      .filter(
        ([, m]) =>
          (JSON.parse(m.body.toString('utf8')) as { subject?: { digest?: string } }).subject?.digest ===
          digest,
      )
      .map(([d, m]) => ({ digest: d, mediaType: m.mediaType, size: m.body.length }));
  }

  /** Stores an image as a build pushes it (blobs, platform manifests, then the index) and tags it. */
  push(build: ImageBuild): PushedImage {
    const labels = Object.fromEntries(
      (Object.keys(LABELS) as Array<keyof typeof LABELS>)
        .filter((k) => build[k] !== undefined)
        .map((k) => [LABELS[k], build[k] as string]),
    );
    const platforms = build.platforms.map((platform) => this.platformManifest(build, platform, labels));
    const top =
      platforms.length === 1
        ? (platforms[0] as (typeof platforms)[number])
        : this.stored(
            build.repository,
            MEDIA.index,
            JSON.stringify({
              schemaVersion: 2,
              mediaType: MEDIA.index,
              manifests: platforms.map((p) => ({
                mediaType: p.mediaType,
                digest: p.digest,
                size: p.size,
                platform: { architecture: p.architecture, os: p.os },
              })),
              ...(Object.keys(labels).length > 0 && { annotations: labels }),
            }),
          );
    this.repo(build.repository).tags.set(build.tag, top.digest);
    if (build.revision) {
      const seen = this.revisions.get(build.revision) ?? [];
      const image = { repository: build.repository, tag: build.tag, digest: top.digest };
      this.revisions.set(build.revision, [...seen, image]);
    }
    return {
      digest: top.digest,
      mediaType: top.mediaType,
      size: top.size,
      platforms:
        platforms.length === 1
          ? []
          : platforms.map(({ digest, mediaType, size, platform }) => ({ digest, mediaType, size, platform })),
    };
  }

  /** One platform's image: a layer, a config blob carrying the labels, and the manifest over them. */
  private platformManifest(build: ImageBuild, platform: string, labels: Record<string, string>) {
    const repo = this.repo(build.repository);
    const [os = 'linux', architecture = 'amd64'] = platform.split('/');
    const layer = this.put(
      repo,
      Buffer.from(`gantry-sandbox layer ${build.repository}:${build.tag} ${platform}`),
    );
    const config = this.put(
      repo,
      Buffer.from(
        JSON.stringify({
          architecture,
          os,
          config: { Labels: labels },
          rootfs: { type: 'layers', diff_ids: [layer.digest] },
        }),
      ),
    );
    const manifest = this.stored(
      build.repository,
      MEDIA.manifest,
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA.manifest,
        config: { mediaType: MEDIA.config, digest: config.digest, size: config.size },
        layers: [{ mediaType: MEDIA.layer, digest: layer.digest, size: layer.size }],
      }),
    );
    return { ...manifest, platform, os, architecture };
  }

  private stored(repository: string, mediaType: string, json: string) {
    const body = Buffer.from(json);
    return { digest: this.putManifest(repository, mediaType, body), mediaType, size: body.length };
  }

  /** Stores a manifest as given (an artifact, a signature, a hand-built index); tags it when asked. */
  putManifest(repository: string, mediaType: string, body: Buffer, tag?: string): string {
    const repo = this.repo(repository);
    const digest = sha256(body);
    repo.manifests.set(digest, { mediaType, body });
    if (tag) repo.tags.set(tag, digest);
    this.onChange();
    return digest;
  }

  private repo(name: string): Repository {
    let repo = this.repositories.get(name);
    if (!repo) {
      repo = { manifests: new Map(), tags: new Map(), blobs: new Map() };
      this.repositories.set(name, repo);
    }
    return repo;
  }

  private put(repo: Repository, data: Buffer): { digest: string; size: number } {
    const digest = sha256(data);
    repo.blobs.set(digest, data);
    this.onChange();
    return { digest, size: data.length };
  }
}

/** The commit a sandbox build of `repository:tag` is labelled with when the push names none. */
export const defaultRevision = (repository: string, tag: string): string =>
  createHash('sha1').update(`gantry-sandbox commit ${repository}:${tag}`).digest('hex');
