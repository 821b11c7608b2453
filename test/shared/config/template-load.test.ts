import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type LoadOptions } from '../../../shared/config/load.js';
import { file, lineOf } from './flagger-fixtures.js';

/**
 * A bad template fails when the file loads, with the file and the line, as an unknown templateRef
 * does, instead of surfacing as provider errors that pause the canary at its first check.
 */

const canary = (metric: string) => `
analysis:
  interval: 1m
  stepWeight: 10
  metrics:
${metric}`;

function problems(text: string, options?: LoadOptions): string[] {
  try {
    loadConfig(text, 'gantry.yaml', options);
  } catch (error) {
    if (error instanceof ConfigError)
      return error.message
        .split('\n')
        .slice(1)
        .map((l) => l.trim());
    throw error;
  }
  return [];
}

describe('templates refused at load, with file and line', () => {
  it.each([
    [
      'a syntax error on line 3 of a block-scalar query',
      `  - name: errors
    thresholdRange: { max: 1 }
    query: |
      sum(
        rate(http_requests_total{namespace="{{ namespace }}"}[{{ interval }}])
      ) by (code`,
      'query: |',
      /canary\.metrics\[0\]\.query: line 3, column 11: PromQL syntax error at the end/,
    ],
    [
      'an unknown placeholder',
      `  - name: errors
    thresholdRange: { max: 1 }
    query: 'sum(rate(m{pod="{{ pod }}"}[1m]))'`,
      'query:',
      /query: line 1, column 17: unknown placeholder \{\{ pod \}\}/,
    ],
    [
      "a non-numeric quantile: quantile '95' on request-duration",
      `  - name: request-duration
    thresholdRange: { max: 500 }
    templateVariables:
      quantile: '95'`,
      "quantile: '95'",
      /canary\.metrics\[0\]\.templateVariables\.quantile: variables\.quantile must be a number between 0 and 1, got "95"/,
    ],
    [
      'a placeholder outside a string literal',
      `  - name: errors
    thresholdRange: { max: 1 }
    query: 'sum(rate({{ service }}_requests_total[1m]))'`,
      'query:',
      /line 1, column 10: \{\{ service \}\} is outside quotes/,
    ],
  ])('%s', (_label, metric, needle, message) => {
    const text = file(canary(metric));
    const found = problems(text);
    expect(found).toContainEqual(expect.stringMatching(message));
    expect(found.find((p) => message.test(p))).toMatch(new RegExp(`^gantry\\.yaml:${lineOf(text, needle)} `));
  });

  it('loads good inline templates, single- and multi-line', () => {
    const text = file(
      canary(`  - name: errors
    thresholdRange: { max: 1 }
    query: |
      100 * sum(rate(http_requests_total{namespace="{{ namespace }}",
          pod=~"{{ canary }}-.*", code=~"5.."}[{{ interval }}]))
        / sum(rate(http_requests_total{namespace="{{ namespace }}", pod=~"{{ canary }}-.*"}[{{ interval }}]))
  - name: request-duration
    thresholdRange: { max: 500 }
    templateVariables: { quantile: '0.99' }`),
    );
    expect(problems(text)).toEqual([]);
    expect(problems(text, { prometheusMode: 'azure-monitor' })).toEqual([]);
  });
});

describe('Azure Monitor managed Prometheus limits at load (prometheusMode: azure-monitor)', () => {
  const selectorWithoutMetric = file(
    canary(`  - name: errors
    thresholdRange: { max: 1 }
    query: 'sum(rate({namespace="{{ namespace }}", code=~"5.."}[1m]))'`),
  );

  it('refuses a selector without a metric name, on the line of the query, only in that mode', () => {
    expect(problems(selectorWithoutMetric)).toEqual([]);
    const found = problems(selectorWithoutMetric, { prometheusMode: 'azure-monitor' });
    expect(found).toEqual([
      expect.stringMatching(
        new RegExp(
          `^gantry\\.yaml:${lineOf(selectorWithoutMetric, 'query:')} defaults\\.canary\\.metrics\\[0\\]\\.query: selector .* names no metric`,
        ),
      ),
    ]);
  });

  it.each([
    ['a range selector over 32 days', 'sum(rate(m{a="{{ target }}"}[40d]))', /40 days .* at most 32 days/],
    ['matchers differing only by case', 'm{env="Prod"} / m{env="prod"}', /differ only by case/],
    ['a regex metric name', 'sum({__name__=~"a|b", a="{{ target }}"})', /exactly one metric/],
  ])('refuses %s', (_label, query, message) => {
    const text = file(canary(`  - name: x\n    thresholdRange: { max: 1 }\n    query: '${query}'`));
    expect(problems(text)).toEqual([]);
    expect(problems(text, { prometheusMode: 'azure-monitor' })).toContainEqual(
      expect.stringMatching(message),
    );
  });

  it('checks verification rules too', () => {
    const text = file(canary(`  - name: request-success-rate\n    thresholdRange: { min: 99 }`)).replace(
      '\nservices:',
      `\n  verification:\n    rules:\n      - name: r\n        for: 1m\n        thresholdRange: { max: 1 }\n        query: 'sum({job="x"})'\nservices:`,
    );
    expect(text).toContain('query: \'sum({job="x"})\'');
    expect(problems(text, { prometheusMode: 'azure-monitor' })).toEqual([
      expect.stringMatching(
        /defaults\.verification\.rules\[0\]\.query: selector \{job="x"\} names no metric/,
      ),
    ]);
  });
});
