import { describe, expect, it } from 'vitest';
import type { ApprovalPolicy, FreezeWindow, TimeWindow } from '../../../shared/contracts/plan.js';
import { nextAutoApproval, windowOpenings } from '../../../shared/domain/approval-windows.js';

const M = 60_000;
const H = 60 * M;

const seedWindow: TimeWindow = { from: '02:00', to: '06:00', timeZone: 'UTC' };
const policy = (...autoApprove: TimeWindow[]): ApprovalPolicy => ({
  autoApprove,
  reviewers: ['devops-team'],
  minApprovers: 1,
  forbidSelfApproval: true,
  waitTimer: 30 * M,
  expiry: 24 * H,
});
const once = (from: string, to: string): FreezeWindow => ({ kind: 'once', name: 'f', from, to, reason: 'r' });
const weekend: FreezeWindow = {
  kind: 'weekly',
  name: 'weekend',
  days: ['sat', 'sun'],
  from: '00:00',
  to: '24:00',
  timeZone: 'Europe/Amsterdam',
  reason: 'no weekend changes',
};
const amsterdam: TimeWindow = { from: '02:00', to: '06:00', timeZone: 'Europe/Amsterdam' };

describe('nextAutoApproval', () => {
  it.each<[string, ApprovalPolicy, FreezeWindow[], string, string, string | undefined]>([
    [
      'the seed window opens at 02:00 UTC',
      policy(seedWindow),
      [],
      '2026-01-06T01:30:00Z',
      '2026-01-07T01:30:00Z',
      '2026-01-06T02:00:00.000Z',
    ],
    [
      'after the window: the next day',
      policy(seedWindow),
      [],
      '2026-01-06T06:30:00Z',
      '2026-01-07T06:30:00Z',
      '2026-01-07T02:00:00.000Z',
    ],
    [
      'not before the request expires',
      policy(seedWindow),
      [],
      '2026-01-06T01:30:00Z',
      '2026-01-06T01:59:00Z',
      undefined,
    ],
    [
      'an opening exactly at expiry still counts',
      policy(seedWindow),
      [],
      '2026-01-06T01:30:00Z',
      '2026-01-06T02:00:00Z',
      '2026-01-06T02:00:00.000Z',
    ],
    ['no windows: never', policy(), [], '2026-01-06T01:30:00Z', '2026-01-09T00:00:00Z', undefined],
    [
      'weekday windows skip the weekend',
      policy({ ...seedWindow, days: ['mon', 'tue', 'wed', 'thu', 'fri'] }),
      [],
      '2026-01-09T07:00:00Z',
      '2026-01-13T00:00:00Z',
      '2026-01-12T02:00:00.000Z',
    ],
    [
      'the earliest of two windows',
      policy(seedWindow, { from: '01:45', to: '01:50', timeZone: 'UTC' }),
      [],
      '2026-01-06T01:30:00Z',
      '2026-01-07T00:00:00Z',
      '2026-01-06T01:45:00.000Z',
    ],
    [
      'a freeze at the opening delays it to the lift',
      policy(seedWindow),
      [once('2026-01-06T01:50:00Z', '2026-01-06T02:30:00Z')],
      '2026-01-06T01:30:00Z',
      '2026-01-07T00:00:00Z',
      '2026-01-06T02:30:00.000Z',
    ],
    [
      'a freeze over the whole window: the next day',
      policy(seedWindow),
      [once('2026-01-06T01:50:00Z', '2026-01-06T07:00:00Z')],
      '2026-01-06T01:30:00Z',
      '2026-01-07T12:00:00Z',
      '2026-01-07T02:00:00.000Z',
    ],
    [
      'a weekend freeze (Amsterdam) moves a UTC window to Monday',
      policy(seedWindow),
      [weekend],
      '2026-01-09T12:00:00Z',
      '2026-01-13T00:00:00Z',
      '2026-01-12T02:00:00.000Z',
    ],
    [
      'Amsterdam winter: 02:00 CET is 01:00 UTC',
      policy(amsterdam),
      [],
      '2026-03-27T12:00:00Z',
      '2026-03-28T12:00:00Z',
      '2026-03-28T01:00:00.000Z',
    ],
    [
      'Amsterdam spring forward: 02:00 does not exist, opens at the jump',
      policy(amsterdam),
      [],
      '2026-03-28T12:00:00Z',
      '2026-03-29T12:00:00Z',
      '2026-03-29T01:00:00.000Z',
    ],
    [
      'Amsterdam summer: 02:00 CEST is 00:00 UTC',
      policy(amsterdam),
      [],
      '2026-03-29T12:00:00Z',
      '2026-03-30T12:00:00Z',
      '2026-03-30T00:00:00.000Z',
    ],
    [
      'Amsterdam fall back: the first 02:00',
      policy(amsterdam),
      [],
      '2026-10-24T12:00:00Z',
      '2026-10-25T12:00:00Z',
      '2026-10-25T00:00:00.000Z',
    ],
    [
      'a window across midnight (New York)',
      policy({ from: '22:00', to: '02:00', timeZone: 'America/New_York' }),
      [],
      '2026-01-06T12:00:00Z',
      '2026-01-07T12:00:00Z',
      '2026-01-07T03:00:00.000Z',
    ],
  ])('%s', (_name, p, freezes, at, until, expected) => {
    const result = nextAutoApproval({ environment: 'production', policy: p, freezes, at, until });
    expect(result?.toISOString()).toBe(expected);
  });

  it('lists openings strictly after the start', () => {
    const at = Date.parse('2026-01-06T02:00:00Z');
    expect(windowOpenings(seedWindow, at, at + 48 * H).map((t) => new Date(t).toISOString())).toEqual([
      '2026-01-07T02:00:00.000Z',
      '2026-01-08T02:00:00.000Z',
    ]);
  });
});
