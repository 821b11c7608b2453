import { jsonResponse, type HostRequest, type HostResponse, type HostRoute } from '../devhost/http/types.js';
import type { SandboxWorld } from './world.js';

/**
 * The staging services' health endpoints (`/<deployment>/health...`): 200 with the running image, or 503
 * when the image in the staging Deployment has `smokeFailure`. Smoke checks reach it through the
 * smoke runner's host map in local settings.
 */
export function createStagingWebRoutes(world: SandboxWorld, namespace: string): HostRoute {
  return (req: HostRequest): HostResponse | undefined => {
    const name = /^\/([a-z0-9-]+)\/health(?:\/[\w-]+)?$/.exec(req.url.pathname)?.[1];
    if (!name) return jsonResponse(404, { status: 'not found' });
    const deployment = world.get('Deployment', namespace, name);
    const spec = deployment?.spec as
      { template?: { spec?: { containers?: Array<{ image?: string }> } } } | undefined;
    const image = spec?.template?.spec?.containers?.[0]?.image;
    if (!image) return jsonResponse(404, { status: 'unknown service' });
    if (world.faultFor(image).smokeFailure) return jsonResponse(503, { status: 'unhealthy', image });
    return jsonResponse(200, { status: 'healthy', image });
  };
}
