import type { ImageBinding, ImageRef } from '../contracts/plan.js';

export interface SyncState {
  /** Argo CD `status.operationState.phase`, or `None` when no operation ran. */
  phase: 'Running' | 'Succeeded' | 'Failed' | 'Error' | 'Terminating' | 'None';
  sync: 'Synced' | 'OutOfSync' | 'Unknown';
  health: 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';
  /** Revision the application is synced to. */
  revision?: string;
  message?: string;
  /** History id of the last successful deployment (for rollback). */
  historyId?: number;
  /** Images the application's live resources run (Argo CD `status.summary.images`), when reported. */
  images?: string[];
}

/** What a Git-mode deploy wrote (`binding.git`); an Argo CD parameter deploy returns nothing. */
export interface GitWrite {
  repository: string;
  branch: string;
  /** The commit Argo CD must sync (absent while a pull request waits to be merged). */
  commit?: string;
  /** The promotion commit this one reverts (a rollback to the image before it). */
  reverts?: string;
  pullRequest?: { number: number; url?: string };
}

/** A Git-mode pull request: still open, merged (its merge commit is being synced) or closed unmerged. */
export type PullOutcome =
  { state: 'open' } | { state: 'merged'; commit: string } | { state: 'closed'; reason: string };

/** Argo CD (or another GitOps engine): the source of truth for what runs in a cluster. */
export interface GitOps {
  /**
   * Points the application at the image (absolute, idempotent) and starts a sync. In a Git mode the
   * image is written to the environment repository (a commit, or a pull request) instead. A
   * `rollback` is always a commit on the branch, in pull-request mode too: a rollback must be fast.
   */
  deployImage(
    app: string,
    binding: ImageBinding,
    image: ImageRef,
    context?: { deploymentId?: string; evidence?: string; rollback?: boolean },
  ): Promise<GitWrite | void>;
  /** Pull-request mode: the pull request's state; once merged, Argo CD is asked to sync the merge. */
  followPull?(app: string, binding: ImageBinding, pull: number): Promise<PullOutcome>;
  status(app: string): Promise<SyncState>;
  /** Rolls the application back to a history entry (the previous one when omitted). */
  rollback(app: string, historyId?: number): Promise<void>;
}
