import { Activities } from '../../shared/contracts/activities.js';
import { Events, type PullRequestClosedPayload } from '../../shared/contracts/events.js';
import type { ImageBinding } from '../../shared/contracts/plan.js';
import type { GitWrite } from '../../shared/ports/gitops.js';
import { after, call, type Flow, type Interrupt } from './flow.js';
import type { PhaseScope } from './phase.js';

/**
 * How often a write-back pull request is polled (Durable timers: virtual time on the dev host). The
 * `pull_request` webhook (`pullRequestClosed`) cuts a wait short; polling stays for a lost delivery.
 */
export const PULL_POLL_MS = 60_000;

export type GitDeployOutcome =
  { kind: 'written'; revision?: string } | { kind: 'failed'; reason: string } | Interrupt;

/** Timeline evidence of a Git write: repository, branch, commit SHA and, when there is one, the PR. */
export function gitEvidence(written: GitWrite): Record<string, unknown> {
  return {
    repository: written.repository,
    branch: written.branch,
    ...(written.commit ? { commit: written.commit } : {}),
    ...(written.reverts ? { reverts: written.reverts } : {}),
    ...(written.pullRequest ? { pullRequest: written.pullRequest.number } : {}),
    ...(written.pullRequest?.url ? { pullRequestUrl: written.pullRequest.url } : {}),
  };
}

/**
 * Deploys the run's image to `app`. In a Git mode the write lands on the timeline with its commit SHA
 * (a pull request is waited for until merged; closed unmerged fails), and the revision Argo CD must
 * report before the sync counts is returned.
 */
export function* deployToApp(p: PhaseScope, app: string, binding: ImageBinding): Flow<GitDeployOutcome> {
  const { ctx } = p;
  const image = p.run.deployment.image;
  const written = yield* call(ctx, Activities.deployImage, {
    app,
    binding,
    image,
    deploymentId: p.run.deployment.id,
  });
  if (!written) return { kind: 'written' };
  let revision = written.commit;
  if (written.pullRequest && !revision) {
    yield* p.rec.note('action', `git:pull-request:${app}`, { evidence: gitEvidence(written) });
    p.status({ step: app, waitingFor: `merge of pull request #${written.pullRequest.number}` });
    for (;;) {
      const pull = yield* call(ctx, Activities.followPull, {
        app,
        binding,
        pull: written.pullRequest.number,
      });
      if (pull.state === 'closed') return { kind: 'failed', reason: pull.reason };
      if (pull.state === 'merged') {
        revision = pull.commit;
        p.status({ step: app, waitingFor: `sync of ${app}` });
        break;
      }
      // A new event task per wait: an event raised during followPull is buffered by Durable for it.
      const woken = yield* p.interrupts.race<PullRequestClosedPayload>(
        ctx.df.waitForExternalEvent(Events.pullRequestClosed.name),
        after(ctx, PULL_POLL_MS),
      );
      // Woken or not, the next followPull reads the pull request's real state from GitHub.
      if (woken.kind !== 'done' && woken.kind !== 'timeout') return woken;
    }
  }
  const title = written.reverts ? `git:revert:${app}` : `git:commit:${app}`;
  yield* p.rec.note('action', title, {
    verdict: 'pass',
    evidence: { ...gitEvidence(written), ...(revision ? { commit: revision } : {}) },
  });
  return { kind: 'written', ...(revision ? { revision } : {}) };
}
