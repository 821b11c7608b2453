import type { TimelineEntry } from './deployment.js';

/**
 * Pure builders of the timeline entries that an acting activity writes itself (its `record` input), so
 * the entry is the same whether the orchestration records it or the activity does, and acting plus
 * recording cost one Durable activity instead of two.
 */

export type EntryBody = Omit<TimelineEntry, 'deploymentId' | 'seq' | 'at'>;

/** Where an acting activity appends its entry: the run, and a seq and time the orchestration reserved. */
export interface OwnEntry {
  deploymentId: string;
  service: string;
  seq: number;
  at: string;
}

/** `weight:<n>`: a traffic weight change, with the weight the router reports it reached. */
export const weightEntry = (weight: number, comment: string): EntryBody => ({
  kind: 'action',
  title: `weight:${weight}`,
  comment,
  evidence: { weight },
});
