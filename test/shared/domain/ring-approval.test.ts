import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/config/load.js';
import { planFor } from '../../../shared/config/plan.js';
import { trainInstanceIds } from '../../../shared/domain/rings.js';
import { BASE } from '../config/fixtures.js';
import type { TimelineEntry } from '../../../shared/domain/deployment.js';
import type { ApprovalPolicy, PipelinePlan, RingSpec } from '../../../shared/contracts/plan.js';
import {
  approvalPolicyFor,
  decisionsOfRequest,
  pendingRingApproval,
  ringApprovalClosed,
  ringApprovalOpened,
} from '../../../shared/domain/ring-approval.js';

const entry = (title: string, seq: number): TimelineEntry => ({
  deploymentId: 'd1',
  seq,
  at: `2026-01-06T0${seq}:00:00.000Z`,
  kind: 'decision',
  title,
});
const timeline = (...titles: string[]) => titles.map((t, i) => entry(t, i));

describe('pendingRingApproval', () => {
  it.each([
    ['no train', timeline('approval:required', 'approve:accepted'), undefined, 0],
    ['ring open', timeline('approval:required', ringApprovalOpened('eu-north')), 'eu-north', 0],
    [
      'ring open, its request recorded',
      timeline('approval:required', ringApprovalOpened('eu-north'), 'approval:required'),
      'eu-north',
      1,
    ],
    [
      'ring closed',
      timeline(ringApprovalOpened('eu-north'), 'approval:required', ringApprovalClosed('eu-north')),
      undefined,
      0,
    ],
    [
      'second ring open after the first closed',
      timeline(
        ringApprovalOpened('eu-north'),
        ringApprovalClosed('eu-north'),
        ringApprovalOpened('eu-central'),
      ),
      'eu-central',
      0,
    ],
    ['a look-alike title', timeline('ring:eu-north:approval:extra'), undefined, 0],
  ])('%s', (_, events, ring, since) => {
    const pending = pendingRingApproval(events);
    expect(pending?.ring).toBe(ring);
    if (ring) expect(pending?.since).toHaveLength(since);
  });

  it('an approval:required of the same instant sorted before the ring opened (lower slot) is its request', () => {
    const [required, opened] = timeline('approval:required', ringApprovalOpened('eu-north'));
    const same = { ...(required as TimelineEntry), at: (opened as TimelineEntry).at };
    expect(pendingRingApproval([same, opened as TimelineEntry])?.since).toEqual([same]);
  });

  it("only the ring's own request is in `since` (ring 0's approval:required is before it)", () => {
    const events = timeline('approval:required', ringApprovalOpened('eu-north'), 'approval:required');
    expect(pendingRingApproval(events)?.since).toEqual([events[2]]);
  });
});

describe('decisionsOfRequest', () => {
  const a = (approver: string, at: string) => ({ approver, at });
  it.each([
    ['ring 0 decisions do not count for a later ring', [a('ada', '2026-01-06T03:00:00Z')], []],
    ['decisions on this request count', [a('bob', '2026-01-06T08:00:00Z')], ['bob']],
    ['the request time itself counts', [a('eve', '2026-01-06T07:00:00Z')], ['eve']],
  ])('%s', (_, previous, who) => {
    expect(decisionsOfRequest(previous, '2026-01-06T07:00:00Z').map((d) => d.approver)).toEqual(who);
  });
});

describe('trainInstanceIds with a per-ring approval', () => {
  const rings = (approval: string) =>
    planFor(
      loadConfig(
        `${BASE}      rings:\n        - { name: a }\n        - { name: b, ${approval}targets: [{ application: api-b }] }\n`,
        'g.yaml',
      ),
      'Api',
    );
  it.each([
    ['approval: true, ', true],
    ['', false],
  ])('%s-> the ring approval instance listens for cancel and abort: %s', (approval, listed) => {
    expect(trainInstanceIds('d1', rings(approval)).includes('deploy:d1:approval@b')).toBe(listed);
  });
});

describe("approvalPolicyFor (a ring's own reviewers, M of N, wait timer)", () => {
  const service = {
    autoApprove: [{ from: '02:00', to: '06:00', timeZone: 'UTC' }],
    reviewers: ['devops-team'],
    minApprovers: 1,
    forbidSelfApproval: true,
    waitTimer: 0,
    expiry: 86_400_000,
  };
  const ring = (name: string, approval?: object) => ({ name, approval }) as unknown as RingSpec;
  const plan = {
    approval: service,
    rings: [
      ring('eu-west'),
      ring('eu-north', { reviewers: ['eun-oncall'], minApprovers: 2 }),
      ring('eu-central', {}),
      ring('us-east', { waitTimer: 600_000 }),
      ring('asia'),
      ring('eu-south', { autoApprove: [] }),
    ],
  } as unknown as PipelinePlan;

  it.each<[string, string | undefined, Partial<ApprovalPolicy>]>([
    ['ring 0 (no ring named): the service policy', undefined, service],
    ['ring 0 by name: the service policy', 'eu-west', service],
    ['own reviewers and M of N', 'eu-north', { ...service, reviewers: ['eun-oncall'], minApprovers: 2 }],
    ['approval: true: the service policy', 'eu-central', service],
    ['own wait timer only', 'us-east', { ...service, waitTimer: 600_000 }],
    ['a ring without its own approval', 'asia', service],
    ['no auto-approve windows: a person always', 'eu-south', { ...service, autoApprove: [] }],
    ['an unknown ring', 'mars', service],
  ])('%s', (_, name, expected) => {
    expect(approvalPolicyFor(plan, name)).toEqual(expected);
  });

  it('keeps the service policy untouched, and has none for a plan without one', () => {
    approvalPolicyFor(plan, 'eu-north')?.reviewers.push('x');
    expect(service.reviewers).toEqual(['devops-team']);
    expect(approvalPolicyFor({ ...plan, approval: undefined }, 'eu-north')).toBeUndefined();
  });
});
