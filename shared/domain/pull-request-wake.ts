import { phaseInstanceId } from '../contracts/events.js';
import type { ImageBinding, PipelinePlan } from '../contracts/plan.js';
import { ringPhaseInstanceId } from './rings.js';

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

/** `instances`: the phase orchestrations (staging, ring 0's promotion, a later ring's) that may wait. */
export type PullWake = { kind: 'wake'; instances: string[] } | { kind: 'ignore'; note: string };

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

export function pullRequestWake(plan: PipelinePlan, pull: ClosedPull, deploymentId: string): PullWake {
  if (!GANTRY_PULL_BRANCH.test(pull.headRef))
    return { kind: 'ignore', note: `pull request #${pull.number} is not from a Gantry branch` };
  const instances: string[] = [];
  if (matches(plan.staging.image, pull)) instances.push(phaseInstanceId(deploymentId, 'staging'));
  if (matches(plan.production.image, pull)) instances.push(phaseInstanceId(deploymentId, 'promotion'));
  // Ring 0 is `production` above; later rings run their promotion per target (orchestrations/ring.ts).
  (plan.rings ?? []).slice(1).forEach((ring) =>
    ring.targets.forEach((target, index) => {
      if (matches(target.image, pull))
        instances.push(ringPhaseInstanceId(deploymentId, 'promotion', ring.name, index));
    }),
  );
  if (instances.length === 0)
    return {
      kind: 'ignore',
      note: `no pull-request target of ${plan.service} writes to ${pull.repository}@${pull.baseRef}`,
    };
  return { kind: 'wake', instances };
}
