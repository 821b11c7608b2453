import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { GitHubError } from '../../../shared/adapters/github-http.js';
import { GitHubGitRepo } from '../../../shared/adapters/github-git.js';
import { settleArgoCd } from '../../../sandbox/argocd.js';
import { branchLog, commitFiles, gitRepos, readFile } from '../../../sandbox/git-store.js';
import { deploymentImage } from '../../../sandbox/rollout.js';
import {
  binding,
  FILE,
  githubCall,
  image,
  KUSTOMIZATION,
  REPO,
  startGitRig,
  type GitRig,
} from './git-sandbox.js';

let rig: GitRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const headFile = (r: GitRig) => {
  const repo = gitRepos(r.world).get(REPO)!;
  return readFile(repo, repo.refs.get('main')!, FILE)!;
};
const deployed = (r: GitRig) => {
  r.clock.advance(5 * 60_000);
  settleArgoCd(r.world);
  return deploymentImage(r.world.get('Deployment', 'prod', 'web')!);
};

describe('Git write-back, commit mode, against the sandbox GitHub and Argo CD', () => {
  it('commits the digest to the kustomization and has Argo CD sync exactly that commit', async () => {
    rig = await startGitRig();
    const v2 = image('2');
    const written = await rig.gitops.deployImage('web', binding(), v2, { deploymentId: 'web-0002' });
    const [head, initial] = branchLog(rig.world, REPO);
    expect(written).toEqual({ repository: REPO, branch: 'main', commit: head!.sha });
    expect(head!.parents).toEqual([initial!.sha]);
    expect(head!.message).toContain(`Deploy web@${'2'.repeat(12)}`);
    expect(head!.message).toContain('Gantry-Deployment: web-0002');
    expect(head!.author).toMatch(/\[bot\]$/); // an App's API commit: GitHub signs it
    const file = headFile(rig);
    expect(file).toContain('# the production overlay of web'); // comments survive
    expect(parse(file).images).toEqual([
      { name: 'reg.example.io/web', newName: 'reg.example.io/web', digest: v2.digest },
    ]);
    expect(deployed(rig)).toBe(`reg.example.io/web@${v2.digest}`);
    const state = await rig.gitops.status('web');
    expect(state).toMatchObject({
      phase: 'Succeeded',
      sync: 'Synced',
      health: 'Healthy',
      revision: head!.sha,
    });
    // Idempotent: a retried activity writes nothing new.
    await expect(rig.gitops.deployImage('web', binding(), v2)).resolves.toEqual(written);
    expect(branchLog(rig.world, REPO)).toHaveLength(2);
  });

  it('rolls back by reverting the promotion commit, restoring the file byte for byte', async () => {
    rig = await startGitRig();
    const v2 = image('2');
    const v3 = image('3');
    await rig.gitops.deployImage('web', binding(), v2);
    deployed(rig);
    const promoted = await rig.gitops.deployImage('web', binding(), v3, { deploymentId: 'web-0003' });
    deployed(rig);
    const before = headFile(rig);
    const reverted = await rig.gitops.deployImage('web', binding(), v2, { deploymentId: 'web-0003' });
    const [head, promotion, first] = branchLog(rig.world, REPO);
    expect(reverted).toMatchObject({ commit: head!.sha, reverts: promotion!.sha });
    expect(promoted).toMatchObject({ commit: promotion!.sha });
    expect(head!.message).toMatch(/^Revert "Deploy web@3{12}"\n\nThis reverts commit [0-9a-f]{40}\./);
    expect(head!.message).toContain(`This reverts commit ${promotion!.sha}.`);
    const repo = gitRepos(rig.world).get(REPO)!;
    expect(headFile(rig)).toBe(readFile(repo, first!.sha, FILE));
    expect(headFile(rig)).not.toBe(before);
    expect(deployed(rig)).toBe(`reg.example.io/web@${v2.digest}`);
    expect((await rig.gitops.status('web')).revision).toBe(head!.sha);
  });

  it('an auto-synced application is synced at its branch, which names the commit', async () => {
    rig = await startGitRig({ autoSync: true });
    const written = await rig.gitops.deployImage('web', binding(), image('4'));
    expect(deployed(rig)).toBe(`reg.example.io/web@${image('4').digest}`);
    expect((await rig.gitops.status('web')).revision).toBe((written as { commit: string }).commit);
  });

  it('retries on a fresh base when someone commits to the file between read and ref update', async () => {
    let interfere = 1;
    rig = await startGitRig({
      repo: (base) => {
        const r = Object.create(base) as GitHubGitRepo;
        r.fastForward = async (branch, sha) => {
          if (interfere-- > 0)
            commitFiles(
              rig!.world,
              REPO,
              'main',
              { [FILE]: `${KUSTOMIZATION}# replicas raised by a person\n` },
              'Scale web',
            );
          return base.fastForward(branch, sha);
        };
        return r;
      },
    });
    const v5 = image('5');
    const written = await rig.gitops.deployImage('web', binding(), v5);
    const [head, teammate] = branchLog(rig.world, REPO);
    expect(teammate!.message).toBe('Scale web');
    expect(written).toMatchObject({ commit: head!.sha });
    expect(head!.parents).toEqual([teammate!.sha]);
    const file = headFile(rig);
    expect(file).toContain('# replicas raised by a person'); // the other change is kept
    expect(parse(file).images[0].digest).toBe(v5.digest);
  });

  it('fails with a clear reason when the file keeps changing', async () => {
    let n = 0;
    rig = await startGitRig({
      repo: (base) => {
        const r = Object.create(base) as GitHubGitRepo;
        r.fastForward = async (branch, sha) => {
          commitFiles(rig!.world, REPO, 'main', { 'apps/web/README.md': `edit ${++n}\n` }, `edit ${n}`);
          return base.fastForward(branch, sha);
        };
        return r;
      },
    });
    const error = await rig.gitops.deployImage('web', binding(), image('6')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubError);
    expect(error).toMatchObject({ code: 'github-conflict' });
    expect((error as Error).message).toMatch(/kept changing .*3 attempts.*Update is not a fast forward/);
    expect(branchLog(rig.world, REPO).every((c) => !c.message.includes('Deploy web'))).toBe(true);
  });
});

describe('Git write-back, pull-request mode', () => {
  it('opens a pull request with the evidence, and syncs its merge commit once merged', async () => {
    rig = await startGitRig();
    const v7 = image('7');
    const evidence =
      '- **gate:vulnerability** pass\n- **check:success-rate** pass\n- **approval** pass by ana';
    const written = await rig.gitops.deployImage('web', binding('pull-request'), v7, {
      deploymentId: 'web-0007',
      evidence,
    });
    expect(written).toMatchObject({ repository: REPO, branch: 'main', pullRequest: { number: 1 } });
    expect(written).not.toHaveProperty('commit');
    expect(branchLog(rig.world, REPO)).toHaveLength(1); // main untouched until the merge
    const pull = await githubCall(rig, 'GET', `/repos/${REPO}/pulls/1`);
    expect(pull.body).toMatchObject({ state: 'open', merged: false, base: { ref: 'main' } });
    expect(pull.body.body).toContain(evidence);
    expect(pull.body.body).toContain('web-0007');
    await expect(rig.gitops.followPull('web', binding('pull-request'), 1)).resolves.toEqual({
      state: 'open',
    });
    expect((await githubCall(rig, 'PUT', `/repos/${REPO}/pulls/1/merge`, {})).status).toBe(200);
    const outcome = await rig.gitops.followPull('web', binding('pull-request'), 1);
    const [merge] = branchLog(rig.world, REPO);
    expect(outcome).toEqual({ state: 'merged', commit: merge!.sha });
    expect(deployed(rig)).toBe(`reg.example.io/web@${v7.digest}`);
    expect((await rig.gitops.status('web')).revision).toBe(merge!.sha);
  });

  it('a retried deploy finds the pull request it opened instead of failing', async () => {
    rig = await startGitRig();
    const first = await rig.gitops.deployImage('web', binding('pull-request'), image('b'));
    const again = await rig.gitops.deployImage('web', binding('pull-request'), image('b'));
    expect(again).toEqual(first);
    const open = await githubCall(rig, 'GET', `/repos/${REPO}/pulls?state=open`);
    expect((open.body as unknown as unknown[]).length).toBe(1);
  });

  it('reports a pull request closed without merging as a failure with its reason', async () => {
    rig = await startGitRig();
    await rig.gitops.deployImage('web', binding('pull-request'), image('8'));
    await githubCall(rig, 'PATCH', `/repos/${REPO}/pulls/1`, { state: 'closed' });
    await expect(rig.gitops.followPull('web', binding('pull-request'), 1)).resolves.toEqual({
      state: 'closed',
      reason: `pull request #1 in ${REPO} was closed without being merged`,
    });
    expect(deployed(rig)).toBe('reg.example.io/web:v1');
  });
});

describe('Git write-back, pull-request mode rollback', () => {
  it('reverts the merged promotion straight on the branch (no pull request) and syncs that commit', async () => {
    rig = await startGitRig();
    const v1 = image('1');
    const v9 = image('9');
    await rig.gitops.deployImage('web', binding(), v1); // the release that ran before
    deployed(rig);
    await rig.gitops.deployImage('web', binding('pull-request'), v9, { deploymentId: 'web-0009' });
    await githubCall(rig, 'PUT', `/repos/${REPO}/pulls/1/merge`, {});
    await rig.gitops.followPull('web', binding('pull-request'), 1);
    expect(deployed(rig)).toBe(`reg.example.io/web@${v9.digest}`);
    const [merge] = branchLog(rig.world, REPO);
    const reverted = await rig.gitops.deployImage('web', binding('pull-request'), v1, {
      deploymentId: 'web-0009',
      rollback: true,
    });
    const [head] = branchLog(rig.world, REPO);
    expect(reverted).toEqual({ repository: REPO, branch: 'main', commit: head!.sha, reverts: merge!.sha });
    expect(head!.parents).toEqual([merge!.sha]);
    expect(head!.message).toContain(`This reverts commit ${merge!.sha}.`);
    const open = await githubCall(rig, 'GET', `/repos/${REPO}/pulls?state=open`);
    expect((open.body as unknown as unknown[]).length).toBe(0);
    expect(deployed(rig)).toBe(`reg.example.io/web@${v1.digest}`);
    expect((await rig.gitops.status('web')).revision).toBe(head!.sha);
  });
});

describe('names reaching GitHub URLs', () => {
  it.each([
    [
      'repository',
      () =>
        new GitHubGitRepo(
          { apiUrl: 'http://x', userAgent: 'u', timeoutMs: 1, attempts: 1, now: Date.now },
          () => 't',
          'a/../b',
        ),
    ],
  ])('refuses a bad %s before any request', (_, make) => {
    expect(make).toThrow(/invalid repository/);
  });

  it('refuses bad branches and paths before any request', async () => {
    rig = await startGitRig();
    await expect(rig.repo.branchHead('main/../x')).rejects.toMatchObject({ code: 'github-invalid-input' });
    await expect(rig.repo.branchHead('a?b')).rejects.toMatchObject({ code: 'github-invalid-input' });
    await expect(rig.repo.fileAt('../etc/passwd', 'a'.repeat(40))).rejects.toMatchObject({
      code: 'github-invalid-input',
    });
    const bad = { ...binding(), git: { ...binding().git!, path: 'apps/%2e%2e/x.yaml' } };
    await expect(rig.gitops.deployImage('web', bad, image('9'))).rejects.toMatchObject({
      code: 'github-invalid-input',
    });
    expect(branchLog(rig.world, REPO)).toHaveLength(1);
  });

  it('a parameter-mode binding still goes to Argo CD and writes nothing to Git', async () => {
    rig = await startGitRig();
    const { git: _git, ...plain } = binding();
    await expect(rig.gitops.deployImage('web', plain, image('a'))).resolves.toBeUndefined();
    expect(branchLog(rig.world, REPO)).toHaveLength(1);
    expect(deployed(rig)).toBe(`reg.example.io/web@${image('a').digest}`);
  });
});
