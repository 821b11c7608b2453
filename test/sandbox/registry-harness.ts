import { VirtualClock } from '../../devhost/durable/clock.js';
import { startHttpServer, type RunningHttpServer } from '../../devhost/http/server.js';
import { createControlRoutes } from '../../sandbox/control.js';
import type { PushRouteOptions } from '../../sandbox/registry-push.js';
import { createRegistryRoutes } from '../../sandbox/registry.js';
import { SandboxWorld } from '../../sandbox/world.js';

/** The sandbox registry (OCI API) and control API on loopback, with deliveries recorded. */
export async function startRegistry(
  options: Partial<Omit<PushRouteOptions, 'deliver'>> & { deliverStatus?: number } = {},
): Promise<{
  world: SandboxWorld;
  registry: RunningHttpServer;
  control: RunningHttpServer;
  deliveries: unknown[][];
  close(): Promise<void>;
}> {
  const world = new SandboxWorld(new VirtualClock(Date.UTC(2026, 0, 5, 9)));
  const deliveries: unknown[][] = [];
  const registry = await startHttpServer({ port: 0, routes: [createRegistryRoutes(world)] });
  const control = await startHttpServer({
    port: 0,
    routes: [
      createControlRoutes(world, {
        registry: options.registry ?? { host: 'hearloveen.azurecr.io', actor: 'sandbox-build' },
        plans: options.plans ?? [],
        deliver: async (events) => {
          deliveries.push(events);
          return options.deliverStatus ?? 202;
        },
      }),
    ],
  });
  return {
    world,
    registry,
    control,
    deliveries,
    close: async () => {
      await registry.close();
      await control.close();
    },
  };
}
