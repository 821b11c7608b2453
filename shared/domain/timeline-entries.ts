import type { SyncState } from '../ports/gitops.js';
import type { GateResult, SmokeResult } from '../ports/runners.js';
import type { ApprovalRecord, TimelineEntry } from './deployment.js';

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

/** `provenance`: where the image's commit came from, before any gate judges the image. */
export const provenanceEntry = <T extends { commitSha?: string; detail?: string }>(found: T): EntryBody => ({
  kind: 'note',
  title: 'provenance',
  verdict: found.commitSha ? 'pass' : 'warn',
  ...(found.detail !== undefined && { comment: found.detail }),
  evidence: { ...found },
});

/** `gate:<name>`: an image gate's verdict (named as the pipeline file names the gate). */
export const gateEntry = (name: string, result: GateResult): EntryBody => ({
  kind: 'gate',
  title: `gate:${name}`,
  verdict: result.verdict,
  comment: result.summary,
  evidence: result.evidence,
});

/** `smoke:<name>`: one smoke check against staging. */
export const smokeEntry = (name: string, result: SmokeResult): EntryBody => ({
  kind: 'check',
  title: `smoke:${name}`,
  verdict: result.ok ? 'pass' : 'fail',
  evidence: { ...result },
});

/** `<prefix>:<kind>`: what the approval policy decided (`approval:required`, `approval:window:auto`, …). */
export const approvalDecisionEntry = (prefix: string, decision: { kind: string }): EntryBody => ({
  kind: 'decision',
  title: `${prefix}:${decision.kind}`,
  evidence: { ...decision },
});

/** `<approve|reject>:<accepted|refused>`: one reviewer's decision, as the re-check inside the run judged it. */
export const approvalEntry = (
  approval: Pick<ApprovalRecord, 'approver' | 'decision' | 'comment'>,
  check: { accepted: boolean; refusal?: string },
): EntryBody => ({
  kind: 'decision',
  title: `${approval.decision}:${check.accepted ? 'accepted' : 'refused'}`,
  actor: approval.approver,
  ...(approval.comment !== undefined && { comment: approval.comment }),
  verdict: check.accepted ? (approval.decision === 'approve' ? 'pass' : 'fail') : 'warn',
  ...(check.refusal && { evidence: { refusal: check.refusal } }),
});

/** `release:last-known-good`: production's verified release, recorded for rollbacks. */
export const releaseEntry = (): EntryBody => ({
  kind: 'decision',
  title: 'release:last-known-good',
  verdict: 'pass',
});

/**
 * Pure: an Argo CD application is done syncing: operation Succeeded, Synced and Healthy, and (a Git-mode
 * write) at exactly the written commit.
 */
export const isSyncedAt = (state: SyncState, revision?: string): boolean =>
  state.phase === 'Succeeded' &&
  state.sync === 'Synced' &&
  state.health === 'Healthy' &&
  (revision === undefined || state.revision === revision);

/** `synced:<app>`: the application is Synced and Healthy with the new image. */
export const syncedEntry = (app: string, state: SyncState): EntryBody => ({
  kind: 'action',
  title: `synced:${app}`,
  verdict: 'pass',
  evidence: { ...state },
});
