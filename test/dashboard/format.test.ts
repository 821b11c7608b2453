import { describe, expect, it } from 'vitest';
import {
  boundsLabel,
  commitLabel,
  formatAge,
  formatClock,
  formatDateTime,
  formatDuration,
  formatRate,
  formatValue,
  shortDigest,
  stateLabel,
} from '../../dashboard/format.js';

describe('dashboard text', () => {
  it.each([
    [-5_000, 'just now'],
    [999, 'just now'],
    [Number.NaN, 'just now'],
    [42_000, '42 s ago'],
    [59_999, '59 s ago'],
    [60_000, '1 min ago'],
    [5 * 60_000 + 59_000, '5 min ago'],
    [3 * 3_600_000, '3 h ago'],
    [2 * 86_400_000 + 5, '2 d ago'],
  ])('formatAge(%s) is %s', (ms, text) => expect(formatAge(ms)).toBe(text));

  it.each([
    [null, 'no data'],
    [undefined, 'no data'],
    [Number.POSITIVE_INFINITY, 'no data'],
    [12.4, '12 s'],
    [90, '2 min'],
    [5400, '1.5 h'],
    [7200, '2 h'],
    [3 * 86_400 + 43_200, '3.5 d'],
  ])('formatDuration(%s) is %s', (seconds, text) => expect(formatDuration(seconds)).toBe(text));

  it.each([
    [null, 'no data'],
    [Number.NaN, 'no data'],
    [0, '0'],
    [99.87654, '99.88'],
    [0.000123456, '0.0001'],
    [-3.5, '-3.5'],
    [512.25, '512.3'],
    [1234.56, '1235'],
    [Number.POSITIVE_INFINITY, '∞'],
  ])('formatValue(%s) is %s', (value, text) => expect(formatValue(value)).toBe(text));

  it.each([
    [null, 'no data'],
    [0, '0%'],
    [0.125, '12.5%'],
    [1, '100%'],
    [0.3333, '33.3%'],
  ])('formatRate(%s) is %s', (rate, text) => expect(formatRate(rate)).toBe(text));

  it('prints times in UTC and survives garbage', () => {
    expect(formatClock('2026-01-05T10:42:07.123Z')).toBe('10:42:07');
    expect(formatClock(Date.UTC(2026, 0, 5, 23, 59, 59))).toBe('23:59:59');
    expect(formatClock('not a time')).toBe('—');
    expect(formatDateTime('2026-01-05T10:42:07+02:00')).toBe('2026-01-05 08:42 UTC');
    expect(formatDateTime('')).toBe('—');
  });

  it.each([
    ['sha256:1a2b3c4d5e6f7a8b9c0d', '1a2b3c4d5e6f'],
    ['1a2b3c4d5e6f7a8b9c0d', '1a2b3c4d5e6f'],
    ['sha512:abc', 'abc'],
  ])('shortDigest(%s) is %s', (digest, text) => expect(shortDigest(digest)).toBe(text));

  it.each([
    ['AwaitingApproval', 'Awaiting approval'],
    ['RolledBack', 'Rolled back'],
    ['Canary', 'Canary'],
  ])('stateLabel(%s) is %s', (state, text) => expect(stateLabel(state)).toBe(text));

  it.each([
    [99, undefined, '≥ 99'],
    [undefined, 500, '≤ 500'],
    [1, 5.5, 'between 1 and 5.5'],
    [undefined, undefined, 'no bounds'],
  ])('boundsLabel(%s, %s) is %s', (min, max, text) => expect(boundsLabel(min, max)).toBe(text));
});

describe('commitLabel', () => {
  it.each([
    [{}, undefined],
    [{ commitSha: 'acb5820ced9479c074f688cc328bf03f341a511d' }, 'acb5820ced94'],
    [
      {
        commitSha: 'acb5820ced9479c074f688cc328bf03f341a511d',
        provenance: { commitFrom: 'image', detail: 'x' },
      },
      'acb5820ced94 (from the image label)',
    ],
    [{ commitSha: 'acb5820', provenance: { commitFrom: 'tag', detail: 'x' } }, 'acb5820 (from the tag)'],
    [
      { provenance: { detail: 'no commit known: the image has no label' } },
      'no commit known: the image has no label',
    ],
  ])('%j: %s', (deployment, expected) => {
    expect(commitLabel(deployment)).toBe(expected);
  });
});
