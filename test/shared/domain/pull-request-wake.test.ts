import { describe, expect, it } from 'vitest';
import type { ImageBinding, PipelinePlan } from '../../../shared/contracts/plan.js';
import { pullRequestWake, type ClosedPull } from '../../../shared/domain/pull-request-wake.js';

const git = (mode: 'commit' | 'pull-request', repository = 'hearloveen/environments'): ImageBinding => ({
  kind: 'kustomize-image',
  name: 'api-gateway',
  git: { mode, repository, branch: 'main', path: 'apps/api-gateway/prod/kustomization.yaml' },
});
const plain: ImageBinding = { kind: 'helm-parameter', parameter: 'image.tag' };

// Only the fields the decision reads: the two targets' image bindings.
const plan = (staging: ImageBinding, production: ImageBinding): PipelinePlan =>
  ({
    service: 'ApiGateway',
    staging: { image: staging },
    production: { image: production },
  }) as unknown as PipelinePlan;

const pull = (over: Partial<ClosedPull> = {}): ClosedPull => ({
  repository: 'hearloveen/environments',
  number: 7,
  merged: true,
  headRef: 'gantry/api-gateway-prod-0123456789ab',
  baseRef: 'main',
  ...over,
});

describe('pullRequestWake', () => {
  const cases: Array<
    [string, PipelinePlan, ClosedPull, ReturnType<typeof pullRequestWake>['kind'], string[]?]
  > = [
    ['production in pull-request mode', plan(plain, git('pull-request')), pull(), 'wake', ['promotion']],
    [
      'closed unmerged wakes too (the phase fails it)',
      plan(plain, git('pull-request')),
      pull({ merged: false }),
      'wake',
      ['promotion'],
    ],
    [
      'both targets',
      plan(git('pull-request'), git('pull-request')),
      pull(),
      'wake',
      ['staging', 'promotion'],
    ],
    [
      'repository name is case-insensitive',
      plan(plain, git('pull-request')),
      pull({ repository: 'HearLoveen/Environments' }),
      'wake',
      ['promotion'],
    ],
    ['another repository', plan(plain, git('pull-request')), pull({ repository: 'someone/else' }), 'ignore'],
    ['another base branch', plan(plain, git('pull-request')), pull({ baseRef: 'release' }), 'ignore'],
    ['not a Gantry head branch', plan(plain, git('pull-request')), pull({ headRef: 'feature/x' }), 'ignore'],
    [
      'a head branch with odd characters',
      plan(plain, git('pull-request')),
      pull({ headRef: 'gantry/../main' }),
      'ignore',
    ],
    ['commit mode never waits for a pull request', plan(plain, git('commit')), pull(), 'ignore'],
    ['Argo CD parameter mode', plan(plain, plain), pull(), 'ignore'],
  ];
  it.each(cases)('%s', (_name, p, pr, kind, phases) => {
    const wake = pullRequestWake(p, pr, 'd-1');
    expect(wake.kind).toBe(kind);
    if (wake.kind === 'wake') expect(wake.instances).toEqual(phases?.map((ph) => `deploy:d-1:${ph}`));
  });
});

describe('pullRequestWake in a release train', () => {
  it('wakes the promotion of the later ring target that writes through that pull request', () => {
    const train = {
      ...plan(plain, git('commit')),
      rings: [
        { name: 'eu-west', targets: [] },
        { name: 'eu-north', targets: [{ image: plain }, { image: git('pull-request') }] },
      ],
    } as unknown as PipelinePlan;
    expect(pullRequestWake(train, pull(), 'd-1')).toEqual({
      kind: 'wake',
      instances: ['deploy:d-1:promotion@eu-north.1'],
    });
  });
});
