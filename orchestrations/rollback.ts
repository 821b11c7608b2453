import type { OrchestrationContext } from 'durable-functions';
import { Activities } from '../shared/contracts/activities.js';
import type { RollbackInput } from '../shared/contracts/rollback.js';
import type { SyncState } from '../shared/ports/gitops.js';
import { announceChat } from './lib/chat.js';
import { after, call, nowIso, type Flow } from './lib/flow.js';
import { gitEvidence } from './lib/git-deploy.js';
import { SYNC_POLL_MS } from './phases/staging.js';

export type RollbackOutcome = { kind: 'healthy'; state: SyncState } | { kind: 'failed'; reason: string };

/** Polls the sync like a phase does (staging.ts syncApp), without the interrupts a rollback has no use for. */
export function* waitForSync(
  ctx: OrchestrationContext,
  input: Pick<RollbackInput, 'app' | 'syncTimeoutMs'>,
  /** An Argo CD history rollback leaves the application OutOfSync by design: then Healthy is enough. */
  options: { outOfSyncOk?: boolean; revision?: string } = {},
): Flow<RollbackOutcome> {
  const deadline = after(ctx, input.syncTimeoutMs).getTime();
  for (;;) {
    const state = yield* call(ctx, Activities.syncStatus, { app: input.app });
    const atRevision = options.revision === undefined || state.revision === options.revision;
    const synced = (state.sync === 'Synced' && atRevision) || options.outOfSyncOk === true;
    if (state.phase === 'Succeeded' && synced && state.health === 'Healthy')
      return { kind: 'healthy', state };
    if (state.phase === 'Failed' || state.phase === 'Error' || state.health === 'Degraded')
      return {
        kind: 'failed',
        reason: `${input.app} ${state.phase}/${state.health}: ${state.message ?? ''}`.trim(),
      };
    if (ctx.df.currentUtcDateTime.getTime() >= deadline)
      return {
        kind: 'failed',
        reason: `${input.app} not Synced and Healthy in time (${state.sync}/${state.health})`,
      };
    yield ctx.df.createTimer(after(ctx, SYNC_POLL_MS));
  }
}

/**
 * A manual rollback (`rollback:<service>`): points production at an earlier release's image and follows
 * the sync. No gates or canary: the image already passed them. The outcome lands in the restored
 * deployment's timeline; a failed sync is left for the operator (nothing older to fall back to safely).
 * The routed channels hear it on the message of the release rolled back from: `rolled-back` with who
 * and why once synced, `incident` when the sync failed.
 */
export function* rollbackService(ctx: OrchestrationContext): Flow<RollbackOutcome> {
  const input = ctx.df.getInput() as RollbackInput;
  ctx.df.setCustomStatus({ service: input.service, waitingFor: `sync of ${input.app}`, since: nowIso(ctx) });
  const written = yield* call(ctx, Activities.deployImage, {
    app: input.app,
    binding: input.binding,
    image: input.image,
    deploymentId: input.deploymentId,
    // Git modes (pull-request too): a revert commit straight on the branch, awaited until Argo CD syncs it.
    rollback: true,
  });
  const outcome: RollbackOutcome = yield* waitForSync(
    ctx,
    input,
    written?.commit ? { revision: written.commit } : {},
  );
  const git = written ? gitEvidence(written) : {};
  const at = nowIso(ctx);
  const seq = ctx.df.currentUtcDateTime.getTime() * 1000;
  yield* call(ctx, Activities.record, {
    deploymentId: input.deploymentId,
    service: input.service,
    entry: {
      seq,
      at,
      kind: 'action',
      title:
        outcome.kind === 'healthy' ? `rollback:synced:${input.app}` : `rollback:sync-failed:${input.app}`,
      verdict: outcome.kind === 'healthy' ? 'pass' : 'fail',
      actor: input.actor,
      evidence:
        outcome.kind === 'healthy' ? { ...outcome.state, ...git } : { reason: outcome.reason, ...git },
    },
  });
  yield* announce(ctx, input, outcome, { seq, at });
  return outcome;
}

function* announce(
  ctx: OrchestrationContext,
  input: RollbackInput,
  outcome: RollbackOutcome,
  entry: { seq: number; at: string },
): Flow<void> {
  if (!input.fromDeploymentId || input.fromDeploymentId === input.deploymentId) return;
  const healthy = outcome.kind === 'healthy';
  const reason = healthy
    ? `rolled back to ${input.deploymentId}${input.reason ? `: ${input.reason}` : ''}`
    : `rollback to ${input.deploymentId} failed: ${outcome.reason}`;
  const event = {
    kind: healthy ? ('rolled-back' as const) : ('incident' as const),
    environment: 'production' as const,
    at: entry.at,
    title: healthy ? `rollback:synced:${input.app}` : `rollback:sync-failed:${input.app}`,
    seq: entry.seq,
    ...(healthy && { state: 'RolledBack' as const }),
    actor: input.actor,
    reason,
  };
  const target = { deploymentId: input.fromDeploymentId, service: input.service, event };
  // The audit wrote `rollback:from` at the request's ms; this orchestration runs after it.
  yield* announceChat(ctx, input.chat, target, ctx.df.currentUtcDateTime.getTime() * 1000 + 1);
}
