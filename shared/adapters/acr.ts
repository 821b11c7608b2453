import { ContainerRegistryContentClient, type GetManifestResult } from '@azure/container-registry';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { LOOPBACK, loopbackHttpPolicy } from './azure-loopback.js';
import type { TokenCredential } from '@azure/identity';
import type { ImageRef } from '../contracts/plan.js';
import type { ImageProvenance, ImageRegistry } from '../ports/registry.js';

/**
 * Azure Container Registry, read-only, through `@azure/container-registry`'s content client: a pushed
 * image's OCI annotations and config labels. In Azure the managed identity authenticates (AcrPull on the
 * registry); a registry named in `endpoints` (local development: the sandbox registry on loopback) is read
 * anonymously at that URL.
 */

export const OCI_KEYS = {
  revision: 'org.opencontainers.image.revision',
  source: 'org.opencontainers.image.source',
  created: 'org.opencontainers.image.created',
  version: 'org.opencontainers.image.version',
} as const;
type Key = keyof typeof OCI_KEYS;

const INDEX_TYPES = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
]);
/** Config blobs are a few KiB; anything this large is not an image config. */
const MAX_CONFIG_BYTES = 4 * 1024 * 1024;
const MAX_VALUE_LENGTH = 1024;

export interface AcrImageRegistryOptions {
  /** The managed identity (Azure). Not called for registries in `endpoints`. */
  credential?: () => TokenCredential;
  /**
   * Registry host → base URL read anonymously instead of `https://<host>` with the identity. Local only:
   * `{"hearloveen.azurecr.io":"http://127.0.0.1:7086"}` points at the sandbox registry.
   */
  endpoints?: Record<string, string>;
  /** Per request (default 10 s). */
  timeoutMs?: number;
}

interface Descriptor {
  mediaType?: unknown;
  digest?: unknown;
  platform?: { os?: unknown; architecture?: unknown };
}
interface Manifest {
  mediaType?: unknown;
  annotations?: unknown;
  config?: Descriptor;
  manifests?: Descriptor[];
}

const text = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, MAX_VALUE_LENGTH) : undefined;

const annotationsOf = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};

/** Fills the keys still missing from `labels`, noting where each one was found. */
function take(into: ImageProvenance, labels: Record<string, unknown>, where: string): void {
  for (const key of Object.keys(OCI_KEYS) as Key[]) {
    const value = text(labels[OCI_KEYS[key]]);
    if (into[key] === undefined && value !== undefined) {
      into[key] = value;
      into.from[key] = where;
    }
  }
}

/** The first runnable platform of an index (attestation manifests are `unknown/unknown`). */
function firstPlatform(index: Manifest): string | undefined {
  const platforms = (index.manifests ?? []).filter((m) => typeof m.digest === 'string');
  const runnable = platforms.find(
    (m) => m.platform?.os !== 'unknown' && m.platform?.architecture !== 'unknown',
  );
  return (runnable ?? platforms[0])?.digest as string | undefined;
}

export class AcrImageRegistry implements ImageRegistry {
  private readonly endpoints: Map<string, string>;
  /** One client per repository: each keeps its ACR access token between calls. */
  private readonly clients = new Map<string, ContainerRegistryContentClient>();

  constructor(private readonly o: AcrImageRegistryOptions = {}) {
    this.endpoints = new Map(
      Object.entries(o.endpoints ?? {}).map(([host, url]) => [host.toLowerCase(), url]),
    );
  }

  /**
   * Index annotations first, then the first platform manifest's annotations and config labels; for a
   * single manifest, its annotations then its config labels.
   */
  async provenance(image: ImageRef): Promise<ImageProvenance | undefined> {
    const client = this.client(image);
    const top = await this.manifest(client, image.digest);
    if (!top) return undefined;
    const found: ImageProvenance = { from: {}, mediaType: top.mediaType };
    let manifest = top.manifest as Manifest;
    take(
      found,
      annotationsOf(manifest.annotations),
      INDEX_TYPES.has(top.mediaType) ? 'index annotations' : 'manifest annotations',
    );
    if (INDEX_TYPES.has(top.mediaType)) {
      const platform = firstPlatform(manifest);
      const child = platform ? await this.manifest(client, platform) : undefined;
      if (!child) return found;
      manifest = child.manifest as Manifest;
      take(found, annotationsOf(manifest.annotations), 'platform manifest annotations');
    }
    const config = typeof manifest.config?.digest === 'string' ? manifest.config.digest : undefined;
    if (config) take(found, await this.configLabels(client, config), 'config labels');
    return found;
  }

  private client(image: ImageRef): ContainerRegistryContentClient {
    const key = `${image.registry.toLowerCase()}/${image.repository}`;
    let client = this.clients.get(key);
    if (!client) {
      client = this.createClient(image);
      this.clients.set(key, client);
    }
    return client;
  }

  private createClient(image: ImageRef): ContainerRegistryContentClient {
    const mapped = this.endpoints.get(image.registry.toLowerCase());
    const timeout = {
      retryOptions: { maxRetries: 2 },
      additionalPolicies: [] as Array<{ policy: PipelinePolicy; position: 'perRetry' }>,
    };
    if (mapped) {
      const url = new URL(mapped);
      if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname))
        throw new Error(`registry endpoint ${url.host} is plain http and not loopback; refusing to read it`);
      url.protocol = 'https:';
      timeout.additionalPolicies.push({ policy: loopbackHttpPolicy(), position: 'perRetry' });
      // No credential: the SDK's anonymous mode (it never asks an identity for a token).
      return new ContainerRegistryContentClient(
        url.origin,
        image.repository,
        undefined as unknown as TokenCredential,
        timeout,
      );
    }
    if (!this.o.credential) throw new Error(`no credential to read ${image.registry}`);
    return new ContainerRegistryContentClient(
      `https://${image.registry}`,
      image.repository,
      this.o.credential(),
      { ...timeout, audience: 'https://containerregistry.azure.net' },
    );
  }

  private async manifest(
    client: ContainerRegistryContentClient,
    digest: string,
  ): Promise<GetManifestResult | undefined> {
    try {
      return await client.getManifest(digest, {
        abortSignal: AbortSignal.timeout(this.o.timeoutMs ?? 10_000),
      });
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
  }

  private async configLabels(
    client: ContainerRegistryContentClient,
    digest: string,
  ): Promise<Record<string, unknown>> {
    const blob = await client.downloadBlob(digest, {
      abortSignal: AbortSignal.timeout(this.o.timeoutMs ?? 10_000),
    });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of blob.content) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      size += buffer.length;
      if (size > MAX_CONFIG_BYTES) throw new Error(`config blob ${digest} is larger than 4 MiB`);
      chunks.push(buffer);
    }
    const config = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { config?: { Labels?: unknown } };
    return annotationsOf(config.config?.Labels);
  }
}
