import { describe, expect, it } from 'vitest';
import type { ReleaseRecord } from '../../../shared/domain/deployment.js';
import { rolledBackIds } from '../../../shared/domain/release-history.js';

const release = (deploymentId: string, via?: 'rollback'): ReleaseRecord => ({
  service: 'ApiGateway',
  environment: 'production',
  deploymentId,
  image: { registry: 'r.example', repository: 'api', digest: `sha256:${'0'.repeat(64)}` },
  releasedAt: '2026-01-05T10:00:00Z',
  ...(via ? { via } : {}),
});

describe('rolledBackIds (releases newest first)', () => {
  it.each<[string, ReleaseRecord[], string[]]>([
    ['no releases', [], []],
    ['promotions only', [release('c'), release('b'), release('a')], []],
    ['c rolled back to b', [release('b', 'rollback'), release('c'), release('b'), release('a')], ['c']],
    [
      'two rollbacks: c to b, then b to a',
      [release('a', 'rollback'), release('b', 'rollback'), release('c'), release('b'), release('a')],
      ['b', 'c'],
    ],
    [
      'a rollback undone by rolling back to the release it left: that one is live again',
      [release('c', 'rollback'), release('b', 'rollback'), release('c'), release('b')],
      ['b'],
    ],
    ['a rollback to the same release changes nothing', [release('b', 'rollback'), release('b')], []],
  ])('%s', (_, releases, expected) => {
    expect([...rolledBackIds(releases)].sort()).toEqual(expected);
  });
});
