import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { VirtualClock } from '../../../devhost/durable/clock.js';
import { ArgoCdGitOps } from '../../../shared/adapters/argocd.js';
import { GitHubGitRepo } from '../../../shared/adapters/github-git.js';
import { GitWriteBackGitOps } from '../../../shared/adapters/git-writeback.js';
import type { ImageBinding, ImageRef } from '../../../shared/contracts/plan.js';
import { addApplication, startArgoCdSandbox, type ArgoCdSandbox } from '../../../sandbox/argocd.js';
import { seedRepository } from '../../../sandbox/git-store.js';
import { createGitHubRoutes } from '../../../sandbox/github.js';
import { SandboxWorld } from '../../../sandbox/world.js';

/** The sandbox GitHub and Argo CD over one world, and Gantry's production Git write-back adapter on them. */

export const TOKEN = 'sandbox-github-token';
export const REPO = 'hearloveen/environments';
export const FILE = 'apps/web/kustomization.yaml';
export const KUSTOMIZATION = [
  'apiVersion: kustomize.config.k8s.io/v1beta1',
  'kind: Kustomization',
  '# the production overlay of web',
  'resources:',
  '  - ../../base/web',
  'images:',
  '  - name: reg.example.io/web',
  '    newTag: v1',
  '',
].join('\n');

export const image = (n: string, tag = `v${n}`): ImageRef => ({
  registry: 'reg.example.io',
  repository: 'web',
  tag,
  digest: `sha256:${n.repeat(64).slice(0, 64)}`,
});

export const binding = (mode: 'commit' | 'pull-request' = 'commit'): ImageBinding => ({
  kind: 'kustomize-image',
  name: 'reg.example.io/web',
  git: { mode, repository: REPO, branch: 'main', path: FILE },
});

export interface GitRig {
  clock: VirtualClock;
  world: SandboxWorld;
  github: string;
  argo: ArgoCdSandbox;
  repo: GitHubGitRepo;
  gitops: GitWriteBackGitOps;
  close(): Promise<void>;
}

export async function startGitRig(
  options: { autoSync?: boolean; repo?: (r: GitHubGitRepo) => GitHubGitRepo } = {},
): Promise<GitRig> {
  const clock = new VirtualClock();
  const world = new SandboxWorld(clock);
  seedRepository(world, REPO, { [FILE]: KUSTOMIZATION, 'apps/web/README.md': 'web\n' });
  addApplication(world, {
    name: 'web',
    namespace: 'prod',
    deployment: 'web',
    kustomizeImage: 'reg.example.io/web',
    image: 'reg.example.io/web:v1',
    repoURL: `https://github.com/${REPO}.git`,
    ...(options.autoSync ? { autoSync: true } : {}),
  });
  const argo = await startArgoCdSandbox(world, { token: 'argo-token', username: 'gantry' });
  const routes = createGitHubRoutes(world, { token: TOKEN, deliver: async () => {} });
  let origin = '';
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      const out = (await routes({
        method: req.method ?? 'GET',
        url: new URL(req.url ?? '/', origin),
        origin,
        headers,
        body: Buffer.concat(chunks),
      })) ?? { status: 404, body: '{}' };
      res.writeHead(out.status, out.headers);
      res.end(out.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const transport = {
    apiUrl: origin,
    userAgent: 'gantry-test',
    timeoutMs: 5000,
    attempts: 1,
    now: () => clock.now(),
  };
  const base = new GitHubGitRepo(transport, () => TOKEN, REPO);
  const repo = options.repo ? options.repo(base) : base;
  const gitops = new GitWriteBackGitOps({
    argo: new ArgoCdGitOps({ baseUrl: argo.url, token: () => 'argo-token', attempts: 1 }),
    repo: () => repo,
  });
  return {
    clock,
    world,
    github: origin,
    argo,
    repo,
    gitops,
    close: async () => {
      await argo.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A GitHub call as a person would make it (merging or closing a pull request). */
export async function githubCall(rig: GitRig, method: string, path: string, body?: unknown) {
  const res = await fetch(`${rig.github}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
