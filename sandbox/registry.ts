import { jsonResponse, type HostRequest, type HostResponse, type HostRoute } from '../devhost/http/types.js';

import type { SandboxWorld } from './world.js';

/**
 * The OCI distribution API subset `@azure/container-registry`'s content client and `docker pull` use,
 * anonymous (like a registry with anonymous pull): `GET /v2/`, manifests by tag or digest (`GET`/`HEAD`,
 * the stored media type as `Content-Type`, `Docker-Content-Digest`), blobs, the tag list and referrers.
 * Errors are the distribution spec's `{errors:[{code,message,detail}]}`.
 */

const API_VERSION = { 'docker-distribution-api-version': 'registry/2.0' };
const NAME = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*';
const DIGEST = 'sha256:[a-f0-9]{64}';
const MANIFEST = new RegExp(`^/v2/(${NAME})/manifests/(${DIGEST}|\\w[\\w.-]{0,127})$`);
const BLOB = new RegExp(`^/v2/(${NAME})/blobs/(${DIGEST})$`);
const TAGS = new RegExp(`^/v2/(${NAME})/tags/list$`);
const REFERRERS = new RegExp(`^/v2/(${NAME})/referrers/(${DIGEST})$`);

function ociError(status: number, code: string, message: string, detail?: unknown): HostResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', ...API_VERSION },
    body: JSON.stringify({ errors: [{ code, message, ...(detail !== undefined && { detail }) }] }),
  };
}

function content(req: HostRequest, type: string, body: Buffer, digest: string): HostResponse {
  return {
    status: 200,
    headers: {
      'content-type': type,
      'content-length': String(body.length),
      'docker-content-digest': digest,
      etag: `"${digest}"`,
      ...API_VERSION,
    },
    body: req.method === 'HEAD' ? undefined : body,
  };
}

export function createRegistryRoutes(world: SandboxWorld): HostRoute {
  const store = world.registry;
  return (req: HostRequest): HostResponse | undefined => {
    if (!req.url.pathname.startsWith('/v2/')) return undefined;
    // Clients percent-encode the digest's colon (`sha256%3A...`), as the Azure SDK does.
    let path: string;
    try {
      path = decodeURIComponent(req.url.pathname);
    } catch {
      return ociError(400, 'NAME_INVALID', 'the path is not valid percent-encoding');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return ociError(
        405,
        'UNSUPPORTED',
        'the sandbox registry is read-only over /v2/ (push with PUT /sandbox/registry)',
      );
    if (path === '/v2/')
      return { status: 200, headers: { 'content-type': 'application/json', ...API_VERSION }, body: '{}' };
    const manifest = MANIFEST.exec(path);
    if (manifest) {
      const [, name = '', reference = ''] = manifest;
      const found = store.manifest(name, reference);
      if (!found) return ociError(404, 'MANIFEST_UNKNOWN', 'manifest unknown', { name, reference });
      return content(req, found.mediaType, found.body, found.digest);
    }
    const blob = BLOB.exec(path);
    if (blob) {
      const [, name = '', digest = ''] = blob;
      const data = store.blob(name, digest);
      if (!data) return ociError(404, 'BLOB_UNKNOWN', 'blob unknown to registry', { digest });
      return content(req, 'application/octet-stream', data, digest);
    }
    const tags = TAGS.exec(path);
    if (tags) {
      const [, name = ''] = tags;
      const list = store.tags(name);
      if (!list) return ociError(404, 'NAME_UNKNOWN', 'repository name not known to registry', { name });
      return jsonResponse(200, { name, tags: list });
    }
    const referrers = REFERRERS.exec(path);
    if (referrers) {
      const [, name = '', digest = ''] = referrers;
      const body = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.index.v1+json',
          manifests: store.referrers(name, digest),
        }),
      );
      return {
        status: 200,
        headers: { 'content-type': 'application/vnd.oci.image.index.v1+json', ...API_VERSION },
        body,
      };
    }
    return ociError(404, 'NAME_UNKNOWN', `the sandbox registry does not serve ${path.slice(0, 200)}`);
  };
}
