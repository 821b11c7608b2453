import { describe, expect, it } from 'vitest';
import {
  durationMs,
  firstError,
  longestRange,
  parsePromql,
  positionOf,
  quantileArguments,
  slotOf,
  stringValue,
} from '../../../shared/analysis/promql-tree.js';

describe('reading PromQL with the official grammar', () => {
  it.each([
    ['"plain"', 'plain'],
    ["'single \\' quote'", "single ' quote"],
    ['"tab\\tnew\\nline\\\\"', 'tab\tnew\nline\\'],
    ['"\\u00e9\\x41\\101\\U0001F680"', 'éAA🚀'],
    ['`raw \\n`', 'raw \\n'],
  ])('the value of %s', (literal, value) => {
    expect(stringValue(literal)).toBe(value);
  });

  it.each([
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['1500ms', 1500],
    ['2d', 172_800_000],
    ['90', 90_000],
    ['1.5', 1500],
    ['5x', undefined],
    ['', undefined],
  ])('duration %j is %s ms', (text, ms) => {
    expect(durationMs(text)).toBe(ms);
  });

  it('finds the longest range selector or subquery', () => {
    const text = 'max_over_time(rate(a[5m])[2h:1m]) + rate(b[1h])';
    expect(longestRange(parsePromql(text), text)).toBe(7_200_000);
    expect(longestRange(parsePromql('a'), 'a')).toBe(0);
  });

  it('places spans: inside which literal, on a number, in a comment', () => {
    const text = 'm{a=~"xy", b="z"} > 5 # note';
    const tree = parsePromql(text);
    expect(firstError(tree)).toBeUndefined();
    expect(slotOf(tree, text, 6, 7)).toEqual({ kind: 'string', quote: '"', regex: true });
    expect(slotOf(tree, text, 14, 15)).toEqual({ kind: 'string', quote: '"', regex: false });
    expect(slotOf(tree, text, 20, 21)).toEqual({ kind: 'number' });
    expect(slotOf(tree, text, 24, 25)).toEqual({ kind: 'comment' });
    expect(slotOf(tree, text, 0, 1)).toEqual({ kind: 'other', node: 'Identifier' });
  });

  it('reports the first syntax error and its line and column', () => {
    const text = 'sum(\n  rate(m[5m]\n)';
    const at = firstError(parsePromql(text));
    expect(at).toBeDefined();
    expect(positionOf(text, at ?? 0).line).toBeGreaterThanOrEqual(2);
    expect(positionOf('a\nbc', 3)).toEqual({ line: 2, column: 2 });
  });

  it('finds the quantile arguments of histogram_quantile and quantile', () => {
    const text = 'histogram_quantile(0.9, b) + quantile(0.5, c) + rate(d[1m])';
    const args = quantileArguments(parsePromql(text)).map((n) => text.slice(n.from, n.to));
    expect(args.sort()).toEqual(['0.5', '0.9']);
  });
});
