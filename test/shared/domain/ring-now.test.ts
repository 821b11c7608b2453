import { describe, expect, it } from 'vitest';
import type { ReleaseRecord } from '../../../shared/domain/deployment.js';
import { decides, ringNow, type RunRing } from '../../../shared/domain/ring-now.js';
import type { RingState, RingView } from '../../../shared/domain/ring-view.js';

const OLD = 'sha256:old';
const release = {
  deploymentId: 'old-run',
  image: { registry: 'r', repository: 'x', digest: OLD },
} as ReleaseRecord;

/** A run (newest first in the table) and its view of the ring: `state` or `state@image`. */
const r = (id: string, view: string | undefined, active = false): RunRing => {
  const [state, image] = (view ?? '').split('@') as [RingState, string | undefined];
  return {
    run: { id, digest: `sha256:${id}`, active },
    view: view === undefined ? undefined : ({ state, image: image ?? null } as unknown as RingView),
  };
};

describe('ringNow (which version runs in a ring now)', () => {
  it.each<[string, RunRing[], ReleaseRecord | undefined, [string | null, string | null, RingState]]>([
    ['no runs, never released', [], undefined, [null, null, 'pending']],
    ['no runs since the release', [], release, [OLD, 'old-run', 'released']],
    [
      'the release run released it',
      [r('old-run', 'released')],
      release,
      ['sha256:old-run', 'old-run', 'released'],
    ],
    ['in flight, deploying', [r('new', 'deploying', true)], release, ['sha256:new', 'new', 'deploying']],
    [
      'in flight, soaking before it: the release',
      [r('new', 'soaking', true)],
      release,
      [OLD, 'old-run', 'soaking'],
    ],
    [
      'held by a failed run',
      [r('failed', 'held'), r('old-run', 'released')],
      release,
      ['sha256:failed', 'failed', 'held'],
    ],
    [
      'untouched by a failed run: the older one',
      [r('failed', 'untouched'), r('held', 'held')],
      release,
      ['sha256:held', 'held', 'held'],
    ],
    [
      'rolled back to the release overrides an older hold',
      [r('next', `rolled-back@${OLD}`), r('held', 'held')],
      release,
      [OLD, 'old-run', 'released'],
    ],
    [
      'rolled back to another digest',
      [r('next', 'rolled-back@sha256:lkg')],
      release,
      ['sha256:lkg', null, 'rolled-back'],
    ],
    [
      'rolled back, nothing recorded: the older run',
      [r('next', 'rolled-back'), r('held', 'held')],
      release,
      ['sha256:held', 'held', 'held'],
    ],
    ['a plan without this ring in a run', [r('old', undefined)], release, [OLD, 'old-run', 'released']],
    [
      'a finished run that soaked says nothing',
      [r('failed', 'soaking')],
      release,
      [OLD, 'old-run', 'released'],
    ],
  ])('%s', (_, runs, rel, [digest, deploymentId, state]) => {
    expect(ringNow(runs, rel)).toEqual({ digest, deploymentId, state });
  });

  it('a view decides when it names a version', () => {
    expect(decides(r('a', 'held').view)).toBe(true);
    expect(decides(r('a', `rolled-back@${OLD}`).view)).toBe(true);
    expect(decides(r('a', 'rolled-back').view)).toBe(false);
    expect(decides(r('a', 'untouched').view)).toBe(false);
    expect(decides(undefined)).toBe(false);
  });
});
