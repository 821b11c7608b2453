import { describe, expect, it } from 'vitest';
import { plural } from '../../dashboard/format.js';

describe('plural', () => {
  it.each<[number, string]>([
    [0, '0 incidents'],
    [1, '1 incident'],
    [2, '2 incidents'],
  ])('%i reads "%s"', (n, text) => {
    expect(plural(n, 'incident')).toBe(text);
  });
});
