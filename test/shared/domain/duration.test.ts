import { describe, expect, it } from 'vitest';
import { DurationError, formatDuration, parseDuration } from '../../../shared/domain/duration.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('parseDuration', () => {
  it.each([
    ['0s', 0],
    ['30s', 30 * S],
    ['5m', 5 * M],
    ['90m', 90 * M],
    ['1h30m', H + 30 * M],
    ['2d', 2 * D],
    ['1d12h', D + 12 * H],
    ['500ms', 500],
    ['1m30s500ms', M + 30 * S + 500],
    ['1d1h1m1s1ms', D + H + M + S + 1],
    ['007s', 7 * S],
  ])('%s → %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    ['', /invalid duration/],
    ['5', /has no unit/],
    ['5 m', /invalid duration "5 m": e.g./],
    [' 5m', /invalid duration/],
    ['5m ', /at " "/],
    ['-5m', /invalid duration/],
    ['+5m', /invalid duration/],
    ['1.5h', /invalid duration "1.5h"/],
    ['1m1h', /largest to smallest/],
    ['1h1h', /largest to smallest/],
    ['30s5m', /largest to smallest/],
    ['m5', /invalid duration/],
    ['5M', /invalid duration/],
    ['5min', /at "in"/],
    ['1y', /invalid duration/],
    ['1w', /invalid duration/],
    ['PT5M', /invalid duration/],
    ['9'.repeat(30) + 'd', /too long/],
    ['x'.repeat(100), /invalid duration/],
  ])('rejects %j', (text, message) => {
    expect(() => parseDuration(text)).toThrow(message);
  });

  it('throws a coded DurationError, also for non-strings reaching it from untyped input', () => {
    const error = (() => {
      try {
        parseDuration(30 as unknown as string);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(DurationError);
    expect(error).toMatchObject({ code: 'duration-invalid', input: 30 });
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [1, '1ms'],
    [S, '1s'],
    [1500, '1s500ms'],
    [5 * M, '5m'],
    [H + 30 * M, '1h30m'],
    [2 * D, '2d'],
    [D + H + M + S + 1, '1d1h1m1s1ms'],
  ])('%i → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([[-1], [1.5], [NaN], [Infinity]])('rejects %s', (ms) => {
    expect(() => formatDuration(ms)).toThrow(DurationError);
  });
});
