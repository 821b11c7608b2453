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
}
