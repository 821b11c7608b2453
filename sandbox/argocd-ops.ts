import { followsRepository, resolveSource } from './argocd-git.js';
import { appWorld } from './clusters.js';
import { newDeployment, ROLLOUT_STARTED_ANNOTATION, setDeploymentImage } from './rollout.js';
import {
  argoState,
  revisionSha,
  touch,
  type AppSource,
  type Json,
  type RunningOperation,
  type SandboxApp,
} from './argocd-state.js';
import type { SandboxWorld } from './world.js';

/**
 * Argo CD operations (sync, rollback, terminate) on virtual time. Nothing is scheduled: every read or
 * write first calls {@link advance}, which replays what the controller would have done between the
 * operation's start and `world.now()`, stamping results with the times they would have happened at.
 *
 * Timeline of a sync with the `hook` strategy: PreSync hook Job `db-migrate` runs for
 * {@link PRESYNC_HOOK_MS}; it fails when the target image's fault profile has `syncFailure` (operation
 * Failed, nothing applied); otherwise the image is written into the Deployment, the operation Succeeded
 * and a history entry appended. The `apply` strategy (used by rollback, as in Argo CD) skips hooks and
 * finishes after {@link APPLY_MS}. Health then follows the Deployment (sandbox/rollout.ts).
 */

export const PRESYNC_HOOK_MS = 5_000;
export const APPLY_MS = 1_000;
export const TERMINATE_MS = 1_000;
export const HOOK_JOB = 'db-migrate';
export const DEFAULT_HISTORY_LIMIT = 10;

/** An error answered in grpc-gateway's shape; `grpcCode` decides the HTTP status. */
export class ArgoApiError extends Error {
  constructor(
    readonly grpcCode: number,
    message: string,
  ) {
    super(message);
  }
}

export const GrpcCode = {
  Unknown: 2,
  InvalidArgument: 3,
  NotFound: 5,
  PermissionDenied: 7,
  FailedPrecondition: 9,
  Unimplemented: 12,
  Unauthenticated: 16,
} as const;

const iso = (ms: number) => new Date(ms).toISOString();
const usesHooks = (op: RunningOperation) => !('apply' in ((op.request.sync as Json).syncStrategy as Json));

function hookResult(app: SandboxApp, hookPhase: string, message: string): Json {
  return {
    group: 'batch',
    version: 'v1',
    kind: 'Job',
    namespace: app.spec.destination.namespace,
    name: HOOK_JOB,
    status: hookPhase === 'Failed' ? 'SyncFailed' : 'Synced',
    message,
    hookType: 'PreSync',
    hookPhase,
    syncPhase: 'PreSync',
  };
}

/** The source an operation syncs (a rollback's history entry, else the spec's as of now). */
export function operationSource(app: SandboxApp, op: RunningOperation): AppSource {
  if (op.rollbackSource) return op.rollbackSource;
  return op.revision !== undefined ? { ...app.spec.source, targetRevision: op.revision } : app.spec.source;
}

function finish(app: SandboxApp, phase: string, message: string, at: number, resources: Json[]): void {
  const op = app.operation as RunningOperation;
  const source = structuredClone(operationSource(app, op));
  app.operationState = {
    operation: op.request,
    phase,
    message,
    startedAt: iso(op.startedAt),
    finishedAt: iso(at),
    syncResult: { revision: revisionSha(source), source, resources },
  };
  delete app.operation;
}

/** Writes the rendered image into the app's Deployment (creating it if absent), as of time `at`. */
function apply(argo: SandboxWorld, app: SandboxApp, image: string, at: number): void {
  const world = appWorld(argo, app);
  const namespace = app.spec.destination.namespace;
  const existing = world.get('Deployment', namespace, app.deployment);
  if (existing) {
    setDeploymentImage(world, existing, image, at);
    return;
  }
  const created = newDeployment(namespace, app.deployment, image);
  world.put({
    ...created,
    metadata: { ...created.metadata, annotations: { [ROLLOUT_STARTED_ANNOTATION]: iso(at) } },
  });
}

function appendHistory(app: SandboxApp, op: RunningOperation, at: number): void {
  const source = operationSource(app, op);
  app.history.push({
    id: app.nextHistoryId++,
    revision: revisionSha(source),
    deployedAt: iso(at),
    deployStartedAt: iso(op.startedAt),
    source: structuredClone(source),
    initiatedBy: structuredClone((op.request.initiatedBy as Json | undefined) ?? {}),
  });
  const limit = app.spec.revisionHistoryLimit ?? DEFAULT_HISTORY_LIMIT;
  app.history.splice(0, Math.max(0, app.history.length - limit));
}

/** Brings the app's running operation up to `world.now()`. */
export function advance(world: SandboxWorld, app: SandboxApp): void {
  const op = app.operation;
  if (!op) return;
  const now = world.now();
  const hooks = usesHooks(op);
  const doneAt = op.startedAt + (hooks ? PRESYNC_HOOK_MS : APPLY_MS);
  if (op.terminateAt !== undefined) {
    if (now < op.terminateAt + TERMINATE_MS) return;
    const resources = hooks ? [hookResult(app, 'Failed', 'Job terminated')] : [];
    finish(app, 'Failed', 'Operation terminated', op.terminateAt + TERMINATE_MS, resources);
    touch(world, app);
    return;
  }
  if (now < doneAt) return;
  const image = resolveSource(world, app, operationSource(app, op)).image;
  if (hooks && appWorld(world, app).faultFor(image).syncFailure) {
    const reason = 'Job has reached the specified backoff limit';
    finish(app, 'Failed', `PreSync hook ${HOOK_JOB} failed: ${reason}`, doneAt, [
      hookResult(app, 'Failed', reason),
    ]);
  } else {
    const dryRun = (op.request.sync as Json).dryRun === true;
    if (!dryRun) apply(world, app, image, doneAt);
    const deployment: Json = {
      group: 'apps',
      version: 'v1',
      kind: 'Deployment',
      namespace: app.spec.destination.namespace,
      name: app.deployment,
      status: 'Synced',
      message: `deployment.apps/${app.deployment} ${dryRun ? 'configured (dry run)' : 'configured'}`,
      syncPhase: 'Sync',
    };
    const resources = hooks
      ? [hookResult(app, 'Succeeded', 'Reached expected number of succeeded pods'), deployment]
      : [deployment];
    if (!dryRun) appendHistory(app, op, doneAt);
    finish(app, 'Succeeded', 'successfully synced (all tasks run)', doneAt, resources);
  }
  touch(world, app);
}

/** Advances every application (for stand-ins that read Deployments without going through Argo CD). */
export function settleArgoCd(world: SandboxWorld): void {
  for (const app of argoState(world).apps.values()) advance(world, app);
}

function start(world: SandboxWorld, app: SandboxApp, request: Json, pinned: Partial<RunningOperation>): void {
  advance(world, app);
  if (app.operation)
    throw new ArgoApiError(GrpcCode.FailedPrecondition, 'another operation is already in progress');
  const startedAt = world.now();
  // A followed repository: the sync applies the commit the branch names now, like Argo CD's resolution.
  if (pinned.revision === undefined && !pinned.rollbackSource && followsRepository(world, app.spec.source))
    pinned = { ...pinned, revision: resolveSource(world, app, app.spec.source).revision };
  const op: RunningOperation = { request, startedAt, ...pinned };
  app.operation = op;
  const hooks = usesHooks(op);
  const source = structuredClone(operationSource(app, op));
  app.operationState = {
    operation: request,
    phase: 'Running',
    message: hooks ? `waiting for completion of hook batch/Job/${HOOK_JOB}` : 'one or more tasks are running',
    startedAt: iso(startedAt),
    syncResult: {
      revision: revisionSha(source),
      source,
      resources: hooks ? [hookResult(app, 'Running', `job.batch/${HOOK_JOB} created`)] : [],
    },
  };
  touch(world, app);
}

const automated = (app: SandboxApp) => app.spec.syncPolicy?.automated !== undefined;

/** `POST .../sync`: body is an ApplicationSyncRequest. */
export function startSync(world: SandboxWorld, app: SandboxApp, body: Json, initiatedBy: Json): void {
  const target = app.spec.source.targetRevision;
  const revision = typeof body.revision === 'string' && body.revision !== '' ? body.revision : undefined;
  if (revision !== undefined && revision !== target && automated(app))
    throw new ArgoApiError(
      GrpcCode.FailedPrecondition,
      `Cannot sync to ${revision}: auto-sync currently set to ${target}`,
    );
  const strategy = (body.strategy as Json | undefined) ?? { hook: {} };
  const items = (body.syncOptions as { items?: unknown } | undefined)?.items;
  const request: Json = {
    sync: {
      ...(revision !== undefined ? { revision } : {}),
      prune: body.prune === true,
      ...(body.dryRun === true ? { dryRun: true } : {}),
      syncStrategy: 'apply' in strategy ? { apply: strategy.apply ?? {} } : { hook: strategy.hook ?? {} },
      ...(Array.isArray(items) && items.length > 0 ? { syncOptions: items } : {}),
    },
    initiatedBy,
    retry: (body.retryStrategy as Json | undefined) ?? {},
  };
  start(world, app, request, revision !== undefined ? { revision } : {});
}

/** `POST .../rollback`: body is `{ name, id, prune, dryRun }`. */
export function startRollback(world: SandboxWorld, app: SandboxApp, body: Json, initiatedBy: Json): void {
  advance(world, app);
  if (automated(app))
    throw new ArgoApiError(
      GrpcCode.FailedPrecondition,
      'rollback cannot be initiated when auto-sync is enabled',
    );
  const id = typeof body.id === 'string' ? Number(body.id) : body.id === undefined ? 0 : body.id;
  const entry = app.history.find((h) => h.id === id);
  if (!entry)
    throw new ArgoApiError(
      GrpcCode.InvalidArgument,
      `application ${app.metadata.name} does not have deployment with id ${String(id)}`,
    );
  // Argo CD rolls back with the apply strategy: hooks (migrations) do not run again.
  const request: Json = {
    sync: {
      revision: entry.revision,
      prune: body.prune === true,
      ...(body.dryRun === true ? { dryRun: true } : {}),
      syncStrategy: { apply: {} },
      source: entry.source,
    },
    initiatedBy,
    retry: {},
  };
  start(world, app, request, { rollbackSource: structuredClone(entry.source) });
}

/** `DELETE .../operation`. */
export function terminateOperation(world: SandboxWorld, app: SandboxApp): void {
  advance(world, app);
  if (!app.operation)
    throw new ArgoApiError(
      GrpcCode.InvalidArgument,
      'Unable to terminate operation. No operation is in progress',
    );
  app.operation.terminateAt ??= world.now();
  if (app.operationState) app.operationState.phase = 'Terminating';
  touch(world, app);
}
