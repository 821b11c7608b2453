import { describe, expect, it } from 'vitest';
import { CHAT_ACTIONS, CHAT_EVENTS, chatActionOf } from '../../../shared/domain/chat-actions.js';
import {
  chatEventKind,
  environmentOf,
  nextChatDelay,
  queuedAnnouncement,
  routeChat,
  type ChatRoute,
  type RecordedChange,
} from '../../../shared/domain/chat-routing.js';

describe('chatEventKind', () => {
  const cases: Array<[string, RecordedChange, string | undefined]> = [
    ['the run starts', { title: 'Queued->Gating', from: 'Queued', to: 'Gating' }, 'queued'],
    ['a retry starts (no from)', { title: 'Queued->Gating', to: 'Gating' }, 'queued'],
    ['staging', { title: 'Gating->Staging', from: 'Gating', to: 'Staging' }, undefined],
    ['testing', { title: 'Staging->Testing', from: 'Staging', to: 'Testing' }, undefined],
    ['approval', { title: 'Testing->AwaitingApproval', to: 'AwaitingApproval' }, 'awaiting-approval'],
    ['canary starts', { title: 'AwaitingApproval->Canary', to: 'Canary' }, 'canary-step'],
    ['promotion', { title: 'Canary->Promoting', to: 'Promoting' }, 'canary-step'],
    ['verification', { title: 'Promoting->Verifying', to: 'Verifying' }, undefined],
    ['released', { title: 'Verifying->Succeeded', to: 'Succeeded' }, 'succeeded'],
    ['rolled back', { title: 'Canary->RolledBack', to: 'RolledBack' }, 'rolled-back'],
    ['failed', { title: 'Gating->Failed', to: 'Failed' }, 'failed'],
    ['cancelled', { title: 'AwaitingApproval->Cancelled', to: 'Cancelled' }, 'failed'],
    ['a weight step', { title: 'weight:25', weight: 25 }, 'canary-step'],
    ['analysis paused (also an incident)', { title: 'analysis:paused', notify: 'incident' }, 'paused'],
    ['an incident note', { title: 'rollback:manual-needed', notify: 'incident' }, 'incident'],
    ['a plain note', { title: 'approval:auto' }, undefined],
  ];
  it.each(cases)('%s', (_name, change, expected) => {
    expect(chatEventKind(change)).toBe(expected);
  });
});

describe('environmentOf', () => {
  it.each([
    [{ from: 'Queued', to: 'Gating' }, 'staging'],
    [{ from: 'Testing', to: 'AwaitingApproval' }, 'production'],
    [{ from: 'Canary', to: 'RolledBack' }, 'production'],
    [{ from: 'Staging', to: 'Failed' }, 'staging'],
    [{ from: 'Verifying', to: 'Succeeded' }, 'production'],
    [{ from: undefined, to: undefined }, 'staging'],
  ] as const)('%o is %s', (change, expected) => {
    expect(environmentOf(change)).toBe(expected);
  });
});

describe('routeChat', () => {
  const slack = (channel: string) => ({ kind: 'slack' as const, channel });
  const all: ChatRoute = {
    to: slack('C0ALL000001'),
    events: [...CHAT_EVENTS],
    environments: ['staging', 'production'],
  };
  const prodFailures: ChatRoute = {
    to: { kind: 'teams', webhook: 'ops' },
    events: ['failed', 'rolled-back'],
    environments: ['production'],
  };
  const dup: ChatRoute = { ...all, events: ['failed'] };
  const cases: Array<[string, ChatRoute[], Parameters<typeof routeChat>[1], string[]]> = [
    ['no routes', [], { kind: 'queued', environment: 'staging' }, []],
    ['a catch-all route', [all], { kind: 'queued', environment: 'staging' }, ['slack:C0ALL000001']],
    ['event not subscribed', [prodFailures], { kind: 'succeeded', environment: 'production' }, []],
    ['environment not subscribed', [prodFailures], { kind: 'failed', environment: 'staging' }, []],
    [
      'both routes, in route order',
      [all, prodFailures],
      { kind: 'rolled-back', environment: 'production' },
      ['slack:C0ALL000001', 'teams:ops'],
    ],
    [
      'the same channel twice is one delivery',
      [all, dup],
      { kind: 'failed', environment: 'staging' },
      ['slack:C0ALL000001'],
    ],
  ];
  it.each(cases)('%s', (_name, routes, event, expected) => {
    expect(
      routeChat(routes, event).map((d) => (d.kind === 'slack' ? `slack:${d.channel}` : `teams:${d.webhook}`)),
    ).toEqual(expected);
  });
});

describe('queuedAnnouncement', () => {
  const slack = { kind: 'slack' as const, channel: 'C0Q00000001' };
  const wantsQueued: ChatRoute = { to: slack, events: ['queued'], environments: ['staging'] };
  const prodOnly: ChatRoute = { to: slack, events: ['queued'], environments: ['production'] };
  const noQueued: ChatRoute = { to: slack, events: ['failed'], environments: ['staging'] };
  const push = { created: true, behind: 'run-1', deploymentId: 'run-2' };
  const cases: Array<[string, ChatRoute[] | undefined, Partial<typeof push>, unknown]> = [
    ['announced when the lane is busy and a route wants queued', [wantsQueued], {}, [slack]],
    ['not when no route is configured', undefined, {}, undefined],
    ['not when no route wants queued', [noQueued], {}, undefined],
    ['not when queued is only routed for production', [prodOnly], {}, undefined],
    ['not when the lane was idle', [wantsQueued], { behind: undefined }, undefined],
    ['not for a redelivered push', [wantsQueued], { created: false }, undefined],
    ['not behind itself', [wantsQueued], { behind: 'run-2' }, undefined],
  ];
  it.each(cases)('%s', (_name, routes, change, expected) => {
    expect(queuedAnnouncement(routes, { ...push, ...change })).toEqual(expected);
  });
});

describe('nextChatDelay', () => {
  it.each([
    [1, undefined, 2_000],
    [2, undefined, 4_000],
    [3, undefined, undefined], // three attempts in all
    [1, 7_000, 7_000], // Retry-After as given
    [2, 0, 0],
    [1, 61_000, undefined], // longer than the deployment may wait on chat
  ])('after attempt %i with Retry-After %s: %s', (attempt, retryAfter, expected) => {
    expect(nextChatDelay(attempt, retryAfter)).toBe(expected);
  });
});

describe('the interactivity contract', () => {
  it('names the buttons the inbound handler listens for', () => {
    expect(CHAT_ACTIONS).toEqual({
      approve: 'gantry_approve',
      reject: 'gantry_reject',
      abort: 'gantry_abort',
    });
    expect(chatActionOf('gantry_reject')).toBe('reject');
    expect(chatActionOf('gantry_open')).toBeUndefined();
  });
});
