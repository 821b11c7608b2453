import { describe, expect, it } from 'vitest';
import { parseInstant } from '../../../shared/domain/instant.js';

describe('parseInstant', () => {
  it.each<[string, string | undefined]>([
    ['2026-01-05T10:00:00Z', '2026-01-05T10:00:00.000Z'],
    ['2026-01-05T10:00Z', '2026-01-05T10:00:00.000Z'],
    ['2026-01-05T10:00:00.5Z', '2026-01-05T10:00:00.500Z'],
    ['2026-01-05T10:00:00.123456789Z', '2026-01-05T10:00:00.123Z'],
    ['2026-01-05T10:00:00+01:00', '2026-01-05T09:00:00.000Z'],
    ['2026-01-05T00:30:00-05:30', '2026-01-05T06:00:00.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    // Rolled over by Date.parse, refused here.
    ['2026-02-29T00:00:00Z', undefined],
    ['2026-02-30T00:00:00Z', undefined],
    ['2026-13-01T00:00:00Z', undefined],
    ['2026-01-05T24:00:00Z', undefined],
    ['2026-01-05T10:60:00Z', undefined],
    ['2026-01-05T10:00:00+24:00', undefined],
    // A zone is required: a local time would depend on the server.
    ['2026-01-05T10:00:00', undefined],
    ['2026-01-05', undefined],
    ['yesterday', undefined],
    ['', undefined],
    ["2026-01-05T10:00:00Z' or 1 eq 1", undefined],
    [' 2026-01-05T10:00:00Z', undefined],
  ])('%j → %s', (text, expected) => {
    const ms = parseInstant(text);
    expect(ms === undefined ? undefined : new Date(ms).toISOString()).toBe(expected);
  });
});
