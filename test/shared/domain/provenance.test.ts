import { describe, expect, it } from 'vitest';
import {
  commitCandidate,
  commitInTag,
  DEFAULT_COMMIT_TAG,
  repositoryOfSource,
  sourceMismatch,
} from '../../../shared/domain/provenance.js';

const FULL = 'acb5820ced9479c074f688cc328bf03f341a511d';
const labelled = { value: FULL, where: 'config labels' };

describe('commitCandidate: push, then the revision label, then a sha- tag', () => {
  it.each([
    [
      'the push commit wins',
      { pushCommit: FULL.toUpperCase(), revision: { value: 'b'.repeat(40), where: 'x' } },
      { sha: FULL, from: 'push', detail: 'the push event' },
    ],
    [
      'the revision label',
      { revision: labelled, tag: 'sha-1234567' },
      { sha: FULL, from: 'image', detail: 'org.opencontainers.image.revision (config labels)' },
    ],
    [
      'a short revision label is still a candidate',
      { revision: { value: 'abcdef1', where: 'index annotations' } },
      { sha: 'abcdef1', from: 'image' },
    ],
    ['a sha- tag', { tag: 'sha-abcdef1' }, { sha: 'abcdef1', from: 'tag', detail: 'tag sha-abcdef1' }],
    [
      'a revision that is not a SHA falls through to the tag',
      { revision: { value: 'main', where: 'x' }, tag: `sha-${FULL}` },
      { sha: FULL, from: 'tag' },
    ],
  ] as const)('%s', (_name, input, expected) => {
    expect(commitCandidate({ commitTag: DEFAULT_COMMIT_TAG, ...input }).candidate).toMatchObject(expected);
  });

  it.each([
    [
      { tag: '1.4.0' },
      [
        'the image has no org.opencontainers.image.revision label',
        'tag 1.4.0 does not match ^sha-([0-9a-f]{7,40})$',
      ],
    ],
    [
      { revision: { value: 'main', where: 'x' } },
      ["the revision label 'main' is not a commit SHA", 'the push has no tag'],
    ],
    [
      { pushCommit: 'not-a-sha', tag: 'sha-12345' },
      [
        'the image has no org.opencontainers.image.revision label',
        'tag sha-12345 does not match ^sha-([0-9a-f]{7,40})$',
      ],
    ],
  ] as const)('no commit from %j says why', (input, skipped) => {
    expect(commitCandidate({ commitTag: DEFAULT_COMMIT_TAG, ...input })).toEqual({ skipped });
  });
});

describe('commitInTag', () => {
  it.each([
    ['sha-abcdef1', DEFAULT_COMMIT_TAG, 'abcdef1'],
    ['sha-ABCDEF1', DEFAULT_COMMIT_TAG, undefined],
    ['sha-abc', DEFAULT_COMMIT_TAG, undefined],
    ['1.4.0-abcdef12', '-([0-9a-f]{8})$', 'abcdef12'],
    ['abcdef1234', '^[0-9a-f]{10}$', 'abcdef1234'],
    ['build-xyz', '^build-(.*)$', undefined],
    [undefined, DEFAULT_COMMIT_TAG, undefined],
  ] as const)('%s with %s: %s', (tag, pattern, expected) => {
    expect(commitInTag(tag, pattern)).toBe(expected);
  });
});

describe('repositoryOfSource and sourceMismatch', () => {
  it.each([
    ['https://github.com/hearloveen/platform', 'hearloveen/platform'],
    ['https://github.com/HearLoveen/Platform.git', 'hearloveen/platform'],
    ['https://github.com/hearloveen/platform/', 'hearloveen/platform'],
    ['git@github.com:hearloveen/platform.git', 'hearloveen/platform'],
    ['https://ghe.example.com/team/app', 'team/app'],
    ['https://github.com/hearloveen/platform/tree/main', undefined],
    ['ftp://github.com/a/b', undefined],
    ['platform', undefined],
  ] as const)('%s names %s', (source, expected) => {
    expect(repositoryOfSource(source)).toBe(expected);
  });

  it('accepts no label and the service repository, refuses anything else with a reason', () => {
    expect(sourceMismatch(undefined, 'hearloveen/platform')).toBeUndefined();
    expect(sourceMismatch('https://github.com/hearloveen/platform', 'HearLoveen/platform')).toBeUndefined();
    expect(sourceMismatch('https://github.com/evil/platform', 'hearloveen/platform')).toBe(
      "the image's org.opencontainers.image.source is https://github.com/evil/platform, not hearloveen/platform: " +
        'an image built from another repository is not deployed as this service',
    );
  });
});
