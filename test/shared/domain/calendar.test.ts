import { describe, expect, it } from 'vitest';
import type { FreezeWindow, TimeWindow } from '../../../shared/contracts/plan.js';
import {
  activeFreeze,
  freezeLiftsAt,
  isTimeZone,
  localTime,
  parseClock,
  toInstant,
  windowContains,
  windowEnd,
} from '../../../shared/domain/calendar.js';

const win = (from: string, to: string, timeZone: string, days?: TimeWindow['days']): TimeWindow => ({
  from,
  to,
  timeZone,
  ...(days && { days }),
});

describe('parseClock and isTimeZone', () => {
  it.each([
    ['00:00', 0],
    ['02:00', 120],
    ['23:59', 1439],
    ['24:00', 1440],
  ])('%s → %i', (text, minutes) => expect(parseClock(text)).toBe(minutes));

  it.each(['24:01', '2:00', '25:00', '12:60', 'noon', ''])('refuses %j', (text) => {
    expect(() => parseClock(text)).toThrow(RangeError);
  });

  it.each([
    ['UTC', true],
    ['Europe/Amsterdam', true],
    ['America/New_York', true],
    ['Etc/GMT+5', true],
    ['Mars/Olympus', false],
    ['+01:00', false],
    ['CET ', false],
    ['', false],
  ])('isTimeZone(%j) = %s', (zone, valid) => expect(isTimeZone(zone)).toBe(valid));

  it('reads the local weekday and time', () => {
    expect(localTime(Date.parse('2026-11-27T23:30:00Z'), 'Europe/Amsterdam')).toMatchObject({
      weekday: 'sat',
      minutes: 30,
      date: Date.parse('2026-11-28T00:00:00Z'),
    });
  });

  it('rejects unparseable times', () => {
    expect(() => toInstant('yesterday')).toThrow(RangeError);
  });
});

describe('windowContains', () => {
  const offHours = win('02:00', '06:00', 'UTC');
  const amsterdam = win('02:00', '06:00', 'Europe/Amsterdam');
  const newYork = win('01:00', '03:00', 'America/New_York');
  const fridayNight = win('22:00', '02:00', 'UTC', ['fri']);
  const weekdays = win('09:00', '17:00', 'Europe/Amsterdam', ['mon', 'tue', 'wed', 'thu', 'fri']);

  it.each<[string, TimeWindow, string, boolean]>([
    ['UTC start is inclusive', offHours, '2026-11-27T02:00:00Z', true],
    ['UTC inside', offHours, '2026-11-27T05:59:59Z', true],
    ['UTC end is exclusive', offHours, '2026-11-27T06:00:00Z', false],
    ['UTC before', offHours, '2026-11-27T01:59:59Z', false],
    ['Amsterdam winter: 02:00 CET = 01:00Z', amsterdam, '2026-11-27T01:00:00Z', true],
    ['Amsterdam winter: 00:59Z = 01:59 CET', amsterdam, '2026-11-27T00:59:00Z', false],
    ['Amsterdam summer: 00:00Z = 02:00 CEST', amsterdam, '2026-07-01T00:00:00Z', true],
    ['Amsterdam summer: 04:00Z = 06:00 CEST', amsterdam, '2026-07-01T04:00:00Z', false],
    // Spring forward, 29 March 2026: 02:00 CET jumps to 03:00 CEST at 01:00Z; the window is 3 hours long.
    ['spring forward: 00:59Z = 01:59 CET', amsterdam, '2026-03-29T00:59:00Z', false],
    ['spring forward: 01:00Z = 03:00 CEST', amsterdam, '2026-03-29T01:00:00Z', true],
    ['spring forward: 03:59Z = 05:59 CEST', amsterdam, '2026-03-29T03:59:00Z', true],
    ['spring forward: 04:00Z = 06:00 CEST', amsterdam, '2026-03-29T04:00:00Z', false],
    // Fall back, 25 October 2026: 03:00 CEST returns to 02:00 CET at 01:00Z; the window is 5 hours long.
    ['fall back: 00:00Z = 02:00 CEST', amsterdam, '2026-10-25T00:00:00Z', true],
    ['fall back: 00:59Z = 02:59 CEST', amsterdam, '2026-10-25T00:59:00Z', true],
    ['fall back: 01:00Z = 02:00 CET (again)', amsterdam, '2026-10-25T01:00:00Z', true],
    ['fall back: 04:59Z = 05:59 CET', amsterdam, '2026-10-25T04:59:00Z', true],
    ['fall back: 05:00Z = 06:00 CET', amsterdam, '2026-10-25T05:00:00Z', false],
    // New York, 1 November 2026: 02:00 EDT returns to 01:00 EST at 06:00Z; 01:00-03:00 lasts 3 hours.
    ['NY fall back: 05:00Z = 01:00 EDT', newYork, '2026-11-01T05:00:00Z', true],
    ['NY fall back: 06:00Z = 01:00 EST', newYork, '2026-11-01T06:00:00Z', true],
    ['NY fall back: 07:59Z = 02:59 EST', newYork, '2026-11-01T07:59:00Z', true],
    ['NY fall back: 08:00Z = 03:00 EST', newYork, '2026-11-01T08:00:00Z', false],
    // New York, 8 March 2026: 02:00 EST jumps to 03:00 EDT at 07:00Z; 01:00-03:00 lasts 1 hour.
    ['NY spring forward: 06:00Z = 01:00 EST', newYork, '2026-03-08T06:00:00Z', true],
    ['NY spring forward: 06:59Z = 01:59 EST', newYork, '2026-03-08T06:59:00Z', true],
    ['NY spring forward: 07:00Z = 03:00 EDT', newYork, '2026-03-08T07:00:00Z', false],
    // 2026-11-27 is a Friday.
    ['midnight crossing: Friday 23:00', fridayNight, '2026-11-27T23:00:00Z', true],
    ['midnight crossing: Saturday 01:59 belongs to Friday', fridayNight, '2026-11-28T01:59:00Z', true],
    ['midnight crossing: Saturday 02:00', fridayNight, '2026-11-28T02:00:00Z', false],
    ['midnight crossing: Saturday 23:00 (not a Friday)', fridayNight, '2026-11-28T23:00:00Z', false],
    ['midnight crossing: Friday 01:00 (Thursday night)', fridayNight, '2026-11-27T01:00:00Z', false],
    ['weekday in zone: Friday 16:59 CET', weekdays, '2026-11-27T15:59:00Z', true],
    ['weekday in zone: Saturday 10:00 CET', weekdays, '2026-11-28T09:00:00Z', false],
    [
      'weekday by local date: Monday 00:30 CET is Sunday in UTC',
      win('00:00', '01:00', 'Europe/Amsterdam', ['mon']),
      '2026-11-29T23:30:00Z',
      true,
    ],
    ['24:00 end', win('22:00', '24:00', 'UTC'), '2026-11-27T23:59:00Z', true],
  ])('%s', (_label, window, at, inside) => {
    expect(windowContains(window, at)).toBe(inside);
  });
});

describe('windowEnd', () => {
  const amsterdam = win('02:00', '06:00', 'Europe/Amsterdam');
  it.each<[string, TimeWindow, string, string | undefined]>([
    ['outside', amsterdam, '2026-11-27T12:00:00Z', undefined],
    ['winter', amsterdam, '2026-11-27T02:00:00Z', '2026-11-27T05:00:00.000Z'],
    ['spring forward day', amsterdam, '2026-03-29T01:30:00Z', '2026-03-29T04:00:00.000Z'],
    ['fall back day', amsterdam, '2026-10-25T00:30:00Z', '2026-10-25T05:00:00.000Z'],
    [
      'crossing midnight, before midnight',
      win('22:00', '02:00', 'UTC'),
      '2026-11-27T23:00:00Z',
      '2026-11-28T02:00:00.000Z',
    ],
    [
      'crossing midnight, after midnight',
      win('22:00', '02:00', 'UTC'),
      '2026-11-28T01:00:00Z',
      '2026-11-28T02:00:00.000Z',
    ],
    [
      'ends at 24:00',
      win('20:00', '24:00', 'Europe/Amsterdam'),
      '2026-11-27T20:00:00Z',
      '2026-11-27T23:00:00.000Z',
    ],
    // 02:30 does not exist on 29 March in Amsterdam: the window ends when the clock jumps (01:00Z).
    [
      'end inside the spring-forward gap',
      win('00:00', '02:30', 'Europe/Amsterdam'),
      '2026-03-29T00:30:00Z',
      '2026-03-29T01:00:00.000Z',
    ],
    // 02:30 happens twice on 25 October: the first one ends the window when inside it in summer time...
    [
      'end in the repeated hour (first pass)',
      win('00:00', '02:30', 'Europe/Amsterdam'),
      '2026-10-25T00:10:00Z',
      '2026-10-25T00:30:00.000Z',
    ],
    // ...and the clock reading 02:10 again in winter time is inside again, until the second 02:30.
    [
      'end in the repeated hour (second pass)',
      win('00:00', '02:30', 'Europe/Amsterdam'),
      '2026-10-25T01:10:00Z',
      '2026-10-25T01:30:00.000Z',
    ],
    [
      'NY fall back',
      win('00:00', '03:00', 'America/New_York'),
      '2026-11-01T05:30:00Z',
      '2026-11-01T08:00:00.000Z',
    ],
  ])('%s', (_label, window, at, end) => {
    expect(windowEnd(window, at)?.toISOString()).toBe(end);
  });
});

describe('freezes', () => {
  const yearEnd: FreezeWindow = {
    kind: 'once',
    name: 'year-end',
    from: '2026-12-24T00:00:00+01:00',
    to: '2027-01-02T00:00:00+01:00',
    reason: 'holidays',
  };
  const friday: FreezeWindow = {
    kind: 'weekly',
    name: 'weekend',
    days: ['fri'],
    from: '18:00',
    to: '24:00',
    timeZone: 'Europe/Amsterdam',
    reason: 'weekend',
  };
  const weekend: FreezeWindow = {
    kind: 'weekly',
    name: 'weekend',
    days: ['sat', 'sun'],
    from: '00:00',
    to: '24:00',
    timeZone: 'Europe/Amsterdam',
    reason: 'weekend',
  };
  const nightly: FreezeWindow = {
    kind: 'weekly',
    name: 'backup',
    from: '23:00',
    to: '01:00',
    timeZone: 'America/New_York',
    reason: 'backups',
  };
  const calendar = [yearEnd, friday, weekend, nightly];

  it.each<[string, string, string | undefined, string | undefined]>([
    ['before a one-off freeze (offset respected)', '2026-12-23T22:59:59Z', undefined, undefined],
    // The year-end freeze ends on Saturday 2 January, straight into the weekend freeze: lifts on Monday.
    [
      'one-off freeze starts at its offset time',
      '2026-12-23T23:00:00Z',
      'year-end',
      '2027-01-03T23:00:00.000Z',
    ],
    [
      'a one-off freeze handing over to a weekly one',
      '2027-01-01T23:00:00Z',
      'weekend',
      '2027-01-03T23:00:00.000Z',
    ],
    ['Friday 17:59 Amsterdam', '2026-11-27T16:59:00Z', undefined, undefined],
    [
      'Friday 18:00 Amsterdam: lifts Monday 00:00 CET',
      '2026-11-27T17:00:00Z',
      'weekend',
      '2026-11-29T23:00:00.000Z',
    ],
    ['Saturday noon', '2026-11-28T11:00:00Z', 'weekend', '2026-11-29T23:00:00.000Z'],
    ['Monday 00:00 Amsterdam', '2026-11-29T23:00:00Z', undefined, undefined],
    ['nightly freeze in New York (EST)', '2026-11-25T04:30:00Z', 'backup', '2026-11-25T06:00:00.000Z'],
    ['nightly freeze in New York (EDT)', '2026-07-01T03:30:00Z', 'backup', '2026-07-01T05:00:00.000Z'],
  ])('%s', (_label, at, name, lifts) => {
    expect(activeFreeze(calendar, at)?.name).toBe(name);
    expect(freezeLiftsAt(calendar, at)?.toISOString()).toBe(lifts);
  });

  it('treats the end of a one-off freeze as exclusive', () => {
    expect(activeFreeze([yearEnd], '2027-01-01T22:59:59Z')?.name).toBe('year-end');
    expect(activeFreeze([yearEnd], '2027-01-01T23:00:00Z')).toBeUndefined();
    expect(freezeLiftsAt([yearEnd], '2027-01-01T23:00:00Z')).toBeUndefined();
    expect(freezeLiftsAt([yearEnd], new Date('2026-12-25T00:00:00Z'))?.toISOString()).toBe(
      '2027-01-01T23:00:00.000Z',
    );
  });

  it('follows back-to-back freezes only so far, returning a lower bound for a permanent freeze', () => {
    const always: FreezeWindow = {
      kind: 'weekly',
      name: 'always',
      from: '00:00',
      to: '24:00',
      timeZone: 'UTC',
      reason: 'x',
    };
    const lifts = freezeLiftsAt([always], '2026-11-27T12:00:00Z');
    expect(lifts!.getTime()).toBeGreaterThan(Date.parse('2027-01-01T00:00:00Z'));
  });
});
