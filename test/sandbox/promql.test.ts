import { describe, expect, it } from 'vitest';
import { formatValue } from '../../sandbox/prometheus.js';
import { bucketQuantile } from '../../sandbox/promql-eval.js';
import { parseDuration, parseQuery } from '../../sandbox/promql-parse.js';
import { loadOpenMetrics, SeriesStore } from '../../sandbox/series.js';

/** The sandbox Prometheus's pieces on their own: value formatting, parsing, quantiles, OpenMetrics. */

describe('sandbox Prometheus: building blocks', () => {
  it.each([
    [1e-7, '0.0000001'],
    [-2.5e-10, '-0.00000000025'],
    [1e21, '1000000000000000000000'],
    [1.5e22, '15000000000000000000000'],
    [123.456, '123.456'],
    [0.30000000000000004, '0.30000000000000004'],
    [NaN, 'NaN'],
  ])('formats %d as Go does: %s', (v, text) => {
    expect(formatValue(v)).toBe(text);
  });

  it('parses Prometheus durations and nested query shapes', () => {
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('1500ms')).toBe(1500);
    expect(parseDuration('1d')).toBe(86_400_000);
    expect(parseDuration('1.5m')).toBeUndefined();
    expect(parseQuery('sum(rate(x[5m])) by (le) # comment')).toMatchObject({ type: 'sum', by: ['le'] });
    expect(parseQuery("x{a='\\x41\\u00e9',b=`raw\\`}")).toMatchObject({
      matchers: [{}, { value: 'Aé' }, { value: 'raw\\' }],
    });
  });

  it('computes histogram quantiles like bucketQuantile', () => {
    const b = (pairs: Array<[number, number]>) => pairs.map(([le, count]) => ({ le, count }));
    expect(
      bucketQuantile(
        0.5,
        b([
          [1, 10],
          [2, 20],
          [Infinity, 20],
        ]),
      ),
    ).toBe(1);
    expect(
      bucketQuantile(
        0.75,
        b([
          [1, 10],
          [2, 20],
          [Infinity, 20],
        ]),
      ),
    ).toBe(1.5);
    expect(
      bucketQuantile(
        0.99,
        b([
          [1, 10],
          [Infinity, 20],
        ]),
      ),
    ).toBe(1);
    expect(
      bucketQuantile(
        0.5,
        b([
          [1, 10],
          [2, 20],
        ]),
      ),
    ).toBeNaN();
    expect(bucketQuantile(0.5, b([[Infinity, 20]]))).toBeNaN();
    expect(
      bucketQuantile(
        0.5,
        b([
          [1, 0],
          [Infinity, 0],
        ]),
      ),
    ).toBeNaN();
    expect(
      bucketQuantile(
        -1,
        b([
          [1, 1],
          [Infinity, 1],
        ]),
      ),
    ).toBe(-Infinity);
    expect(
      bucketQuantile(
        2,
        b([
          [1, 1],
          [Infinity, 1],
        ]),
      ),
    ).toBe(Infinity);
    expect(
      bucketQuantile(
        NaN,
        b([
          [1, 1],
          [Infinity, 1],
        ]),
      ),
    ).toBeNaN();
    expect(
      bucketQuantile(
        0.5,
        b([
          [-1, 5],
          [1, 5],
          [Infinity, 10],
        ]),
      ),
    ).toBe(-1);
    // Equal bounds are merged and a non-monotonic count is raised to the running maximum.
    expect(
      bucketQuantile(
        0.75,
        b([
          [1, 2],
          [1, 2],
          [2, 3],
          [3, 8],
          [Infinity, 8],
        ]),
      ),
    ).toBe(2.5);
  });

  it('loads OpenMetrics as promtool does and refuses what it refuses', () => {
    const store = new SeriesStore();
    expect(
      loadOpenMetrics(store, 'x{a="1"} 1 10\nx{a="1"} 3 30\nx{a="1"} 2 20\nx{a="1"} 5 20\n# EOF\n'),
    ).toBe(4);
    expect(store.select('x', () => true)[0]).toMatchObject({ t: [10_000, 20_000, 30_000], v: [1, 5, 3] });
    expect(store.size).toBe(1);
    expect(loadOpenMetrics(store, 'y{} NaN 1\ny +Inf 2\ny -Inf 3\n# EOF')).toBe(3);
    for (const [text, message] of [
      ['x 1\n# EOF', /timestamp/],
      ['x{a=1} 1 1\n# EOF', /malformed labels/],
      ['x{a="1"}b 1 1\n# EOF', /not a sample|text after labels/],
      ['x one 1\n# EOF', /bad number/],
      ['x 1 1', /must end with # EOF/],
      ['# EOF\nx 1 1', /after # EOF/],
      ['{a="1"} 1 1\n# EOF', /not a sample/],
    ] as const)
      expect(() => loadOpenMetrics(new SeriesStore(), text)).toThrow(message);
    expect(() => new SeriesStore().append({ a: '1' }, 1, 1)).toThrow(/__name__/);
  });
});
