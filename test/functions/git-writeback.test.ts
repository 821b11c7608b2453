import { afterEach, describe, expect, it } from 'vitest';
import { withGitWriteBack } from '../../functions/git-writeback.js';
import { ArgoCdGitOps } from '../../shared/adapters/argocd.js';
import { SettingsSecrets } from '../../shared/adapters/key-vault.js';
import { readSettings } from '../../shared/config.js';
import type { GitOps } from '../../shared/ports/gitops.js';
import { branchLog } from '../../sandbox/git-store.js';
import { binding, image, REPO, startGitRig, TOKEN, type GitRig } from '../shared/adapters/git-sandbox.js';

/** The composition root's Git write-back: which GitHub credential it uses, and what happens without one. */

let rig: GitRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const compose = (r: GitRig, env: Record<string, string>, secrets?: SettingsSecrets): GitOps =>
  withGitWriteBack(
    new ArgoCdGitOps({ baseUrl: r.argo.url, token: () => 'argo-token', attempts: 1 }),
    readSettings({ GANTRY_STORAGE: 'c', GANTRY_GITHUB_API_URL: r.github, ...env }),
    secrets,
  );

describe('withGitWriteBack', () => {
  it('writes with GANTRY_GITHUB_TOKEN when no GitHub App is configured', async () => {
    rig = await startGitRig();
    const gitops = compose(rig, { GANTRY_GITHUB_TOKEN: TOKEN });
    const written = await gitops.deployImage('web', binding(), image('2'));
    expect(written).toMatchObject({ repository: REPO, commit: branchLog(rig.world, REPO)[0]!.sha });
  });

  it('without a GitHub credential, a Git binding fails naming the settings; parameter mode still works', async () => {
    rig = await startGitRig();
    const gitops = compose(rig, {});
    await expect(gitops.deployImage('web', binding(), image('3'))).rejects.toMatchObject({
      code: 'github-unauthorized',
      message: expect.stringContaining('GANTRY_GITHUB_APP_ID'),
    });
    const { git: _git, ...plain } = binding();
    await expect(gitops.deployImage('web', plain, image('3'))).resolves.toBeUndefined();
    expect(branchLog(rig.world, REPO)).toHaveLength(1);
  });

  it('as a GitHub App, reads the private key from the secret store (a missing key is the failure)', async () => {
    rig = await startGitRig();
    const gitops = compose(
      rig,
      { GANTRY_GITHUB_APP_ID: '12345', GANTRY_GITHUB_APP_INSTALLATION_ID: '678', GANTRY_GITHUB_TOKEN: TOKEN },
      new SettingsSecrets({}),
    );
    await expect(gitops.deployImage('web', binding(), image('4'))).rejects.toThrow(/github-app-key/);
    expect(branchLog(rig.world, REPO)).toHaveLength(1);
  });

  it('leaves an unconfigured Argo CD as it is', () => {
    const unconfigured = { deployImage: async () => {}, status: async () => ({}), rollback: async () => {} };
    expect(
      withGitWriteBack(unconfigured as unknown as GitOps, readSettings({ GANTRY_STORAGE: 'c' }), undefined),
    ).toBe(unconfigured);
  });
});
