import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { GitFileError, imageInFile, setImageInFile } from '../../../shared/adapters/git-image-file.js';
import type { ImageBinding, ImageRef } from '../../../shared/contracts/plan.js';

const D = `sha256:${'c'.repeat(64)}`;
const IMAGE: ImageRef = { registry: 'reg.io', repository: 'team/api', tag: '2.1.0', digest: D };
const K: ImageBinding = { kind: 'kustomize-image', name: 'api' };
const helm = (parameter: string): ImageBinding => ({ kind: 'helm-parameter', parameter });

describe('setImageInFile', () => {
  it.each<[string, string, ImageBinding, unknown]>([
    [
      'replaces a newTag entry by newName + digest',
      'images:\n  - name: api\n    newTag: "1.0"\n  - name: other\n    newTag: x\n',
      K,
      {
        images: [
          { name: 'api', newName: 'reg.io/team/api', digest: D },
          { name: 'other', newTag: 'x' },
        ],
      },
    ],
    [
      'adds the entry to an images list without it',
      'resources: [a.yaml]\nimages:\n  - name: other\n    newTag: x\n',
      K,
      {
        resources: ['a.yaml'],
        images: [
          { name: 'other', newTag: 'x' },
          { name: 'api', newName: 'reg.io/team/api', digest: D },
        ],
      },
    ],
    [
      'adds an images list',
      'resources: [a.yaml]\n',
      K,
      { resources: ['a.yaml'], images: [{ name: 'api', newName: 'reg.io/team/api', digest: D }] },
    ],
    [
      'a Helm tag path: tag@digest',
      'image:\n  tag: "1.0"\nreplicas: 2\n',
      helm('image.tag'),
      { image: { tag: `2.1.0@${D}` }, replicas: 2 },
    ],
    [
      'a Helm digest path, created',
      'replicas: 2\n',
      helm('api.image.digest'),
      { replicas: 2, api: { image: { digest: D } } },
    ],
    ['a Helm full reference', 'image: old\n', helm('image'), { image: `reg.io/team/api:2.1.0@${D}` }],
  ])('%s', (_, text, binding, expected) => {
    expect(parse(setImageInFile(text, 'f.yaml', binding, IMAGE))).toEqual(expected);
  });

  it('keeps comments and returns the same text when nothing changes', () => {
    const once = setImageInFile(
      '# prod overlay\nimages:\n  - name: api # the gateway\n    newTag: "1"\n',
      'f',
      K,
      IMAGE,
    );
    expect(once).toContain('# prod overlay');
    expect(once).toContain('# the gateway');
    expect(setImageInFile(once, 'f', K, IMAGE)).toBe(once);
    const values = setImageInFile('image:\n  tag: x\n', 'v', helm('image.tag'), IMAGE);
    expect(setImageInFile(values, 'v', helm('image.tag'), IMAGE)).toBe(values);
  });

  it.each([
    ['invalid YAML', 'images: [\n', /f.yaml is not valid YAML/],
    ['not a mapping', '- a\n- b\n', /f.yaml is not a YAML mapping/],
    ['images not a list', 'images: api\n', /"images" is not a list/],
  ])('refuses %s', (_, text, message) => {
    expect(() => setImageInFile(text, 'f.yaml', K, IMAGE)).toThrow(GitFileError);
    expect(() => setImageInFile(text, 'f.yaml', K, IMAGE)).toThrow(message);
  });
});

describe('imageInFile', () => {
  it.each<[string, ImageBinding, string | undefined]>([
    [`images:\n  - name: api\n    newName: reg.io/team/api\n    digest: ${D}\n`, K, `reg.io/team/api@${D}`],
    ['images:\n  - name: api\n    newTag: 3\n', K, 'api:3'],
    ['images:\n  - name: other\n', K, undefined],
    ['resources: []\n', K, undefined],
    ['image:\n  tag: v1\n', helm('image.tag'), 'v1'],
    ['image: {}\n', helm('image.tag'), undefined],
  ])('%s', (text, binding, image) => {
    expect(imageInFile(text, binding)).toBe(image);
  });
});
