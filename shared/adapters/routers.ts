import type { RouterSpec } from '../contracts/plan.js';
import type { ClusterTarget, TrafficRouter } from '../ports/cluster.js';
import { GatewayApiRouter } from './gateway-api-router.js';
import type { KubernetesOptions } from './kubernetes.js';
import { NginxRouter } from './nginx-router.js';
import { ReplicaRouter } from './replica-router.js';

/** The one place that chooses a router by kind; each service's plan names its own. */
export class TrafficRouters implements TrafficRouter {
  private readonly nginx: NginxRouter;
  private readonly gateway: GatewayApiRouter;
  private readonly replicas: ReplicaRouter;

  constructor(options: KubernetesOptions) {
    this.nginx = new NginxRouter(options);
    this.gateway = new GatewayApiRouter(options);
    this.replicas = new ReplicaRouter(options);
  }

  readWeight(target: ClusterTarget, router: RouterSpec): Promise<number> {
    switch (router.kind) {
      case 'nginx':
        return this.nginx.readWeight(target, router);
      case 'gateway-api':
        return this.gateway.readWeight(target, router);
      case 'replicas':
        return this.replicas.readWeight(target, router);
    }
  }

  setWeight(target: ClusterTarget, router: RouterSpec, weight: number): Promise<number> {
    switch (router.kind) {
      case 'nginx':
        return this.nginx.setWeight(target, router, weight);
      case 'gateway-api':
        return this.gateway.setWeight(target, router, weight);
      case 'replicas':
        return this.replicas.setWeight(target, router, weight);
    }
  }
}
