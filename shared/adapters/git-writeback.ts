import type { GitWriteBack, ImageBinding, ImageRef } from '../contracts/plan.js';
import type { GitOps, GitWrite, PullOutcome, SyncState } from '../ports/gitops.js';
import type { ArgoCdGitOps } from './argocd.js';
import { GitFileError, setImageInFile } from './git-image-file.js';
import { GitHubError } from './github-http.js';
import type { GitCommit, GitHubGitRepo } from './github-git.js';

/**
 * GitOps with Git write-back (docs/architecture.md "Git write-back"): a target whose binding has `git`
 * gets its image written into the environment repository (a commit on the branch, or a pull request),
 * and Argo CD syncs that commit; the others keep the Argo CD parameter. A rollback is a deploy of the
 * previous image, which, when the branch head is the promotion that replaced it, is written as a revert
 * of that commit (so Argo CD self-heal keeps the old version).
 */

export interface GitWriteBackOptions {
  argo: ArgoCdGitOps;
  /** The GitHub App's view of one repository (installation token). */
  repo: (repository: string) => GitHubGitRepo;
  /** Tries on a fresh base when the branch moved between read and ref update (default 3). */
  attempts?: number;
}

/** Marks Gantry's own commits (the revert of one is a rollback). */
export const GANTRY_TRAILER = 'Gantry-Deployment:';

const shortDigest = (image: ImageRef) => image.digest.slice('sha256:'.length, 'sha256:'.length + 12);
const imageText = (image: ImageRef) =>
  `${image.registry}/${image.repository}${image.tag ? `:${image.tag}` : ''}@${image.digest}`;

/** Commit message and content of one write: a revert of the head when that restores the image. */
interface Plan {
  text: string;
  message: string;
  reverts?: string;
}

export class GitWriteBackGitOps implements GitOps {
  constructor(private readonly options: GitWriteBackOptions) {}

  async deployImage(
    app: string,
    binding: ImageBinding,
    image: ImageRef,
    context: { deploymentId?: string; evidence?: string; rollback?: boolean } = {},
  ): Promise<GitWrite | void> {
    const git = binding.git;
    if (!git) return this.options.argo.deployImage(app, binding, image);
    const repo = this.options.repo(git.repository);
    // A rollback skips the review of pull-request mode: it restores an image that already ran there.
    if (git.mode === 'pull-request' && !context.rollback)
      return this.openPull(repo, git, app, binding, image, context);
    const written = await this.commitToBranch(repo, git, git.branch, binding, image, context);
    await this.options.argo.syncRevision(app, written.commit);
    return { repository: git.repository, branch: git.branch, ...written };
  }

  async followPull(app: string, binding: ImageBinding, pull: number): Promise<PullOutcome> {
    const git = binding.git;
    if (!git) throw new GitHubError('github-invalid-input', `${app} is not in a Git mode`);
    const state = await this.options.repo(git.repository).pull(pull);
    if (state.merged && state.mergeCommitSha) {
      await this.options.argo.syncRevision(app, state.mergeCommitSha);
      return { state: 'merged', commit: state.mergeCommitSha };
    }
    if (state.state === 'closed')
      return {
        state: 'closed',
        reason: `pull request #${pull} in ${git.repository} was closed without being merged`,
      };
    return { state: 'open' };
  }

  status(app: string): Promise<SyncState> {
    return this.options.argo.status(app);
  }

  rollback(app: string, historyId?: number): Promise<void> {
    return this.options.argo.rollback(app, historyId);
  }

  /** Writes the image on `branch` with a fast-forward; a moved branch is read again, up to `attempts`. */
  private async commitToBranch(
    repo: GitHubGitRepo,
    git: GitWriteBack,
    branch: string,
    binding: ImageBinding,
    image: ImageRef,
    context: { deploymentId?: string },
  ): Promise<{ commit: string; reverts?: string }> {
    const attempts = this.options.attempts ?? 3;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const head = await repo.commit(await repo.branchHead(branch));
      const plan = await this.plan(repo, git, head, binding, image, context);
      if (!plan) return { commit: head.sha }; // the branch already names this image
      const commit = await repo.commitFile(head, git.path, plan.text, plan.message);
      if (await repo.fastForward(branch, commit))
        return { commit, ...(plan.reverts ? { reverts: plan.reverts } : {}) };
    }
    throw new GitHubError(
      'github-conflict',
      `${git.path} on ${git.repository}@${branch} kept changing while Gantry wrote it ` +
        `(${attempts} attempts, each "Update is not a fast forward"); nothing was written`,
      409,
    );
  }

  private async plan(
    repo: GitHubGitRepo,
    git: GitWriteBack,
    head: GitCommit,
    binding: ImageBinding,
    image: ImageRef,
    context: { deploymentId?: string },
  ): Promise<Plan | undefined> {
    const current = await repo.fileAt(git.path, head.sha);
    if (current === undefined)
      throw new GitHubError(
        'github-not-found',
        `${git.path} does not exist on ${git.repository}@${git.branch}`,
      );
    const text = edit(current, git.path, binding, image);
    if (text === current) return undefined;
    const parent = head.parents[0];
    if (parent && (await isGantryPromotion(repo, head))) {
      // The head is Gantry's promotion; if its parent already ran this image, undo exactly that commit.
      const before = await repo.fileAt(git.path, parent);
      if (before !== undefined && edit(before, git.path, binding, image) === before) {
        const title = head.message.split('\n')[0] ?? '';
        return {
          text: before,
          reverts: head.sha,
          message: `Revert "${title}"\n\nThis reverts commit ${head.sha}.\n\n${trailer(context)}`,
        };
      }
    }
    const message =
      `Deploy ${image.repository}@${shortDigest(image)}\n\n` +
      `Sets ${binding.kind === 'kustomize-image' ? `image ${binding.name}` : binding.parameter} ` +
      `to ${imageText(image)}.\n\n${trailer(context)}`;
    return { text, message };
  }

  private async openPull(
    repo: GitHubGitRepo,
    git: GitWriteBack,
    app: string,
    binding: ImageBinding,
    image: ImageRef,
    context: { deploymentId?: string; evidence?: string },
  ): Promise<GitWrite> {
    const head = await repo.commit(await repo.branchHead(git.branch));
    const plan = await this.plan(repo, git, head, binding, image, context);
    if (!plan) {
      await this.options.argo.syncRevision(app, head.sha);
      return { repository: git.repository, branch: git.branch, commit: head.sha };
    }
    const branch = `gantry/${app.replace(/[^A-Za-z0-9-]/g, '-')}-${shortDigest(image)}`;
    const commit = await repo.commitFile(head, git.path, plan.text, plan.message);
    await repo.createBranch(branch, commit);
    const title = plan.message.split('\n')[0] ?? '';
    const pull = await repo.openPull(branch, git.branch, title, pullBody(image, context));
    return {
      repository: git.repository,
      branch: git.branch,
      ...(plan.reverts ? { reverts: plan.reverts } : {}),
      pullRequest: { number: pull.number, ...(pull.htmlUrl ? { url: pull.htmlUrl } : {}) },
    };
  }
}

/**
 * Whether `head` is Gantry's promotion: its own commit, or (pull-request mode) the merge of Gantry's
 * pull request, whose second parent is Gantry's commit; either is undone against its first parent.
 */
async function isGantryPromotion(repo: GitHubGitRepo, head: GitCommit): Promise<boolean> {
  if (head.message.includes(GANTRY_TRAILER)) return true;
  const merged = head.parents.length === 2 ? head.parents[1] : undefined;
  return merged !== undefined && (await repo.commit(merged)).message.includes(GANTRY_TRAILER);
}

function edit(text: string, path: string, binding: ImageBinding, image: ImageRef): string {
  try {
    return setImageInFile(text, path, binding, image);
  } catch (error) {
    if (error instanceof GitFileError) throw new GitHubError('github-invalid-input', error.message);
    throw error;
  }
}

const trailer = (context: { deploymentId?: string }) =>
  `${GANTRY_TRAILER} ${context.deploymentId ?? 'manual'}`;

function pullBody(image: ImageRef, context: { deploymentId?: string; evidence?: string }): string {
  return [
    `Gantry promotes \`${imageText(image)}\`${context.deploymentId ? ` (deployment ${context.deploymentId})` : ''}.`,
    '',
    '## Evidence',
    context.evidence?.trim() || '_No gate, analysis or approval recorded yet._',
    '',
    'Merging this pull request deploys it: Gantry waits for Argo CD to sync the merge commit.',
  ].join('\n');
}
