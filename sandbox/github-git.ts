import { jsonResponse, type HostRequest, type HostResponse } from '../devhost/http/types.js';
import {
  getObject,
  gitRepos,
  isAncestor,
  putObject,
  readFile,
  resolveRef,
  type SandboxPull,
  type SandboxRepo,
} from './git-store.js';
import type { SandboxWorld } from './world.js';

/**
 * The Git database, contents and pulls endpoints of the GitHub REST API over the sandbox's in-memory
 * repositories: paths, status codes and JSON as GitHub documents them (422 "Update is not a fast
 * forward" on a ref update that is not one, 405 for a pull request that cannot merge).
 */

type Json = Record<string, unknown>;
const REPO = /^\/repos\/([\w-]+\/[\w.-]+)(\/.*)$/;
const NOT_FOUND = { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' };

function body(req: HostRequest): Json | undefined {
  try {
    const v = JSON.parse(req.body.toString('utf8') || '{}') as unknown;
    return typeof v === 'object' && v !== null ? (v as Json) : undefined;
  } catch {
    return undefined;
  }
}

const unprocessable = (message: string) =>
  jsonResponse(422, { message, documentation_url: NOT_FOUND.documentation_url });

function commitJson(repo: SandboxRepo, name: string, sha: string): Json | undefined {
  const c = getObject(repo, sha, 'commit');
  if (!c) return undefined;
  const person = { name: c.author, email: 'sandbox@users.noreply.github.com', date: c.date };
  return {
    sha,
    url: `https://api.github.com/repos/${name}/git/commits/${sha}`,
    html_url: `https://github.com/${name}/commit/${sha}`,
    author: person,
    committer: person,
    message: c.message,
    tree: { sha: c.tree },
    parents: c.parents.map((p) => ({ sha: p })),
    verification: {
      verified: c.author.endsWith('[bot]'),
      reason: c.author.endsWith('[bot]') ? 'valid' : 'unsigned',
    },
  };
}

export function pullJson(name: string, pull: SandboxPull): Json {
  return {
    number: pull.number,
    state: pull.state,
    title: pull.title,
    body: pull.body,
    merged: pull.merged,
    merge_commit_sha: pull.mergeCommitSha ?? null,
    html_url: `https://github.com/${name}/pull/${pull.number}`,
    head: { ref: pull.head, sha: pull.headSha },
    base: { ref: pull.base },
    created_at: pull.createdAt,
  };
}

function refUpdate(world: SandboxWorld, repo: SandboxRepo, branch: string, b: Json): HostResponse {
  const current = repo.refs.get(branch);
  const sha = b.sha;
  if (!current) return unprocessable('Reference does not exist');
  if (typeof sha !== 'string' || !getObject(repo, sha, 'commit'))
    return unprocessable('Object does not exist');
  if (b.force !== true && !isAncestor(repo, current, sha))
    return unprocessable('Update is not a fast forward');
  repo.refs.set(branch, sha);
  world.markDirty();
  return jsonResponse(200, { ref: `refs/heads/${branch}`, object: { sha, type: 'commit' } });
}

function create(world: SandboxWorld, repo: SandboxRepo, name: string, what: string, b: Json): HostResponse {
  if (what === 'blobs') {
    if (typeof b.content !== 'string')
      return unprocessable('Invalid request.\n\n"content" wasn\'t supplied.');
    const text = b.encoding === 'base64' ? Buffer.from(b.content, 'base64').toString('utf8') : b.content;
    return jsonResponse(201, { sha: putObject(repo, { kind: 'blob', text }) });
  }
  if (what === 'trees') {
    const base = typeof b.base_tree === 'string' ? getObject(repo, b.base_tree, 'tree') : { entries: {} };
    if (!base || !Array.isArray(b.tree)) return unprocessable('Invalid tree info');
    const entries = { ...base.entries };
    for (const e of b.tree as Json[]) {
      if (typeof e.path !== 'string' || typeof e.sha !== 'string' || !getObject(repo, e.sha, 'blob'))
        return unprocessable('Invalid tree info');
      entries[e.path] = e.sha;
    }
    return jsonResponse(201, { sha: putObject(repo, { kind: 'tree', entries }) });
  }
  const parents = Array.isArray(b.parents) ? b.parents.filter((p): p is string => typeof p === 'string') : [];
  if (typeof b.tree !== 'string' || !getObject(repo, b.tree, 'tree') || typeof b.message !== 'string')
    return unprocessable('Invalid request');
  if (parents.some((p) => !getObject(repo, p, 'commit'))) return unprocessable('Parent SHA does not exist');
  // Commits made through this API by an App installation token are signed by GitHub (shown as Verified).
  const sha = putObject(repo, {
    kind: 'commit',
    tree: b.tree,
    parents,
    message: b.message,
    author: 'gantry-sandbox[bot]',
    date: world.nowIso(),
  });
  world.markDirty();
  return jsonResponse(201, commitJson(repo, name, sha));
}

/** Told of each pull request merged through the API, with the base branch's commit before the merge. */
export type MergedHook = (repository: string, pull: SandboxPull, baseSha: string) => void;

function merge(
  world: SandboxWorld,
  repo: SandboxRepo,
  name: string,
  pull: SandboxPull,
  onMerged?: MergedHook,
): HostResponse {
  const base = repo.refs.get(pull.base);
  const head = getObject(repo, pull.headSha, 'commit');
  if (pull.state !== 'open' || !base || !head || !isAncestor(repo, base, pull.headSha))
    return jsonResponse(405, { message: 'Pull Request is not mergeable' });
  const sha = putObject(repo, {
    kind: 'commit',
    tree: head.tree,
    parents: [base, pull.headSha],
    message: `Merge pull request #${pull.number} from ${pull.head}\n\n${pull.title}`,
    author: 'Sandbox Reviewer',
    date: world.nowIso(),
  });
  repo.refs.set(pull.base, sha);
  Object.assign(pull, { state: 'closed', merged: true, mergeCommitSha: sha });
  world.markDirty();
  onMerged?.(name, pull, base);
  return jsonResponse(200, { sha, merged: true, message: 'Pull Request successfully merged' });
}

function pulls(
  world: SandboxWorld,
  repo: SandboxRepo,
  name: string,
  req: HostRequest,
  rest: string,
  onMerged?: MergedHook,
): HostResponse | undefined {
  const b = body(req) ?? {};
  if (rest === '/pulls' && req.method === 'GET') {
    const q = req.url.searchParams;
    const head = q.get('head')?.split(':').pop();
    const state = q.get('state') ?? 'open';
    const found = [...repo.pulls.values()].filter(
      (p) => (!head || p.head === head) && (state === 'all' || p.state === state),
    );
    return jsonResponse(
      200,
      found.reverse().map((p) => pullJson(name, p)),
    );
  }
  if (rest === '/pulls' && req.method === 'POST') {
    const headSha = typeof b.head === 'string' ? repo.refs.get(b.head) : undefined;
    if (!headSha || typeof b.base !== 'string' || !repo.refs.has(b.base) || typeof b.title !== 'string')
      return unprocessable('Validation Failed');
    const duplicate = [...repo.pulls.values()].some((p) => p.state === 'open' && p.head === b.head);
    if (duplicate)
      return unprocessable(`A pull request already exists for ${name.split('/')[0]}:${String(b.head)}.`);
    const pull: SandboxPull = {
      number: repo.nextPull++,
      title: b.title,
      body: typeof b.body === 'string' ? b.body : '',
      head: b.head as string,
      base: b.base,
      headSha,
      state: 'open',
      merged: false,
      createdAt: world.nowIso(),
    };
    repo.pulls.set(pull.number, pull);
    world.markDirty();
    return jsonResponse(201, pullJson(name, pull));
  }
  const m = /^\/pulls\/(\d+)(\/merge)?$/.exec(rest);
  const pull = m ? repo.pulls.get(Number(m[1])) : undefined;
  if (!m) return undefined;
  if (!pull) return jsonResponse(404, NOT_FOUND);
  if (m[2] && req.method === 'PUT') return merge(world, repo, name, pull, onMerged);
  if (!m[2] && req.method === 'GET') return jsonResponse(200, pullJson(name, pull));
  if (!m[2] && req.method === 'PATCH' && b.state === 'closed') {
    pull.state = 'closed';
    world.markDirty();
    return jsonResponse(200, pullJson(name, pull));
  }
  return undefined;
}

/**
 * Answers a request for the Git subset, or undefined when the path is not one of it. `onMerged`: a
 * pull request was merged (the repository's webhook fires, see github.ts).
 */
export function gitRoute(
  world: SandboxWorld,
  req: HostRequest,
  onMerged?: MergedHook,
): HostResponse | undefined {
  const m = REPO.exec(req.url.pathname);
  if (!m) return undefined;
  const name = m[1] as string;
  const rest = m[2] as string;
  if (!/^\/(git\/|contents\/|pulls)/.test(rest)) return undefined;
  const repo = gitRepos(world).get(name);
  if (!repo) return jsonResponse(404, NOT_FOUND);
  const ref = /^\/git\/refs?\/heads\/(.+)$/.exec(rest);
  if (ref && req.method === 'GET') {
    const sha = repo.refs.get(ref[1] as string);
    return sha
      ? jsonResponse(200, { ref: `refs/heads/${ref[1]}`, object: { sha, type: 'commit' } })
      : jsonResponse(404, NOT_FOUND);
  }
  if (ref && req.method === 'PATCH') return refUpdate(world, repo, ref[1] as string, body(req) ?? {});
  if (rest === '/git/refs' && req.method === 'POST') {
    const b = body(req) ?? {};
    const branch = typeof b.ref === 'string' ? /^refs\/heads\/(.+)$/.exec(b.ref)?.[1] : undefined;
    if (!branch || typeof b.sha !== 'string' || !getObject(repo, b.sha, 'commit'))
      return unprocessable('Invalid request');
    if (repo.refs.has(branch)) return unprocessable('Reference already exists');
    repo.refs.set(branch, b.sha);
    world.markDirty();
    return jsonResponse(201, { ref: b.ref, object: { sha: b.sha, type: 'commit' } });
  }
  const commit = /^\/git\/commits\/([0-9a-f]{40})$/.exec(rest);
  if (commit && req.method === 'GET') {
    const json = commitJson(repo, name, commit[1] as string);
    return json ? jsonResponse(200, json) : jsonResponse(404, NOT_FOUND);
  }
  const made = /^\/git\/(blobs|trees|commits)$/.exec(rest);
  if (made && req.method === 'POST') {
    const b = body(req);
    return b
      ? create(world, repo, name, made[1] as string, b)
      : jsonResponse(400, { message: 'Problems parsing JSON' });
  }
  const contents = /^\/contents\/(.+)$/.exec(rest);
  if (contents && req.method === 'GET') {
    const at = resolveRef(repo, req.url.searchParams.get('ref') ?? 'main');
    const path = contents[1] as string;
    const text = at ? readFile(repo, at, path) : undefined;
    if (text === undefined) return jsonResponse(404, NOT_FOUND);
    const content = Buffer.from(text)
      .toString('base64')
      .replace(/(.{60})/g, '$1\n');
    return jsonResponse(200, {
      type: 'file',
      encoding: 'base64',
      name: path.split('/').pop(),
      path,
      size: Buffer.byteLength(text),
      sha: putObject(repo, { kind: 'blob', text }),
      content,
    });
  }
  if (rest.startsWith('/pulls')) return pulls(world, repo, name, req, rest, onMerged);
  return undefined;
}
