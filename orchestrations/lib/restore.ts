import type { OrchestrationContext } from 'durable-functions';
import { Activities, type RunInput } from '../../shared/contracts/activities.js';
import type { RetryPolicy } from '../../shared/contracts/contract.js';
import { PHASES, type Phase } from '../../shared/contracts/events.js';
import type { ImageBinding } from '../../shared/contracts/plan.js';
import type { ReleaseRecord } from '../../shared/domain/deployment.js';
import type { RingRestore } from '../../shared/domain/rings.js';
import type { GitWrite } from '../../shared/ports/gitops.js';
import { waitForSync } from '../rollback.js';
import { gitEvidence } from './git-deploy.js';
import { call, type Flow } from './flow.js';
import type { Recorder } from './recorder.js';

/**
 * A restore waits out what is in its way: Argo CD refuses a sync while another operation runs (the
 * abandoned sync of the image being rolled back), and answers 5xx in an outage. About five minutes of
 * retries before the restore is declared failed.
 */
export const RESTORE_RETRY: RetryPolicy = {
  firstRetryIntervalMs: 10_000,
  maxAttempts: 8,
  backoffCoefficient: 2,
  maxRetryIntervalMs: 60_000,
};

interface Target {
  environment: 'staging' | 'production';
  app: string;
  binding: ImageBinding;
  /** Timeline title when not the environment's (a ring of a train: `rollback:production@<ring>`). */
  title?: string;
}

/** The GitOps applications a run that got as far as `reached` may have pointed at its image. */
function touched(run: RunInput, reached: Phase): Target[] {
  const { staging, production } = run.plan;
  const at = PHASES.indexOf(reached);
  const targets: Target[] = [];
  // Production first: that is where a wrong image hurts.
  if (at >= PHASES.indexOf('promotion'))
    targets.push({ environment: 'production', app: production.argoApp, binding: production.image });
  if (at >= PHASES.indexOf('staging'))
    targets.push({ environment: 'staging', app: staging.argoApp, binding: staging.image });
  return targets;
}

const NO_RELEASE =
  'nothing was released yet: rolled back to the previous Argo CD history entry; the application stays ' +
  'OutOfSync (its source still names the stopped image) until a release is recorded';

const errorText = (error: unknown): string =>
  error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error);

/** Points one application at the last known good image (or its previous Argo CD entry) and waits for the sync. */
function* restoreApp(
  ctx: OrchestrationContext,
  run: RunInput,
  rec: Recorder,
  target: Target,
  good: ReleaseRecord | null,
): Flow<string | undefined> {
  const title =
    target.title ?? (target.environment === 'production' ? 'rollback:production' : `rollback:${target.app}`);
  let why: string;
  try {
    let written: GitWrite | void = undefined;
    if (good)
      written = yield* call(
        ctx,
        Activities.deployImage,
        // Git modes (pull-request too): a direct revert commit, awaited below until Argo CD syncs it.
        {
          app: target.app,
          binding: target.binding,
          image: good.image,
          deploymentId: run.deployment.id,
          rollback: true,
        },
        RESTORE_RETRY,
      );
    else yield* call(ctx, Activities.rollbackApp, { app: target.app }, RESTORE_RETRY);
    const git = written ? gitEvidence(written) : {};
    const synced = yield* waitForSync(
      ctx,
      { app: target.app, syncTimeoutMs: run.plan.staging.syncTimeout },
      { outOfSyncOk: !good, ...(written?.commit ? { revision: written.commit } : {}) },
    );
    if (synced.kind === 'healthy') {
      yield* rec.note('action', title, {
        verdict: good ? 'pass' : 'warn',
        ...(!good && { comment: NO_RELEASE }),
        evidence: good
          ? { app: target.app, to: good.deploymentId, digest: good.image.digest, ...git }
          : { app: target.app, to: 'previous Argo CD history entry' },
      });
      return undefined;
    }
    why = synced.reason;
  } catch (error) {
    why = errorText(error);
  }
  const reason = `rollback of ${target.app} failed: ${why}`;
  yield* rec.note(
    'action',
    'rollback:failed',
    { verdict: 'fail', comment: reason, evidence: { app: target.app, environment: target.environment } },
    { notify: 'incident' },
  );
  return reason;
}

/**
 * After a run that did not succeed, every application it touched specifies the last known good image
 * again, synced: otherwise the next manual or automatic sync would deploy the image that was just
 * stopped. Returns why a restore failed (empty: GitOps is consistent with what runs).
 */
export function* restoreGitOps(
  ctx: OrchestrationContext,
  run: RunInput,
  rec: Recorder,
  reached: Phase,
): Flow<string[]> {
  return yield* restoreTargets(ctx, run, rec, touched(run, reached), reached);
}

/** The later rings of a failed train (shared/domain/rings.ts `ringsToRestore`), restored like ring 0. */
export function* restoreRings(
  ctx: OrchestrationContext,
  run: RunInput,
  rec: Recorder,
  apps: readonly RingRestore[],
): Flow<string[]> {
  const targets = apps.map((a): Target => ({
    environment: 'production',
    app: a.app,
    binding: a.binding,
    title: `rollback:production@${a.ring}`,
  }));
  return yield* restoreTargets(ctx, run, rec, targets, 'verification');
}

function* restoreTargets(
  ctx: OrchestrationContext,
  run: RunInput,
  rec: Recorder,
  targets: readonly Target[],
  reached: Phase,
): Flow<string[]> {
  if (targets.length === 0) return [];
  let good: ReleaseRecord | null;
  try {
    good = yield* call(ctx, Activities.lastKnownGood, {
      service: run.deployment.service,
      environment: 'production',
    });
  } catch (error) {
    const reason = `rollback not attempted: last known good release unreadable: ${errorText(error)}`;
    yield* rec.note(
      'action',
      'rollback:failed',
      { verdict: 'fail', comment: reason },
      { notify: 'incident' },
    );
    return [reason];
  }
  const failures: string[] = [];
  for (const target of targets) {
    // With no release to go back to, staging is only rolled back when its own sync broke it.
    if (!good && target.environment === 'staging' && reached !== 'staging') continue;
    const failed = yield* restoreApp(ctx, run, rec, target, good);
    if (failed) failures.push(failed);
  }
  return failures;
}
