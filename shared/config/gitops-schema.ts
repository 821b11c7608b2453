import { z } from 'zod';
import type { GitWriteBack } from '../contracts/plan.js';
import { isBranchName, isRepoPath } from '../domain/git-names.js';
import { githubRepository, grammar } from './fields.js';

/**
 * `image.gitops` of a target: how its image is deployed. `argocd-parameter` (the default) sets it on the
 * Argo CD Application; `commit` and `pull-request` write it into the environment repository (the file
 * of `path`: a kustomization.yaml for a `kustomizeImage` binding, a values file for `helmParameter`).
 */
export const gitopsMode = z
  .strictObject({
    mode: z.enum(['argocd-parameter', 'commit', 'pull-request']).default('argocd-parameter'),
    repository: githubRepository.optional(),
    branch: grammar(isBranchName, 'a Git branch name such as main or env/prod').default('main'),
    path: grammar(isRepoPath, 'a file path in the repository such as apps/api/kustomization.yaml').optional(),
  })
  .superRefine((v, ctx) => {
    if (v.mode === 'argocd-parameter') return;
    for (const key of ['repository', 'path'] as const)
      if (v[key] === undefined)
        ctx.addIssue({ code: 'custom', path: [key], message: `required with mode ${v.mode}` });
  })
  .transform((v): GitWriteBack | undefined =>
    v.mode === 'argocd-parameter'
      ? undefined
      : { mode: v.mode, repository: v.repository as string, branch: v.branch, path: v.path as string },
  );
