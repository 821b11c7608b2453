import { describe, expect, it } from 'vitest';
import type { ApprovalPolicy, FreezeWindow } from '../../../shared/contracts/plan.js';
import {
  decideApproval,
  validateApprover,
  type ApproverQuestion,
} from '../../../shared/domain/approval-policy.js';
import type { ApprovalRecord } from '../../../shared/domain/deployment.js';

const M = 60_000;
const H = 60 * M;

/** The seed's policy: off-hours auto-approval, otherwise devops-team or tech-lead, 30-minute wait timer. */
const policy: ApprovalPolicy = {
  autoApprove: [{ from: '02:00', to: '06:00', timeZone: 'UTC' }],
  reviewers: ['devops-team', 'tech-lead'],
  minApprovers: 1,
  forbidSelfApproval: true,
  waitTimer: 30 * M,
  expiry: 24 * H,
};

const weekend: FreezeWindow = {
  kind: 'weekly',
  name: 'weekend',
  days: ['sat', 'sun'],
  from: '00:00',
  to: '24:00',
  timeZone: 'Europe/Amsterdam',
  reason: 'no weekend changes',
};

describe('decideApproval', () => {
  it.each<[string, Parameters<typeof decideApproval>[0], Record<string, unknown>]>([
    [
      'staging is always automatic, even in a freeze',
      { environment: 'staging', at: '2026-11-28T12:00:00Z', policy, freezes: [weekend] },
      { kind: 'auto', reason: 'staging deploys automatically' },
    ],
    [
      'production inside the off-hours window (Friday 03:00 UTC)',
      { environment: 'production', at: '2026-11-27T03:00:00Z', policy, freezes: [weekend] },
      { kind: 'auto', reason: 'inside the auto-approve window 02:00-06:00 UTC' },
    ],
    [
      'production in business hours needs reviewers',
      { environment: 'production', at: new Date('2026-11-27T10:00:00Z'), policy, freezes: [] },
      {
        kind: 'required',
        reviewers: ['devops-team', 'tech-lead'],
        minApprovers: 1,
        waitTimer: 30 * M,
        waitUntil: '2026-11-27T10:30:00.000Z',
        expiresAt: '2026-11-28T10:00:00.000Z',
        forbidSelfApproval: true,
        reason: 'outside the auto-approve windows (02:00-06:00 UTC)',
      },
    ],
    [
      'a freeze blocks even inside the auto-approve window',
      { environment: 'production', at: '2026-11-28T03:00:00Z', policy, freezes: [weekend] },
      {
        kind: 'blocked',
        freeze: weekend,
        reason: 'freeze "weekend": no weekend changes',
        until: '2026-11-29T23:00:00.000Z',
      },
    ],
    [
      'no windows at all',
      {
        environment: 'production',
        at: '2026-11-27T03:00:00Z',
        policy: { ...policy, autoApprove: [] },
        freezes: [],
      },
      { kind: 'required', reason: 'production requires approval' },
    ],
    [
      'windows on days, in a zone with daylight saving (Monday 02:30 CET)',
      {
        environment: 'production',
        at: '2026-11-30T01:30:00Z',
        policy: {
          ...policy,
          autoApprove: [{ days: ['mon'], from: '02:00', to: '06:00', timeZone: 'Europe/Amsterdam' }],
        },
        freezes: [],
      },
      { kind: 'auto', reason: 'inside the auto-approve window mon 02:00-06:00 Europe/Amsterdam' },
    ],
    [
      'Amsterdam window on the spring-forward night (01:30Z = 03:30 CEST)',
      {
        environment: 'production',
        at: '2026-03-29T01:30:00Z',
        policy: { ...policy, autoApprove: [{ from: '02:00', to: '06:00', timeZone: 'Europe/Amsterdam' }] },
        freezes: [],
      },
      { kind: 'auto' },
    ],
    [
      'Amsterdam window on the fall-back night (04:30Z = 05:30 CET)',
      {
        environment: 'production',
        at: '2026-10-25T04:30:00Z',
        policy: { ...policy, autoApprove: [{ from: '02:00', to: '06:00', timeZone: 'Europe/Amsterdam' }] },
        freezes: [],
      },
      { kind: 'auto' },
    ],
  ])('%s', (_label, question, expected) => {
    expect(decideApproval(question)).toMatchObject(expected);
  });
});

describe('validateApprover', () => {
  const base: ApproverQuestion = {
    approver: 'alice@hearloveen.example',
    groups: ['devops-team'],
    deployment: { pushedBy: 'ci-bot', commitAuthor: 'bob@hearloveen.example' },
    previousApprovals: [],
    policy,
    now: '2026-11-27T10:10:00Z',
    waitingSince: '2026-11-27T10:00:00Z',
  };
  const record = (approver: string, extra: Partial<ApprovalRecord> = {}): ApprovalRecord => ({
    deploymentId: 'apigateway-abcdef012345',
    approver,
    decision: 'approve',
    at: '2026-11-27T10:05:00Z',
    accepted: true,
    groups: ['devops-team'],
    ...extra,
  });

  it.each<[string, Partial<ApproverQuestion>, Record<string, unknown>]>([
    [
      'a reviewer, before the wait timer ends',
      {},
      { accepted: true, approvals: 1, satisfied: true, proceedAt: '2026-11-27T10:30:00.000Z' },
    ],
    [
      'a reviewer, after the wait timer',
      { now: '2026-11-27T11:00:00Z' },
      { accepted: true, proceedAt: '2026-11-27T11:00:00.000Z' },
    ],
    ['group names compare case-insensitively', { groups: ['Tech-Lead'] }, { accepted: true }],
    ['not in a reviewer group', { groups: ['developers'] }, { accepted: false, code: 'not-a-reviewer' }],
    ['no groups', { groups: [] }, { accepted: false, code: 'not-a-reviewer' }],
    ['no identity', { approver: '  ' }, { accepted: false, code: 'not-a-reviewer' }],
    [
      'the pusher',
      { approver: 'CI-Bot' },
      { accepted: false, code: 'self-approval', reason: 'CI-Bot pushed this image' },
    ],
    ['the commit author', { approver: 'Bob@HearLoveen.example' }, { accepted: false, code: 'self-approval' }],
    [
      'the commit author when self-approval is allowed',
      { approver: 'bob@hearloveen.example', policy: { ...policy, forbidSelfApproval: false } },
      { accepted: true },
    ],
    [
      'the commit author rejecting their own release',
      { approver: 'bob@hearloveen.example', decision: 'reject' },
      { accepted: true, satisfied: false, approvals: 0 },
    ],
    [
      'a second decision by the same person',
      { previousApprovals: [record('Alice@hearloveen.example')] },
      { accepted: false, code: 'duplicate-approver' },
    ],
    [
      'a refused earlier attempt does not count',
      { previousApprovals: [record('alice@hearloveen.example', { accepted: false })] },
      { accepted: true, approvals: 1 },
    ],
    [
      'at the expiry',
      { now: '2026-11-28T10:00:00Z' },
      {
        accepted: false,
        code: 'approval-expired',
        reason: 'the approval request expired at 2026-11-28T10:00:00.000Z',
      },
    ],
    [
      'second of two required approvers',
      { policy: { ...policy, minApprovers: 2 }, previousApprovals: [record('carol')] },
      { accepted: true, approvals: 2, satisfied: true },
    ],
    [
      'first of two required approvers',
      { policy: { ...policy, minApprovers: 2 } },
      { accepted: true, approvals: 1, satisfied: false },
    ],
    [
      'earlier rejections are not approvals',
      {
        policy: { ...policy, minApprovers: 2 },
        previousApprovals: [record('carol', { decision: 'reject' })],
      },
      { accepted: true, approvals: 1, satisfied: false },
    ],
    ['unknown pusher and author', { deployment: {} }, { accepted: true }],
  ])('%s', (_label, change, expected) => {
    expect(validateApprover({ ...base, ...change })).toMatchObject(expected);
  });
});
