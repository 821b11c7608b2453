import type { KitContext } from './context.js';

/**
 * The Kustomize layout: `base` (primary Deployment and Service, migration hook), the `canary`
 * component (canary Deployment and Service, router objects), and one overlay per stage that sets the
 * namespace. Staging runs the base alone: Gantry's canary happens in production only.
 */

type Obj = Record<string, unknown>;

const KUSTOMIZATION = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization' };

export function baseKustomization(ctx: KitContext, resources: string[]): Obj {
  return {
    ...KUSTOMIZATION,
    // Not on selectors: a Deployment's selector is immutable, and Gantry's Prometheus queries use `app`.
    labels: [{ pairs: { 'app.kubernetes.io/part-of': ctx.prod.deployment }, includeSelectors: false }],
    resources,
  };
}

export function canaryComponent(resources: string[]): Obj {
  return { apiVersion: 'kustomize.config.k8s.io/v1alpha1', kind: 'Component', resources };
}

export function overlay(
  namespace: string,
  withCanary: boolean,
  replicas?: { name: string; count: number },
): Obj {
  return {
    ...KUSTOMIZATION,
    namespace,
    resources: ['../../base'],
    ...(withCanary && { components: ['../../canary'] }),
    ...(replicas && { replicas: [replicas] }),
  };
}

export function clusterKustomization(resources: string[]): Obj {
  return { ...KUSTOMIZATION, resources };
}
