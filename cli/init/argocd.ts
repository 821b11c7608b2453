import type { KitContext } from './context.js';

/**
 * The Argo CD Applications Gantry patches and syncs, and the PreSync Flyway migration hook. Gantry
 * writes the Kustomize image `<name>=<registry>/<repository>@sha256:…` into `spec.source.kustomize.images`
 * (shared/adapters/argocd-model.ts) and syncs with the hook strategy, so the migration runs first and a
 * failed one fails the sync. No automated sync: Argo CD refuses rollback of an auto-synced app.
 */

type Obj = Record<string, unknown>;
export type Stage = 'staging' | 'production';

/** The hook Job's name (the sandbox Argo CD reports its PreSync hook under this name too). */
export const MIGRATION_JOB = 'db-migrate';
export const FLYWAY_IMAGE = 'flyway/flyway:10.22.0';

export const overlayPath = (ctx: KitContext, stage: Stage): string => `${ctx.repoPath}/k8s/overlays/${stage}`;

/** What Gantry moves during a release must not be reverted by a sync: canary replicas, image and weight. */
function ignoreDifferences(ctx: KitContext): Obj[] {
  const ignored: Obj[] = [
    {
      group: 'apps',
      kind: 'Deployment',
      name: ctx.prod.canaryDeployment,
      jsonPointers: ['/spec/replicas', '/spec/template/spec/containers/0/image'],
    },
  ];
  const r = ctx.prod.router;
  if (r.kind === 'nginx')
    ignored.push({
      group: 'networking.k8s.io',
      kind: 'Ingress',
      name: r.canaryIngress,
      jsonPointers: ['/metadata/annotations/nginx.ingress.kubernetes.io~1canary-weight'],
    });
  if (r.kind === 'gateway-api')
    ignored.push({
      group: 'gateway.networking.k8s.io',
      kind: 'HTTPRoute',
      name: r.route,
      jqPathExpressions: ['.spec.rules[].backendRefs[].weight'],
    });
  return ignored;
}

export function application(ctx: KitContext, stage: Stage): Obj {
  const production = stage === 'production';
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: production ? ctx.prod.application : ctx.staging.application,
      namespace: 'argocd',
      labels: { 'app.kubernetes.io/part-of': ctx.prod.deployment, 'gantry.io/stage': stage },
    },
    spec: {
      project: 'default',
      source: {
        repoURL: `https://github.com/${ctx.repository}.git`,
        targetRevision: 'main',
        path: overlayPath(ctx, stage),
        // Gantry replaces this entry (by name) with the release's digest before each sync.
        kustomize: { images: [`${ctx.kustomizeImage}=${ctx.imageName}:latest`] },
      },
      destination: {
        server: 'https://kubernetes.default.svc',
        namespace: production ? ctx.prod.namespace : ctx.staging.namespace,
      },
      syncPolicy: { syncOptions: ['CreateNamespace=true', 'RespectIgnoreDifferences=true'] },
      ...(production && { ignoreDifferences: ignoreDifferences(ctx) }),
      revisionHistoryLimit: 10,
    },
  };
}

/**
 * Flyway `migrate` before the Deployments change. The migrations ship in the release image
 * (`/app/migrations`), copied out by an init container: Kustomize's image override rewrites that
 * image too, so a release migrates exactly its own schema version.
 */
export function migrationJob(ctx: KitContext): Obj {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: MIGRATION_JOB,
      annotations: {
        'argocd.argoproj.io/hook': 'PreSync',
        'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
      },
    },
    spec: {
      backoffLimit: 1,
      activeDeadlineSeconds: 600,
      template: {
        metadata: {
          labels: {
            'app.kubernetes.io/name': ctx.prod.deployment,
            'app.kubernetes.io/component': 'migration',
          },
        },
        spec: {
          restartPolicy: 'Never',
          securityContext: { runAsNonRoot: true, runAsUser: 1000 },
          volumes: [{ name: 'sql', emptyDir: {} }],
          initContainers: [
            {
              name: 'migrations',
              image: ctx.imageName,
              command: ['sh', '-c', 'cp -R /app/migrations/. /flyway/sql/'],
              volumeMounts: [{ name: 'sql', mountPath: '/flyway/sql' }],
            },
          ],
          containers: [
            {
              name: 'flyway',
              image: FLYWAY_IMAGE,
              args: ['-locations=filesystem:/flyway/sql', '-validateMigrationNaming=true', 'migrate'],
              envFrom: [{ secretRef: { name: `${ctx.prod.deployment}-db` } }],
              volumeMounts: [{ name: 'sql', mountPath: '/flyway/sql' }],
            },
          ],
        },
      },
    },
  };
}
