import type * as Yaml from 'yaml';
import type { ImageBinding, ImageRef } from '../contracts/plan.js';
import { helmValue } from './argocd-model.js';

/**
 * Pure edits of the file a Git-mode target keeps its image in, through the `yaml` document model so
 * comments and the file's layout survive: a kustomization.yaml `images:` entry (`newName` + `digest`,
 * as `kustomize edit set image name=repo@digest` writes it) or a Helm values path (the value the Argo
 * CD parameter would have had).
 */

/**
 * `yaml` takes 130-200 ms to load and only a Git write-back needs it, while this module is reached from
 * the composition root at start-up: required on first use so a cold worker does not pay for it.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = (): typeof Yaml => require('yaml') as typeof Yaml;

export class GitFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitFileError';
  }
}

function parse(text: string, path: string) {
  const doc = yaml().parseDocument(text);
  if (doc.errors.length > 0)
    throw new GitFileError(`${path} is not valid YAML: ${doc.errors[0]?.message.split('\n')[0] ?? ''}`);
  if (doc.contents !== null && !yaml().isMap(doc.contents))
    throw new GitFileError(`${path} is not a YAML mapping`);
  return doc;
}

/** The file with the binding's image set to `image`; the same text when it already is. */
export function setImageInFile(text: string, path: string, binding: ImageBinding, image: ImageRef): string {
  const doc = parse(text, path);
  if (binding.kind === 'helm-parameter') {
    const value = helmValue(binding.parameter, image);
    const keys = binding.parameter.split('.');
    if (doc.getIn(keys) === value) return text;
    doc.setIn(keys, value);
    return doc.toString();
  }
  const images = doc.get('images', true);
  if (images !== undefined && !yaml().isSeq(images))
    throw new GitFileError(`${path}: "images" is not a list`);
  const entry = (images?.items ?? []).find((i) => yaml().isMap(i) && i.get('name') === binding.name);
  const newName = `${image.registry}/${image.repository}`;
  if (yaml().isMap(entry)) {
    if (entry.get('newName') === newName && entry.get('digest') === image.digest && !entry.has('newTag'))
      return text;
    entry.set('newName', newName);
    entry.delete('newTag'); // kustomize renders `name:tag@digest` otherwise; the digest is the release
    entry.set('digest', image.digest);
  } else {
    const item = doc.createNode({ name: binding.name, newName, digest: image.digest });
    if (images) images.items.push(item);
    else doc.set('images', doc.createNode([{ name: binding.name, newName, digest: image.digest }]));
  }
  return doc.toString();
}

/** The image reference the file renders for the binding (for the sandbox Argo CD and for checks). */
export function imageInFile(text: string, binding: ImageBinding): string | undefined {
  const doc = yaml().parseDocument(text);
  if (binding.kind === 'helm-parameter') {
    const v = doc.getIn(binding.parameter.split('.'));
    return typeof v === 'string' ? v : undefined;
  }
  const images = doc.get('images', true);
  if (!yaml().isSeq(images)) return undefined;
  const entry = images.items.find((i) => yaml().isMap(i) && i.get('name') === binding.name);
  if (!yaml().isMap(entry)) return undefined;
  const name = String(entry.get('newName') ?? binding.name);
  const digest = entry.get('digest');
  const tag = entry.get('newTag');
  if (typeof digest === 'string') return `${name}@${digest}`;
  return typeof tag === 'string' || typeof tag === 'number' ? `${name}:${String(tag)}` : name;
}
