import type { ImageBinding } from '../shared/contracts/plan.js';
import { commitFiles, gitRepos, readFile, seedRepository } from './git-store.js';
import type { SandboxWorld } from './world.js';

/**
 * A Git-mode target's environment repository as a platform team would have it before Gantry's first
 * write: the target's kustomization.yaml (or values.yaml) naming the running image, on its branch.
 * Returns the Application options that make the sandbox Argo CD follow it.
 */

const split = (image: string) => {
  const [name = image, digest] = image.split('@');
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/')
    ? { repo: name.slice(0, colon), tag: name.slice(colon + 1), digest }
    : { repo: name, digest };
};

function initialFile(binding: ImageBinding, image: string): string {
  const { repo, tag, digest } = split(image);
  if (binding.kind === 'kustomize-image')
    return [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      'resources:',
      '  - ../../base',
      'images:',
      `  - name: ${binding.name}`,
      `    newName: ${repo}`,
      ...(digest ? [`    digest: ${digest}`] : tag ? [`    newTag: "${tag}"`] : []),
      '',
    ].join('\n');
  const last = binding.parameter.split('.').pop();
  const value =
    last === 'digest' ? (digest ?? '') : last === 'tag' ? `${tag ?? ''}${digest ? `@${digest}` : ''}` : image;
  const keys = binding.parameter.split('.');
  return `${keys.map((k, i) => `${'  '.repeat(i)}${k}:${i === keys.length - 1 ? ` "${value}"` : ''}`).join('\n')}\n`;
}

export function seedGitTarget(
  world: SandboxWorld,
  binding: ImageBinding,
  image: string,
): { repoURL: string; path: string } | Record<string, never> {
  const git = binding.git;
  if (!git) return {};
  const text = initialFile(binding, image);
  const existing = gitRepos(world).get(git.repository);
  if (!existing) seedRepository(world, git.repository, { [git.path]: text }, git.branch);
  else {
    const head = existing.refs.get(git.branch);
    if (head && readFile(existing, head, git.path) === undefined)
      commitFiles(
        world,
        git.repository,
        git.branch,
        { [git.path]: text },
        `Add ${git.path}`,
        'Sandbox Platform Team',
      );
  }
  const dir = git.path.includes('/') ? git.path.slice(0, git.path.lastIndexOf('/')) : '.';
  return { repoURL: `https://github.com/${git.repository}.git`, path: dir };
}
