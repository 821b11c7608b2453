import { createHash } from 'node:crypto';
import type { SandboxWorld } from './world.js';

/**
 * In-memory Git repositories of the sandbox GitHub (kept in the world, so saved with it). Objects are
 * content-addressed like Git's: a blob's SHA is Git's own (`blob <size>\0<content>`); trees are flat
 * path → blob maps and commits JSON, hashed the same way, so every SHA is a real-looking 40-hex digest
 * that changes with the content.
 */

export interface GitTreeObject {
  kind: 'tree';
  entries: Record<string, string>;
}
export interface GitCommitObject {
  kind: 'commit';
  tree: string;
  parents: string[];
  message: string;
  author: string;
  date: string;
}
export interface GitBlobObject {
  kind: 'blob';
  text: string;
}
export type GitObject = GitTreeObject | GitCommitObject | GitBlobObject;

export interface SandboxPull {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  headSha: string;
  state: 'open' | 'closed';
  merged: boolean;
  mergeCommitSha?: string;
  createdAt: string;
}

export interface SandboxRepo {
  objects: Map<string, GitObject>;
  refs: Map<string, string>;
  pulls: Map<number, SandboxPull>;
  nextPull: number;
}

const EXTENSION = 'github.git';
const SHA = /^[0-9a-f]{40}$/;

export function gitRepos(cluster: SandboxWorld): Map<string, SandboxRepo> {
  const world = cluster.root; // one GitHub for every cluster
  let repos = world.extensions.get(EXTENSION) as Map<string, SandboxRepo> | undefined;
  if (!repos) world.extensions.set(EXTENSION, (repos = new Map()));
  return repos;
}

function hash(kind: string, body: string): string {
  const bytes = Buffer.from(body, 'utf8');
  return createHash('sha1')
    .update(Buffer.concat([Buffer.from(`${kind} ${bytes.length}\0`), bytes]))
    .digest('hex');
}

export function putObject(repo: SandboxRepo, object: GitObject): string {
  const { kind, ...rest } = object;
  const sha = hash(kind, kind === 'blob' ? (object as GitBlobObject).text : JSON.stringify(rest));
  repo.objects.set(sha, object);
  return sha;
}

export function getObject<K extends GitObject['kind']>(
  repo: SandboxRepo,
  sha: string,
  kind: K,
): Extract<GitObject, { kind: K }> | undefined {
  const o = repo.objects.get(sha);
  return o?.kind === kind ? (o as Extract<GitObject, { kind: K }>) : undefined;
}

/** A branch name or a commit SHA → the commit SHA (undefined when neither). */
export function resolveRef(repo: SandboxRepo, ref: string): string | undefined {
  if (SHA.test(ref) && getObject(repo, ref, 'commit')) return ref;
  return repo.refs.get(ref.replace(/^refs\/heads\//, ''));
}

export function readFile(repo: SandboxRepo, commitSha: string, path: string): string | undefined {
  const commit = getObject(repo, commitSha, 'commit');
  const tree = commit && getObject(repo, commit.tree, 'tree');
  const blob = tree?.entries[path];
  return blob ? getObject(repo, blob, 'blob')?.text : undefined;
}

export function isAncestor(repo: SandboxRepo, ancestor: string, of: string): boolean {
  const seen = new Set<string>();
  const queue = [of];
  while (queue.length > 0) {
    const sha = queue.pop() as string;
    if (sha === ancestor) return true;
    if (seen.has(sha)) continue;
    seen.add(sha);
    queue.push(...(getObject(repo, sha, 'commit')?.parents ?? []));
  }
  return false;
}

/** Creates (or returns) a repository whose `branch` holds one commit with `files`. */
export function seedRepository(
  world: SandboxWorld,
  fullName: string,
  files: Record<string, string>,
  branch = 'main',
): SandboxRepo {
  const repos = gitRepos(world);
  const existing = repos.get(fullName);
  if (existing) return existing;
  const repo: SandboxRepo = { objects: new Map(), refs: new Map(), pulls: new Map(), nextPull: 1 };
  const entries: Record<string, string> = {};
  for (const [path, text] of Object.entries(files)) entries[path] = putObject(repo, { kind: 'blob', text });
  const tree = putObject(repo, { kind: 'tree', entries });
  const commit = putObject(repo, {
    kind: 'commit',
    tree,
    parents: [],
    message: 'Initial environment',
    author: 'Sandbox Platform Team',
    date: world.nowIso(),
  });
  repo.refs.set(branch, commit);
  repos.set(fullName, repo);
  world.markDirty();
  return repo;
}

/** A commit of someone else's (a person pushing to the environment repository): moves the branch. */
export function commitFiles(
  world: SandboxWorld,
  fullName: string,
  branch: string,
  files: Record<string, string>,
  message: string,
  author = 'Sandbox Teammate',
): string {
  const repo = gitRepos(world).get(fullName);
  const head = repo?.refs.get(branch);
  const parent = repo && head ? getObject(repo, head, 'commit') : undefined;
  const base = repo && parent ? getObject(repo, parent.tree, 'tree') : undefined;
  if (!repo || !head || !base) throw new Error(`sandbox repository ${fullName}@${branch} does not exist`);
  const entries = { ...base.entries };
  for (const [path, text] of Object.entries(files)) entries[path] = putObject(repo, { kind: 'blob', text });
  const tree = putObject(repo, { kind: 'tree', entries });
  const sha = putObject(repo, {
    kind: 'commit',
    tree,
    parents: [head],
    message,
    author,
    date: world.nowIso(),
  });
  repo.refs.set(branch, sha);
  world.markDirty();
  return sha;
}

/** First-parent history of a branch, newest first (the evidence an e2e test reads). */
export function branchLog(
  world: SandboxWorld,
  fullName: string,
  branch = 'main',
): Array<{ sha: string } & GitCommitObject> {
  const repo = gitRepos(world).get(fullName);
  const log: Array<{ sha: string } & GitCommitObject> = [];
  let sha = repo?.refs.get(branch);
  while (repo && sha) {
    const commit = getObject(repo, sha, 'commit');
    if (!commit) break;
    log.push({ sha, ...commit });
    sha = commit.parents[0];
  }
  return log;
}

/** `https://github.com/{owner}/{repo}(.git)` → the sandbox repository it names, if there is one. */
export function repoForUrl(world: SandboxWorld, url: string): SandboxRepo | undefined {
  const m = /^https:\/\/github\.com\/([\w.-]+\/[\w.-]+?)(?:\.git)?\/?$/.exec(url);
  return m ? gitRepos(world).get(m[1] as string) : undefined;
}
