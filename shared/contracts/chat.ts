import type { ChatDestination } from '../domain/chat-routing.js';

/** The orchestration that announces a push queued behind a running release (orchestrations/announce.ts). */
export const ANNOUNCE_QUEUED_ORCHESTRATION = 'announceQueued';

/** One instance per deployment: a redelivered push cannot announce twice. */
export const announceInstanceId = (deploymentId: string): string => `announce:${deploymentId}`;

export interface AnnounceQueuedInput {
  deploymentId: string;
  service: string;
  /** The deployment the lane was running when the push arrived. */
  behind: string;
  /** When the push was accepted (the `->Queued` entry's time). */
  at: string;
  /** The event's seq: the push's time in µs (orchestrations take no clock readings of their own). */
  seq: number;
  destinations: ChatDestination[];
}
