import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../shared/config/load.js';
import { planFor } from '../../../shared/config/plan.js';
import { BASE } from './fixtures.js';

/** BASE with production's image binding given `gitops: <value>`. */
const withGitops = (value: string) =>
  BASE.replace(
    '      image: { kustomizeImage: api }',
    `      image: { kustomizeImage: api, gitops: ${value} }`,
  );

const production = (value: string) =>
  planFor(loadConfig(withGitops(value), 'g.yaml'), 'Api').production.image;

const refusal = (value: string): string => {
  try {
    loadConfig(withGitops(value), 'g.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('accepted');
};

describe('image.gitops (deploy mode)', () => {
  it('defaults to the Argo CD parameter: no git in the binding', () => {
    expect(planFor(loadConfig(BASE, 'g.yaml'), 'Api').production.image).toEqual({
      kind: 'kustomize-image',
      name: 'api',
    });
    expect(production('{ mode: argocd-parameter }')).toEqual({ kind: 'kustomize-image', name: 'api' });
  });

  it.each<[string, string, object]>([
    [
      'commit, branch defaulted',
      '{ mode: commit, repository: hearloveen/env, path: apps/api/kustomization.yaml }',
      { mode: 'commit', repository: 'hearloveen/env', branch: 'main', path: 'apps/api/kustomization.yaml' },
    ],
    [
      'pull request on another branch',
      '{ mode: pull-request, repository: o/r, branch: env/prod, path: k.yaml }',
      { mode: 'pull-request', repository: 'o/r', branch: 'env/prod', path: 'k.yaml' },
    ],
  ])('%s', (_, value, git) => {
    expect(production(value)).toEqual({ kind: 'kustomize-image', name: 'api', git });
  });

  it.each<[string, string, RegExp]>([
    ['no repository', '{ mode: commit, path: k.yaml }', /repository.*required with mode commit/s],
    ['no path', '{ mode: pull-request, repository: o/r }', /path.*required with mode pull-request/s],
    ['unknown mode', '{ mode: push, repository: o/r, path: k.yaml }', /mode/],
    [
      'a branch with ..',
      '{ mode: commit, repository: o/r, branch: "a..b", path: k.yaml }',
      /Git branch name/,
    ],
    ['a path escaping the repository', '{ mode: commit, repository: o/r, path: ../k.yaml }', /file path/],
    ['a path with a query', '{ mode: commit, repository: o/r, path: "k.yaml?ref=x" }', /file path/],
    [
      'a repository that is a URL',
      '{ mode: commit, repository: "https://x/o/r", path: k.yaml }',
      /repository/,
    ],
    ['an unknown key', '{ mode: commit, repository: o/r, path: k.yaml, force: true }', /force/],
  ])('refuses %s', (_, value, message) => {
    expect(refusal(value)).toMatch(message);
  });
});
