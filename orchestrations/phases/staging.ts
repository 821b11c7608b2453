import type { OrchestrationContext } from 'durable-functions';
import { Activities } from '../../shared/contracts/activities.js';
import type { ImageBinding } from '../../shared/contracts/plan.js';
import type { SyncState } from '../../shared/ports/gitops.js';
import { isSyncedAt } from '../../shared/domain/timeline-entries.js';
import { after, call, type Flow, type Interrupt } from '../lib/flow.js';
import { deployToApp } from '../lib/git-deploy.js';
import { interrupted, PhaseScope, type PhaseResult } from '../lib/phase.js';

/** How often a sync is polled. */
export const SYNC_POLL_MS = 10_000;

export type SyncOutcome =
  { kind: 'healthy'; state: SyncState } | { kind: 'failed'; reason: string } | Interrupt;

/**
 * Sets the image on an Argo CD application and polls until it is Synced and Healthy, the operation
 * fails (a failed PreSync migration hook fails the sync), or the deadline passes. Healthy is recorded
 * as `synced:<app>`.
 */
export function* syncApp(
  p: PhaseScope,
  app: string,
  binding: ImageBinding,
  timeoutMs: number,
): Flow<SyncOutcome> {
  const { ctx } = p;
  const written = yield* deployToApp(p, app, binding);
  if (written.kind !== 'written') return written;
  const deadline = after(ctx, timeoutMs).getTime();
  for (;;) {
    // A Git-mode write counts once Argo CD reports exactly that commit as synced. The poll that sees it
    // synced also records `synced:<app>` (one activity fewer than recording it here).
    const { revision } = written;
    const state = yield* call(ctx, Activities.syncStatus, {
      app,
      record: { ...p.rec.own(), ...(revision !== undefined && { revision }) },
    });
    if (isSyncedAt(state, revision)) return { kind: 'healthy', state };
    if (state.phase === 'Failed' || state.phase === 'Error') {
      return {
        kind: 'failed',
        reason: `sync of ${app} ${state.phase.toLowerCase()}: ${state.message ?? 'no message'}`,
      };
    }
    if (state.health === 'Degraded')
      return { kind: 'failed', reason: `${app} is Degraded: ${state.message ?? ''}`.trim() };
    if (ctx.df.currentUtcDateTime.getTime() >= deadline) {
      return {
        kind: 'failed',
        reason: `${app} not Synced and Healthy within ${Math.round(timeoutMs / 1000)}s (last: ${state.sync}/${state.health}${written.revision ? ` at ${state.revision ?? 'no revision'}, want ${written.revision}` : ''})`,
      };
    }
    const interrupt = yield* p.interrupts.sleep(SYNC_POLL_MS);
    if (interrupt) return interrupt;
  }
}

/** Staging deploy; a failed sync rolls staging back to the previous history entry. */
export function* stagingPhase(ctx: OrchestrationContext): Flow<PhaseResult> {
  const p = new PhaseScope(ctx, 'staging', 2);
  const early = yield* p.begin();
  if (early) return interrupted(early);
  const { staging } = p.run.plan;
  p.status({ step: staging.argoApp, waitingFor: `sync of ${staging.argoApp}` });
  const outcome = yield* syncApp(p, staging.argoApp, staging.image, staging.syncTimeout);
  if (outcome.kind === 'healthy') return { outcome: 'passed' }; // `synced:<app>` is recorded by the poll
  if (outcome.kind !== 'failed') return interrupted(outcome);
  yield* p.rec.note('action', `sync-failed:${staging.argoApp}`, { verdict: 'fail', comment: outcome.reason });
  // The pipeline points staging back at the last known good image (lib/restore.ts).
  return { outcome: 'failed', reason: outcome.reason };
}
