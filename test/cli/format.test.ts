import { describe, expect, it } from 'vitest';
import {
  bounds,
  duration,
  fullImage,
  imageLabel,
  plain,
  shortDigest,
  time,
  value,
} from '../../cli/format.js';

const DIGEST = `sha256:${'1a2b'.repeat(16)}`;

describe('format', () => {
  it.each<[number, string]>([
    [0, '0s'],
    [999, '0s'],
    [45_000, '45s'],
    [60_000, '1m00s'],
    [305_000, '5m05s'],
    [3_720_000, '1h02m'],
    [90_000_000, '1d01h'],
    [-1, ''],
    [Number.NaN, ''],
  ])('duration(%d) = %s', (ms, expected) => {
    expect(duration(ms)).toBe(expected);
  });

  it.each<[string | undefined, string]>([
    ['2026-01-05T10:41:00.000Z', '2026-01-05 10:41:00Z'],
    ['2026-01-05T12:41:00+02:00', '2026-01-05 10:41:00Z'],
    [undefined, ''],
    ['not a time', 'not a time'],
  ])('time(%j) = %s', (iso, expected) => {
    expect(time(iso)).toBe(expected);
  });

  it.each<[unknown, string]>([
    [99.9, '99.9'],
    [0.123456, '0.123'],
    [200, '200'],
    [null, 'no data'],
    [undefined, 'no data'],
    ['NaN', 'NaN'],
  ])('value(%j) = %s', (v, expected) => {
    expect(value(v)).toBe(expected);
  });

  it.each<[unknown, unknown, string]>([
    [99, undefined, 'min 99'],
    [undefined, 500, 'max 500'],
    [1, 2.5, '1..2.5'],
    [undefined, undefined, ''],
    ['99', undefined, ''],
  ])('bounds(%j, %j) = %s', (min, max, expected) => {
    expect(bounds(min, max)).toBe(expected);
  });

  it('labels images by repository, tag and the digest prefix of deployment ids', () => {
    const image = { registry: 'r.azurecr.io', repository: 'api-gateway', tag: '1.0.0', digest: DIGEST };
    expect(shortDigest(DIGEST)).toBe('1a2b1a2b1a2b');
    expect(imageLabel(image)).toBe('api-gateway:1.0.0@1a2b1a2b1a2b');
    expect(imageLabel({ ...image, tag: undefined })).toBe('api-gateway@1a2b1a2b1a2b');
    expect(imageLabel(undefined)).toBe('');
    expect(fullImage(image)).toBe(`r.azurecr.io/api-gateway:1.0.0@${DIGEST}`);
  });

  it('turns control characters into spaces', () => {
    expect(plain('a\x1b[2Jb\nc')).toBe('a [2Jb c');
    expect(plain(null)).toBe('');
    expect(plain(42)).toBe('42');
  });
});
