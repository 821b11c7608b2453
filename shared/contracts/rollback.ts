import type { ChatRoute } from '../domain/chat-routing.js';
import type { ImageBinding, ImageRef } from './plan.js';

/** The orchestration behind POST /api/services/{name}/rollback; one live instance per service. */
export const ROLLBACK_ORCHESTRATION = 'rollbackService';
export const rollbackInstanceId = (service: string): string => `rollback:${service}`;

export interface RollbackInput {
  service: string;
  app: string;
  binding: ImageBinding;
  image: ImageRef;
  /** The deployment restored: the sync outcome goes to its timeline. */
  deploymentId: string;
  actor: string;
  syncTimeoutMs: number;
  /** The release rolled back from: its chat message is updated to say so. */
  fromDeploymentId?: string;
  /** Why (the person's comment, or the alert that fired). */
  reason?: string;
  /** The pipeline file's chat routes: `rolled-back` (synced) or `incident` (sync failed), production. */
  chat?: ChatRoute[];
}
