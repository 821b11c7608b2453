import { describe, expect, it } from 'vitest';
import { at, issues, type Change } from './fixtures.js';

describe('calendar, approval and allow-list fields', () => {
  it.each<[string, Change, ReturnType<typeof at>]>([
    [
      'expiry not after the wait timer',
      (d) => Object.assign(d.approval, { waitTimer: '1h', expiry: '1h' }),
      at('defaults.approval.expiry', 'must be longer than waitTimer'),
    ],
    ['no reviewers', (d) => (d.approval.reviewers = []), at('defaults.approval.reviewers', /Too small/)],
    [
      'window from = to',
      (d) => (d.approval.autoApprove = [{ from: '02:00', to: '02:00', timeZone: 'UTC' }]),
      at('defaults.approval.autoApprove[0].to', /equal/),
    ],
    [
      'window from 24:00',
      (d) => (d.approval.autoApprove = [{ from: '24:00', to: '02:00', timeZone: 'UTC' }]),
      at('defaults.approval.autoApprove[0].from', /only valid as "to"/),
    ],
    [
      'window clock',
      (d) => (d.approval.autoApprove = [{ from: '2am', to: '06:00', timeZone: 'UTC' }]),
      at('defaults.approval.autoApprove[0].from', /HH:MM/),
    ],
    [
      'window zone',
      (d) => (d.approval.autoApprove = [{ from: '02:00', to: '06:00', timeZone: 'CEST' }]),
      at('defaults.approval.autoApprove[0].timeZone', /IANA/),
    ],
    [
      'window without zone',
      (d) => (d.approval.autoApprove = [{ from: '02:00', to: '06:00' }]),
      at('defaults.approval.autoApprove[0].timeZone', 'required'),
    ],
    [
      'window day',
      (d) => (d.approval.autoApprove = [{ days: ['monday'], from: '02:00', to: '06:00', timeZone: 'UTC' }]),
      at('defaults.approval.autoApprove[0].days[0]', /Invalid option/),
    ],
    [
      'freeze without offset',
      (_d, a) =>
        (a.freezes = [{ name: 'f', reason: 'r', from: '2026-12-24T00:00:00', to: '2026-12-25T00:00:00Z' }]),
      at('services.Api.freezes[0]', /with offsets/),
    ],
    [
      'freeze on 30 February',
      (_d, a) =>
        (a.freezes = [{ name: 'f', reason: 'r', from: '2026-02-30T00:00:00Z', to: '2026-03-02T00:00:00Z' }]),
      at('services.Api.freezes[0]', /with offsets/),
    ],
    [
      'freeze ending before it starts',
      (_d, a) =>
        (a.freezes = [{ name: 'f', reason: 'r', from: '2026-12-25T00:00:00Z', to: '2026-12-24T00:00:00Z' }]),
      at('services.Api.freezes[0].to', 'must be after from'),
    ],
    [
      'freeze without reason',
      (_d, a) => (a.freezes = [{ name: 'f', from: '00:00', to: '01:00', timeZone: 'UTC' }]),
      at('services.Api.freezes[0].reason', 'required'),
    ],
    [
      'allow-list expiry',
      (d) =>
        (d.gates = {
          vulnerability: {
            failOn: 'high',
            allow: [{ id: 'CVE-2024-1', expires: '2026-13-01', reason: 'x' }],
          },
        }),
      at('defaults.gates.vulnerability.allow[0].expires', /YYYY-MM-DD/),
    ],
  ])('%s', (_label, change, expected) => {
    expect(issues(change)).toContainEqual(expected);
  });
});
