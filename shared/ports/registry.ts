import type { ImageRef } from '../contracts/plan.js';

/**
 * What an image says about where it came from: the OCI annotations and config labels that
 * docker/metadata-action and `docker buildx --provenance` write
 * (`org.opencontainers.image.revision`, `.source`, `.created`, `.version`).
 */
export interface ImageProvenance {
  /** The commit the image was built from. */
  revision?: string;
  /** The repository URL, e.g. `https://github.com/hearloveen/platform`. */
  source?: string;
  created?: string;
  version?: string;
  /** Where each value was read, e.g. `{ revision: 'index annotations', source: 'config labels' }`. */
  from: Partial<Record<'revision' | 'source' | 'created' | 'version', string>>;
  /** The manifest's media type as the registry served it. */
  mediaType: string;
}

/**
 * The container registry, read-only: a pushed image's provenance as the registry holds it. Undefined when
 * the registry has no such manifest (deleted, or never pushed); a throw means "retry this" (unreachable,
 * throttled, refused).
 */
export interface ImageRegistry {
  provenance(image: ImageRef): Promise<ImageProvenance | undefined>;
}
