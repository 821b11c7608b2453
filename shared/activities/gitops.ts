import type { ImageBinding, ImageRef } from '../contracts/plan.js';
import type { TimelineEntry } from '../domain/deployment.js';
import type { Ports } from '../ports/index.js';
import type { GitWrite, PullOutcome } from '../ports/gitops.js';

/** Timeline kinds a reviewer of a write-back pull request needs: gates, analysis checks and decisions. */
const EVIDENCE_KINDS = new Set<TimelineEntry['kind']>(['gate', 'check', 'decision']);

/** The evidence bundle of a pull request body: one line per gate, analysis verdict and approval. */
export function evidenceMarkdown(entries: TimelineEntry[]): string {
  return entries
    .filter((e) => EVIDENCE_KINDS.has(e.kind) || /approv/i.test(e.title))
    .map((e) => {
      const who = e.actor ? ` by ${e.actor}` : '';
      const why = e.comment ? ` — ${e.comment.replace(/\s+/g, ' ').slice(0, 200)}` : '';
      return `- **${e.title}** ${e.verdict ?? 'noted'}${who} (${e.at})${why}`;
    })
    .join('\n');
}

/** `deployImage`: a pull request (pull-request mode) carries the run's evidence so far. */
export async function deployImage(
  p: Ports,
  i: { app: string; binding: ImageBinding; image: ImageRef; deploymentId?: string; rollback?: boolean },
): Promise<GitWrite | void> {
  const context: { deploymentId?: string; evidence?: string; rollback?: boolean } = {};
  if (i.deploymentId) context.deploymentId = i.deploymentId;
  if (i.rollback) context.rollback = true;
  else if (i.binding.git?.mode === 'pull-request' && i.deploymentId)
    context.evidence = evidenceMarkdown(await p.store.listEvents(i.deploymentId));
  const written = await p.gitops.deployImage(i.app, i.binding, i.image, context);
  return written ?? undefined;
}

export async function followPull(
  p: Ports,
  i: { app: string; binding: ImageBinding; pull: number },
): Promise<PullOutcome> {
  if (!p.gitops.followPull)
    throw new Error('followPull: the configured GitOps adapter has no Git write-back');
  return p.gitops.followPull(i.app, i.binding, i.pull);
}
