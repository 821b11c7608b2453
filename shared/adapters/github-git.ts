import { isBranchName, isRepoPath, isRepository } from '../domain/git-names.js';
import { GitHubError, githubRequest, type GitHubTransport } from './github-http.js';

export { isBranchName, isRepoPath, isRepository };

/**
 * The Git database, contents and pulls endpoints of the GitHub REST API, as a GitHub App installation
 * uses them to write a file on a branch: commits created through `POST /git/commits` by an App carry
 * GitHub's signature and show as Verified. Every repository, branch and path is validated before it
 * reaches a URL.
 */

export interface GitCommit {
  sha: string;
  treeSha: string;
  parents: string[];
  message: string;
}

export interface PullState {
  number: number;
  state: 'open' | 'closed';
  merged: boolean;
  mergeCommitSha?: string;
  htmlUrl?: string;
}

const SHA = /^[0-9a-f]{40}$/;

function check(ok: boolean, what: string, value: string): void {
  if (!ok) throw new GitHubError('github-invalid-input', `invalid ${what} "${value.slice(0, 120)}"`);
}

function sha(v: unknown, what: string): string {
  if (typeof v !== 'string' || !SHA.test(v))
    throw new GitHubError('github-unexpected', `GitHub answered ${what} without a commit SHA`);
  return v;
}

export class GitHubGitRepo {
  private readonly base: string;

  constructor(
    private readonly t: GitHubTransport,
    private readonly token: () => Promise<string> | string,
    readonly repository: string,
  ) {
    check(isRepository(repository), 'repository (owner/name)', repository);
    this.base = `/repos/${repository}`;
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await githubRequest<T>(this.t, await this.token(), method, `${this.base}${path}`, body);
    return res.body;
  }

  async branchHead(branch: string): Promise<string> {
    check(isBranchName(branch), 'branch', branch);
    const ref = await this.call<{ object?: { sha?: unknown } }>('GET', `/git/ref/heads/${branch}`);
    return sha(ref.object?.sha, `ref heads/${branch}`);
  }

  async commit(commitSha: string): Promise<GitCommit> {
    check(SHA.test(commitSha), 'commit SHA', commitSha);
    const c = await this.call<{
      sha?: unknown;
      tree?: { sha?: unknown };
      parents?: Array<{ sha?: unknown }>;
      message?: unknown;
    }>('GET', `/git/commits/${commitSha}`);
    return {
      sha: sha(c.sha, 'commit'),
      treeSha: sha(c.tree?.sha, 'commit tree'),
      parents: (c.parents ?? []).map((p) => sha(p.sha, 'commit parent')),
      message: typeof c.message === 'string' ? c.message : '',
    };
  }

  /** A file's text at a commit, or undefined when the path does not exist there. */
  async fileAt(path: string, ref: string): Promise<string | undefined> {
    check(isRepoPath(path), 'repository path', path);
    check(SHA.test(ref), 'commit SHA', ref);
    try {
      const f = await this.call<{ type?: unknown; encoding?: unknown; content?: unknown }>(
        'GET',
        `/contents/${path}?ref=${ref}`,
      );
      if (f.type !== 'file' || f.encoding !== 'base64' || typeof f.content !== 'string')
        throw new GitHubError('github-unexpected', `${path} is not a file GitHub can return inline`);
      return Buffer.from(f.content, 'base64').toString('utf8');
    } catch (error) {
      if (error instanceof GitHubError && error.code === 'github-not-found') return undefined;
      throw error;
    }
  }

  /** Blob, tree on `parent`'s tree, and commit: the new commit's SHA (no ref moves yet). */
  async commitFile(parent: GitCommit, path: string, text: string, message: string): Promise<string> {
    check(isRepoPath(path), 'repository path', path);
    const blob = await this.call<{ sha?: unknown }>('POST', '/git/blobs', {
      content: text,
      encoding: 'utf-8',
    });
    const tree = await this.call<{ sha?: unknown }>('POST', '/git/trees', {
      base_tree: parent.treeSha,
      tree: [{ path, mode: '100644', type: 'blob', sha: sha(blob.sha, 'blob') }],
    });
    const commit = await this.call<{ sha?: unknown }>('POST', '/git/commits', {
      message,
      tree: sha(tree.sha, 'tree'),
      parents: [parent.sha],
    });
    return sha(commit.sha, 'commit');
  }

  /** Fast-forwards a branch; false when it moved meanwhile (422 "Update is not a fast forward"). */
  async fastForward(branch: string, commitSha: string): Promise<boolean> {
    check(isBranchName(branch), 'branch', branch);
    try {
      await this.call('PATCH', `/git/refs/heads/${branch}`, { sha: commitSha, force: false });
      return true;
    } catch (error) {
      if (
        error instanceof GitHubError &&
        error.code === 'github-unprocessable' &&
        /fast.forward/i.test(error.message)
      )
        return false;
      throw error;
    }
  }

  async createBranch(branch: string, commitSha: string): Promise<void> {
    check(isBranchName(branch), 'branch', branch);
    try {
      await this.call('POST', '/git/refs', { ref: `refs/heads/${branch}`, sha: commitSha });
    } catch (error) {
      // A retried activity created it already: point it at this commit.
      if (!(error instanceof GitHubError && error.code === 'github-unprocessable')) throw error;
      await this.call('PATCH', `/git/refs/heads/${branch}`, { sha: commitSha, force: true });
    }
  }

  async openPull(head: string, base: string, title: string, body: string): Promise<PullState> {
    check(isBranchName(head), 'branch', head);
    check(isBranchName(base), 'branch', base);
    try {
      return pullState(await this.call('POST', '/pulls', { title, head, base, body }));
    } catch (error) {
      // A retried activity opened it already (422 "A pull request already exists"): that one is it.
      if (!(error instanceof GitHubError && error.code === 'github-unprocessable')) throw error;
      const owner = this.repository.split('/')[0] as string;
      const query = new URLSearchParams({ head: `${owner}:${head}`, base, state: 'open' });
      const open = await this.call<unknown[]>('GET', `/pulls?${query.toString()}`);
      if (!Array.isArray(open) || open.length === 0) throw error;
      return pullState(open[0]);
    }
  }

  async pull(number: number): Promise<PullState> {
    if (!Number.isSafeInteger(number) || number < 1)
      throw new GitHubError('github-invalid-input', `invalid pull request number ${number}`);
    return pullState(await this.call('GET', `/pulls/${number}`));
  }
}

function pullState(p: unknown): PullState {
  const v = (p ?? {}) as Record<string, unknown>;
  if (typeof v.number !== 'number' || (v.state !== 'open' && v.state !== 'closed'))
    throw new GitHubError('github-unexpected', 'GitHub answered with something that is not a pull request');
  return {
    number: v.number,
    state: v.state,
    merged: v.merged === true,
    ...(typeof v.merge_commit_sha === 'string' && SHA.test(v.merge_commit_sha)
      ? { mergeCommitSha: v.merge_commit_sha }
      : {}),
    ...(typeof v.html_url === 'string' ? { htmlUrl: v.html_url } : {}),
  };
}
