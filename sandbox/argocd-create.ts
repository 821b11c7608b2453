import { randomUUID } from 'node:crypto';
import { ArgoApiError, GrpcCode, settleArgoCd } from './argocd-ops.js';
import {
  argoState,
  ARGOCD_NAMESPACE,
  repositoryOf,
  touch,
  type AppSpec,
  type Json,
  type SandboxApp,
} from './argocd-state.js';
import { appWorld, checkDestination } from './clusters.js';
import type { KubeObject, SandboxWorld } from './world.js';

/**
 * `POST /api/v1/applications` (`argocd app create -f`): an Application created from its manifest, as an
 * onboarding kit's are. The sandbox has no Git to render the source from, so it maps the app onto what
 * is already in its destination namespace: the Deployment that runs the app's Kustomize image and is
 * not a canary (`app.kubernetes.io/component: canary`). Apply the overlay's objects first; an app the
 * sandbox cannot map is refused with the reason instead of silently rendering nothing.
 */

const kustomizeName = (entry: string): string => {
  const eq = entry.indexOf('=');
  return eq >= 0 ? entry.slice(0, eq) : repositoryOf(entry);
};

const containerImage = (d: KubeObject): string =>
  String(
    ((d.spec?.template as Json | undefined)?.spec as { containers?: Array<{ image?: string }> } | undefined)
      ?.containers?.[0]?.image ?? '',
  );

function renderedDeployment(world: SandboxWorld, name: string, spec: AppSpec, image: string): KubeObject {
  const namespace = spec.destination.namespace;
  const candidates = appWorld(world, { spec })
    .list('Deployment', namespace)
    .filter((d) => d.metadata.labels?.['app.kubernetes.io/component'] !== 'canary')
    .filter((d) => repositoryOf(containerImage(d)) === image);
  if (candidates.length !== 1)
    throw new ArgoApiError(
      GrpcCode.InvalidArgument,
      `application spec for ${name} is invalid: the sandbox renders an application onto the one ` +
        `non-canary Deployment in ${namespace} running ${image}; found ${candidates.length}`,
    );
  return candidates[0] as KubeObject;
}

export function createApp(
  world: SandboxWorld,
  body: Json,
  upsert: boolean,
  validateSpec: (name: string, spec: unknown) => asserts spec is AppSpec,
): SandboxApp {
  const metadata = (body.metadata ?? {}) as Json;
  const name = metadata.name;
  if (typeof name !== 'string' || !/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(name))
    throw new ArgoApiError(GrpcCode.InvalidArgument, 'application name is invalid or missing');
  const spec = body.spec as unknown;
  validateSpec(name, spec);
  checkDestination(world, name, spec);
  const state = argoState(world);
  const existing = state.apps.get(name);
  if (existing) {
    if (JSON.stringify(existing.spec) === JSON.stringify(spec)) return existing;
    if (!upsert)
      throw new ArgoApiError(
        GrpcCode.InvalidArgument,
        `existing application spec is different, use upsert flag to force update`,
      );
  }
  const images = spec.source.kustomize?.images ?? [];
  if (images.length === 0)
    throw new ArgoApiError(
      GrpcCode.InvalidArgument,
      `application spec for ${name} is invalid: the sandbox creates Kustomize applications with an images entry`,
    );
  settleArgoCd(world);
  const image = kustomizeName(images[0] as string);
  const deployment = renderedDeployment(world, name, spec, image);
  const app: SandboxApp = {
    metadata: {
      name,
      namespace: ARGOCD_NAMESPACE,
      uid: existing?.metadata.uid ?? randomUUID(),
      creationTimestamp: existing?.metadata.creationTimestamp ?? world.nowIso(),
      ...(metadata.labels ? { labels: { ...(metadata.labels as Json) } } : {}),
    },
    resourceVersion: 0,
    spec: { ...spec, project: spec.project || 'default' },
    deployment: deployment.metadata.name,
    rendering: { kind: 'kustomize', name: image },
    defaultImage: containerImage(deployment),
    history: existing?.history ?? [],
    nextHistoryId: existing?.nextHistoryId ?? 0,
  };
  touch(world, app);
  state.apps.set(name, app);
  return app;
}
