import type { ImageBinding, PipelinePlan } from '../contracts/plan.js';

/**
 * Which waiting phases a closed pull request may wake (issue 18, `gitops: pull-request`). The webhook is
 * only a wake-up: the woken phase asks GitHub for the pull request's state itself (`followPull`), so a
 * delivery that lies about `merged` changes nothing but the moment of that check. Still, only a pull
 * request that looks like one Gantry opened (its `gantry/` head branch, into the configured branch of the
 * configured repository) reaches a phase at all.
 */

export interface ClosedPull {
  /** `owner/name` from `repository.full_name`. */
  repository: string;
  number: number;
  merged: boolean;
  headRef: string;
  baseRef: string;
}

export type PullWake =
  { kind: 'wake'; phases: Array<'staging' | 'promotion'> } | { kind: 'ignore'; note: string };

/** Head branches Gantry opens (`shared/adapters/git-writeback.ts` openPull). */
export const GANTRY_PULL_BRANCH = /^gantry\/[A-Za-z0-9-]{1,200}$/;

function matches(binding: ImageBinding, pull: ClosedPull): boolean {
  const git = binding.git;
  return (
    git?.mode === 'pull-request' &&
    git.repository.toLowerCase() === pull.repository.toLowerCase() &&
    git.branch === pull.baseRef
  );
}

export function pullRequestWake(plan: PipelinePlan, pull: ClosedPull): PullWake {
  if (!GANTRY_PULL_BRANCH.test(pull.headRef))
    return { kind: 'ignore', note: `pull request #${pull.number} is not from a Gantry branch` };
  const phases: Array<'staging' | 'promotion'> = [];
  if (matches(plan.staging.image, pull)) phases.push('staging');
  if (matches(plan.production.image, pull)) phases.push('promotion');
  if (phases.length === 0)
    return {
      kind: 'ignore',
      note: `no pull-request target of ${plan.service} writes to ${pull.repository}@${pull.baseRef}`,
    };
  return { kind: 'wake', phases };
}
