import { describe, expect, it } from 'vitest';
import { azureMonitorProblems } from '../../../shared/analysis/azure-monitor-limits.js';
import { planTemplate, PromqlError } from '../../../shared/analysis/promql.js';
import { checkMetricTemplate } from '../../../shared/analysis/template-check.js';

const MIN = 60_000;
const query = (text: string, templateVariables?: Record<string, string>) =>
  checkMetricTemplate({ query: text, interval: MIN, ...(templateVariables && { templateVariables }) });

describe('templates checked at load', () => {
  it.each([
    ['a built-in style ratio', 'sum(rate(m{ns="{{ namespace }}",pod=~"{{ canary }}-.*"}[{{ interval }}]))'],
    ['a default quantile', 'histogram_quantile({{ variables.quantile | 0.99 }}, sum by (le) (rate(b[5m])))'],
    ['a threshold variable', 'rate(m{a="{{ target }}"}[1m]) > {{ variables.limit | 10 }}'],
    ['single quotes and backticks', "m{a='{{ service }}', b=~`{{ route }}`}"],
    ['a comment without placeholders', 'm{a="{{ target }}"} # the target "side"'],
    [
      'a multi-line template with the regex operator far from its value',
      `sum(
  rate(
    istio_requests_total{
      destination_workload=~   # the canary's pods
        "{{ canary }}",
      response_code!~"5.."
    }[{{ interval }}]
  )
)`,
    ],
    ['a subquery and offset', 'max_over_time(rate(m{a="{{ target }}"}[1m])[{{ interval }}:15s] offset 1m)'],
  ])('accepts %s', (_label, text) => {
    expect(query(text)).toEqual([]);
  });

  it.each<[string, string, RegExp, Record<string, string>?]>([
    [
      'a syntax error, with its line and column',
      'sum(rate(m{a="{{ target }}"[1m]))',
      /line 1, column 28: PromQL syntax error near "\[1m\]\)\)"/,
    ],
    [
      'a syntax error on the third line of a multi-line template',
      'sum(\n  rate(m{a="{{ target }}"}[1m])\n  by (le)\n',
      /line 3, column \d+: PromQL syntax error/,
    ],
    [
      'an unknown placeholder',
      'm{a="{{ namespce }}"}',
      /line 1, column 6: unknown placeholder \{\{ namespce \}\}/,
    ],
    [
      'an unknown placeholder on line 2',
      'sum(\n  m{a="{{ deployment }}"})',
      /line 2, column 8: unknown placeholder \{\{ deployment \}\}/,
    ],
    ['a malformed placeholder', 'm{a="{{ target"}', /malformed placeholder/],
    ['a name outside quotes', 'sum(rate({{ target }}_requests[1m]))', /\{\{ target \}\} is outside quotes/],
    ['a name as a bare label value', 'm{a={{ target }}}', /outside quotes|syntax error/],
    ['a variable glued to a name', 'm > {{ variables.x | 1 }}e', /outside a string literal|syntax error/],
    ['a placeholder in a comment', 'm # {{ target }}', /not allowed in comments/],
    ['an unterminated string', 'm{a="{{ target }}}', /syntax error/],
    [
      "a non-numeric quantile ('95')",
      'histogram_quantile({{ variables.quantile }}, b)',
      /between 0 and 1, got "95"/,
      { quantile: '95' },
    ],
    [
      'a quantile of 95 in another variable',
      'histogram_quantile({{ variables.q }}, b)',
      /quantile must be between 0 and 1, got 95/,
      { q: '95' },
    ],
    [
      'a literal quantile of 95',
      'quantile(95, m{a="{{ target }}"})',
      /quantile must be between 0 and 1, got 95/,
    ],
    ['a variable with no value', 'm > {{ variables.limit }}', /no value for \{\{ variables.limit \}\}/],
  ])('refuses %s', (_label, text, message, variables) => {
    const issues = query(text, variables);
    expect(issues).toContainEqual({ path: expect.any(Array), message: expect.stringMatching(message) });
  });

  it('points a bad variable at templateVariables, a bad template at query', () => {
    expect(query('histogram_quantile({{ variables.quantile }}, b)', { quantile: '95' })).toEqual([
      { path: ['templateVariables', 'quantile'], message: expect.stringMatching(/between 0 and 1/) },
    ]);
    expect(query('m{a="{{ nope }}"}')[0]?.path).toEqual(['query']);
  });

  it('renders the built-ins with the metric’s own variables: request-duration with quantile 95 is refused', () => {
    const bad = { templateRef: 'request-duration', interval: MIN, templateVariables: { quantile: '95' } };
    expect(checkMetricTemplate(bad)).toEqual([
      {
        path: ['templateVariables', 'quantile'],
        message: expect.stringMatching(/between 0 and 1, got "95"/),
      },
    ]);
    for (const ref of ['request-success-rate', 'request-duration', 'request-rate'])
      expect(checkMetricTemplate({ templateRef: ref, interval: MIN }, 'azure-monitor')).toEqual([]);
  });

  it('caches a bad template’s error and still throws a fresh PromqlError each time', () => {
    const bad = 'm{a="{{ nope }}"}';
    const first = (() => {
      try {
        planTemplate(bad);
      } catch (e) {
        return e;
      }
    })();
    const second = (() => {
      try {
        planTemplate(bad);
      } catch (e) {
        return e;
      }
    })();
    expect(first).toBeInstanceOf(PromqlError);
    expect(second).not.toBe(first);
    expect((second as PromqlError).message).toBe((first as PromqlError).message);
  });
});

describe('Azure Monitor managed Prometheus limits', () => {
  it.each([
    ['one metric per selector', 'sum(rate(a{x="1"}[5m])) / sum(rate({__name__="b",x="1"}[5m]))'],
    ['a 32-day range selector', 'rate(a[32d])'],
    ['values differing in more than case', 'a{env="prod"} / a{env="test"}'],
  ])('accepts %s', (_label, text) => {
    expect(azureMonitorProblems(text)).toEqual([]);
  });

  it.each([
    ['a selector without a metric name', '{namespace="x"}', /names no metric/],
    ['two metric names', 'a{__name__="b"}', /exactly one metric/],
    ['a regex metric name', '{__name__=~"a|b"}', /exactly one metric/],
    ['a range selector over 32 days', 'rate(a[33d])', /33 days.*at most 32 days/],
    ['values differing only by case', 'a{env="Prod"} / a{env="prod"}', /differ only by case/],
    ['label names differing only by case', 'a{Env="x", env="y"}', /Env and env differ only by case/],
  ])('refuses %s', (_label, text, message) => {
    expect(azureMonitorProblems(text)).toContainEqual(expect.stringMatching(message));
  });

  it('counts the query_range span with the range selectors', () => {
    const day = 86_400_000;
    expect(azureMonitorProblems('rate(a[1d])', 31 * day)).toEqual([]);
    expect(azureMonitorProblems('rate(a[1d])', 31 * day + 1)).toEqual([expect.stringMatching(/32 days/)]);
  });

  it('refuses in azure-monitor mode only', () => {
    const m = { query: 'sum(rate({namespace="{{ namespace }}"}[1m]))', interval: MIN };
    expect(checkMetricTemplate(m)).toEqual([]);
    expect(checkMetricTemplate(m, 'azure-monitor')).toEqual([
      { path: ['query'], message: expect.stringMatching(/names no metric/) },
    ]);
  });
});
