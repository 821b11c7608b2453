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

/** Argo CD (or another GitOps engine): the source of truth for what runs in a cluster. */
export interface GitOps {
  /** Points the application at the image (absolute, idempotent) and starts a sync. */
  deployImage(app: string, binding: ImageBinding, image: ImageRef): Promise<void>;
  status(app: string): Promise<SyncState>;
  /** Rolls the application back to a history entry (the previous one when omitted). */
  rollback(app: string, historyId?: number): Promise<void>;
}
