import { parse } from 'yaml';
import { renderImage, revisionSha, type AppSource, type SandboxApp } from './argocd-state.js';
import { readFile, repoForUrl, resolveRef } from './git-store.js';
import type { SandboxWorld } from './world.js';

/**
 * An Application whose `source.repoURL` is a sandbox GitHub repository follows it as Argo CD does: the
 * target revision (a branch, or a commit) resolves to a commit, the image is what the source's
 * kustomization.yaml (`images:` entry) or values.yaml (the Helm parameter's path) names there, and that
 * commit is the revision the app reports. Applications with no such repository render their parameters.
 */

type Json = Record<string, unknown>;

function kustomizeImage(text: string, name: string): string | undefined {
  const doc = parse(text) as { images?: Json[] } | null;
  const entry = doc?.images?.find((i) => i.name === name);
  if (!entry) return undefined;
  const repo = typeof entry.newName === 'string' ? entry.newName : name;
  if (typeof entry.digest === 'string') return `${repo}@${entry.digest}`;
  return entry.newTag !== undefined ? `${repo}:${String(entry.newTag)}` : repo;
}

function helmImage(text: string, parameter: string, repository: string): string | undefined {
  let v: unknown = parse(text);
  for (const key of parameter.split('.'))
    v = typeof v === 'object' && v !== null ? (v as Json)[key] : undefined;
  if (typeof v !== 'string' || v === '') return undefined;
  if (/(^|\.)digest$/.test(parameter)) return `${repository}@${v}`;
  if (/(^|\.)tag$/.test(parameter)) return `${repository}:${v}`;
  return v;
}

/** The image and revision a source renders to, read from the repository when the app follows one. */
export function resolveSource(
  world: SandboxWorld,
  app: SandboxApp,
  source: AppSource,
): { image: string; revision: string } {
  const repo = repoForUrl(world, source.repoURL);
  const commit = repo ? resolveRef(repo, source.targetRevision) : undefined;
  if (!repo || !commit) return { image: renderImage(app, source), revision: revisionSha(source) };
  const r = app.rendering;
  const file = `${source.path.replace(/\/+$/, '')}/${r.kind === 'helm' ? 'values.yaml' : 'kustomization.yaml'}`;
  const text = readFile(repo, commit, file);
  let image: string | undefined;
  try {
    image =
      text === undefined
        ? undefined
        : r.kind === 'helm'
          ? helmImage(text, r.parameter, r.repository)
          : kustomizeImage(text, r.name);
  } catch {
    image = undefined; // an unparsable file renders nothing new (Argo CD would report ComparisonError)
  }
  // Application-level overrides (Helm parameters, Kustomize images) apply on top of Git, as in Argo CD.
  const override = renderImage(app, source);
  const fromSpec = override !== app.defaultImage || overrides(app, source);
  return { image: fromSpec ? override : (image ?? app.defaultImage), revision: commit };
}

function overrides(app: SandboxApp, source: AppSource): boolean {
  const r = app.rendering;
  if (r.kind === 'helm')
    return (source.helm?.parameters ?? []).some((p) => p.name === r.parameter && p.value !== '');
  return (source.kustomize?.images ?? []).some(
    (i) => i.startsWith(`${r.name}=`) || i.split(/[:@]/)[0] === r.name,
  );
}

/** Whether the app's source is a sandbox repository (its syncs pin the commit the branch resolves to). */
export function followsRepository(world: SandboxWorld, source: AppSource): boolean {
  return repoForUrl(world, source.repoURL) !== undefined;
}
