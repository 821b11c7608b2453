import { describe, expect, it } from 'vitest';
import type { PullClosed } from '../../../shared/app/github-pull-events.js';
import { reportPullRequestClosed } from '../../../shared/app/triggers.js';
import type { ImageBinding, PipelinePlan } from '../../../shared/contracts/plan.js';
import type { Ports } from '../../../shared/ports/index.js';
import type { OrchestrationControl } from '../../../shared/ports/orchestration-control.js';

const ID = 'apigateway-0123456789ab';
const prBinding: ImageBinding = {
  kind: 'kustomize-image',
  name: 'api-gateway',
  git: { mode: 'pull-request', repository: 'hearloveen/environments', branch: 'main', path: 'k.yaml' },
};
const plan = {
  service: 'ApiGateway',
  staging: { image: { kind: 'helm-parameter', parameter: 'image.tag' } },
  production: { image: prBinding },
} as unknown as PipelinePlan;

function rig(answer: 'accepted' | 'not-found' | 'gone' = 'accepted') {
  const raised: Array<[string, string, unknown]> = [];
  const ports = {
    store: { findDeployment: async (id: string) => (id === ID ? { id, service: 'ApiGateway' } : undefined) },
    config: { plan: (s: string) => (s === 'ApiGateway' ? plan : undefined) },
  } as unknown as Ports;
  const control = {
    raise: async (instance: string, event: string, payload: unknown) => {
      raised.push([instance, event, payload]);
      return answer;
    },
  } as unknown as OrchestrationControl;
  return { ports, control, raised };
}

const pull = (over: Partial<PullClosed> = {}): PullClosed => ({
  deploymentId: ID,
  repository: 'hearloveen/environments',
  number: 7,
  merged: true,
  headRef: 'gantry/api-gateway-prod-0123456789ab',
  baseRef: 'main',
  ...over,
});

describe('reportPullRequestClosed', () => {
  it('raises pullRequestClosed to the promotion phase of the deployment', async () => {
    const { ports, control, raised } = rig();
    const out = await reportPullRequestClosed(ports, control, pull());
    expect(out).toMatchObject({ outcome: 'reported', deploymentId: ID });
    expect(raised).toEqual([
      [
        `deploy:${ID}:promotion`,
        'pullRequestClosed',
        { repository: 'hearloveen/environments', pull: 7, merged: true },
      ],
    ]);
  });

  it.each<[string, Partial<PullClosed>]>([
    ['an unknown deployment', { deploymentId: 'other-0123456789ab' }],
    ['another repository', { repository: 'someone/else' }],
    ['a branch Gantry did not open', { headRef: 'feature/x' }],
  ])('changes nothing for %s', async (_name, over) => {
    const { ports, control, raised } = rig();
    expect((await reportPullRequestClosed(ports, control, pull(over))).outcome).toBe('ignored');
    expect(raised).toEqual([]);
  });

  it('is ignored when no phase waits any more (a late or repeated delivery)', async () => {
    const { ports, control } = rig('not-found');
    expect((await reportPullRequestClosed(ports, control, pull())).outcome).toBe('ignored');
  });
});
