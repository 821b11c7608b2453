import { describe, expect, it } from 'vitest';
import {
  checkKqlTemplate,
  KqlError,
  kqlDatetime,
  kqlString,
  kqlTimespan,
  renderKql,
  type KqlVariables,
} from '../../../shared/analysis/kql.js';
import {
  fillText,
  KQL_BUILTIN_TEMPLATES,
  kqlBuiltinTemplate,
  renderKqlQuery,
} from '../../../shared/analysis/kql-templates.js';
import type { MetricsProviderSpec } from '../../../shared/contracts/plan.js';
import { tokenize } from '../../fakes/kql-eval.js';
import { evaluate } from '../../fakes/kql-query.js';
import { appRequests } from '../../fakes/logs-query-server.js';

const HOSTILE = [
  "orders' or 1 == 1 or AppRoleName == '",
  'orders" or true or "',
  'orders\\',
  "orders\\' | take 1000 //",
  'line\nbreak | where true',
  'tab\tand \'quotes\' and "doubles"',
  "@'verbatim'",
  '{{ canary }}',
  'ünïcødé 🚀',
];

const vars = (service: string): KqlVariables => ({
  strings: { service, namespace: 'shop', target: 'orders', canary: 'orders-canary' },
  code: {
    interval: '60s',
    intervalSeconds: '60',
    end: 'datetime(2026-12-07T04:00:00.000Z)',
    selector: 'true',
  },
  variables: { percentile: '95', label: "x' or '" },
});

describe('kqlString: a value cannot leave its string literal', () => {
  it.each(HOSTILE)('%j lexes as one literal that decodes back to itself', (value) => {
    const rendered = renderKql("AppRequests | where AppRoleName == '{{ service }}'", vars(value));
    const tokens = tokenize(rendered);
    const strings = tokens.filter((t) => t.kind === 'str');
    expect(strings).toHaveLength(1);
    expect(tokens.map((t) => t.text).slice(0, 5)).toEqual(['AppRequests', '|', 'where', 'AppRoleName', '==']);
    expect(tokens).toHaveLength(6);
    const table = appRequests(
      [value, 'orders', 'other'].map((roleName) => ({
        time: '2026-12-07T03:59:30Z',
        roleName,
        roleInstance: 'p',
        success: true,
        resultCode: '200',
        durationMs: 1,
      })),
    );
    const result = evaluate(rendered, { AppRequests: table }, 0);
    expect(result.rows.map((r) => r.AppRoleName)).toEqual([{ t: 'string', v: value }]);
  });

  it('escapes backslash, both quotes and line breaks; refuses other control characters', () => {
    expect(kqlString(`a\\b'c"d\ne\rf\tg`)).toBe(`a\\\\b\\'c\\"d\\ne\\rf\\tg`);
    expect(() => kqlString('a\u0000b')).toThrow(/control character U\+0000/);
    expect(() => kqlString('\uD800')).toThrow(/not valid Unicode/);
  });

  it('the literals Gantry builds itself: timespans and datetimes', () => {
    expect(kqlTimespan(300_000)).toBe('300s');
    expect(kqlTimespan(1500)).toBe('1500ms');
    expect(() => kqlTimespan(0)).toThrow(KqlError);
    expect(kqlDatetime('2026-12-07T04:00:00+01:00')).toBe('datetime(2026-12-07T03:00:00.000Z)');
    expect(() => kqlDatetime("2026') | take 1 //")).toThrow(/not a valid time/);
  });
});

describe('KQL templates checked before they run', () => {
  const refused: Array<[string, string, RegExp]> = [
    [
      'a string value outside a literal',
      'AppRequests | where AppRoleName == {{ service }}',
      /line 1: \{\{ service \}\} must sit inside/,
    ],
    [
      'an unknown placeholder, with its line',
      "AppRequests\n| where X == '{{ servce }}'",
      /line 2: \{\{ servce \}\} is unknown/,
    ],
    [
      'a placeholder in a verbatim string',
      "AppRequests | where X == @'{{ service }}'",
      /verbatim string or comment/,
    ],
    ['a placeholder in an obfuscated string', "AppRequests | where X == h'{{ service }}'", /verbatim/],
    ['a placeholder in a comment', 'AppRequests // {{ service }}', /verbatim string or comment/],
    ['KQL fragments inside a string', "AppRequests | where X == '{{ interval }}'", /outside string literals/],
    ['a string default outside a literal', 'AppRequests | take {{ variables.n | ten }}', /must be a number/],
    ['an unclosed literal', "AppRequests | where X == 'abc", /string literal not closed/],
    [
      'a literal broken by a line end',
      "AppRequests | where X == 'a\nb'",
      /line 1: string literal not closed/,
    ],
    ['a malformed placeholder', "AppRequests | where X == '{{ service'", /malformed placeholder/],
  ];
  it.each(refused)('refuses %s', (_, template, message) => {
    expect(() => checkKqlTemplate(template)).toThrow(message);
  });

  it('accepts verbatim and escaped literals without placeholders, and every built-in', () => {
    expect(() => checkKqlTemplate("T | where A == @'c:\\x''y' and B == 'it\\'s'")).not.toThrow();
    for (const name of KQL_BUILTIN_TEMPLATES)
      expect(() => checkKqlTemplate(kqlBuiltinTemplate(name))).not.toThrow();
  });

  it('metric variables: escaped in a string, a number outside one', () => {
    const out = renderKql(
      "T | where L == '{{ variables.label }}' | take {{ variables.percentile }}",
      vars('s'),
    );
    expect(out).toBe("T | where L == 'x\\' or \\'' | take 95");
    expect(() => renderKql('T | take {{ variables.label }}', vars('s'))).toThrow(/must be a number/);
    expect(() => renderKql('T | take {{ variables.missing }}', vars('s'))).toThrow(/no value/);
    expect(renderKql('T | take {{ variables.missing | 5 }}', vars('s'))).toBe('T | take 5');
  });
});

describe('renderKqlQuery: built-ins for a side', () => {
  const provider: MetricsProviderSpec = {
    kind: 'app-insights',
    roleName: '{{ service }}-api',
    side: { by: 'pod' },
  };
  const base = {
    template: 'request-duration',
    variables: { service: 'orders', target: 'orders', canary: 'orders-canary', namespace: 'shop' },
    window: 90_000,
  };

  it('renders the window, the role and the side, and maps a quantile to a percentile', () => {
    const text = renderKqlQuery(
      { ...base, metricVariables: { quantile: '0.99' } },
      provider,
      '2026-12-07T04:00:00Z',
    );
    expect(text).toBe(
      [
        'AppRequests',
        '| where TimeGenerated > datetime(2026-12-07T04:00:00.000Z) - 90s and TimeGenerated <= datetime(2026-12-07T04:00:00.000Z)',
        "| where AppRoleName == 'orders-api' and AppRoleInstance startswith 'orders-canary-'",
        '| summarize value = percentilew(DurationMs, ItemCount, 99)',
      ].join('\n'),
    );
  });

  it('refuses a bad quantile or side, an unknown built-in and a missing name', () => {
    expect(() =>
      renderKqlQuery({ ...base, metricVariables: { quantile: '95' } }, provider, '2026-12-07T04:00:00Z'),
    ).toThrow(/between 0 and 1/);
    expect(() =>
      renderKqlQuery({ ...base, metricVariables: { side: 'both' } }, provider, '2026-12-07T04:00:00Z'),
    ).toThrow(/canary or primary/);
    expect(() =>
      renderKqlQuery({ ...base, template: 'request-sucess-rate' }, provider, '2026-12-07T04:00:00Z'),
    ).toThrow(/unknown built-in/);
    expect(() =>
      renderKqlQuery({ ...base, variables: { service: 'orders' } }, provider, '2026-12-07T04:00:00Z'),
    ).toThrow(/no value|no Deployment/);
  });

  it('provider values fill their placeholders raw (escaped once, as a whole, later)', () => {
    expect(fillText('{{ service }}-{{ namespace }}', { service: "o'x", namespace: 'n' })).toBe("o'x-n");
    expect(() => fillText('{{ version }}', {})).toThrow(/no value for \{\{ version \}\}/);
    expect(() => fillText('{{ service', { service: 's' })).toThrow(/malformed/);
  });
});

describe('the stand-in evaluator computes its subset as Kusto does', () => {
  const NOW = Date.parse('2026-12-07T04:00:00Z');
  const rows = [10, 20, 30, 40].map((d, i) => ({
    time: new Date(NOW - (i + 1) * 60_000).toISOString(),
    roleName: i % 2 ? 'b' : 'a',
    roleInstance: 'p',
    success: i !== 3,
    resultCode: '200',
    durationMs: d,
  }));
  const run = (q: string) => {
    const t = evaluate(q, { AppRequests: appRequests(rows) }, NOW);
    return t.rows.map((r) => Object.fromEntries(t.columns.map((c) => [c.name, r[c.name]])));
  };

  it('long division truncates, real 0/0 is NaN, aggregates default over no rows, by groups', () => {
    expect(run('AppRequests | summarize n = count() | project v = n / 3')).toEqual([
      { v: { t: 'long', v: 1 } },
    ]);
    expect(
      run(
        'AppRequests | where false | summarize n = count(), s = sum(ItemCount), p = percentile(DurationMs, 50) | project n, s, p, r = todouble(s) / todouble(n)',
      ),
    ).toEqual([
      { n: { t: 'long', v: 0 }, s: { t: 'long', v: 0 }, p: { t: 'null' }, r: { t: 'real', v: NaN } },
    ]);
    expect(run('AppRequests | where false | summarize n = count() by AppRoleName')).toEqual([]);
    expect(
      run(
        'AppRequests | summarize f = countif(Success == false), p = percentile(DurationMs, 50) by AppRoleName',
      ),
    ).toEqual([
      { AppRoleName: { t: 'string', v: 'a' }, f: { t: 'long', v: 0 }, p: { t: 'real', v: 10 } },
      { AppRoleName: { t: 'string', v: 'b' }, f: { t: 'long', v: 1 }, p: { t: 'real', v: 20 } },
    ]);
  });

  it('ago, between, extend and round', () => {
    expect(run('AppRequests | where TimeGenerated > ago(150s) | summarize n = count()')).toEqual([
      { n: { t: 'long', v: 2 } },
    ]);
    expect(
      run(
        'AppRequests | where DurationMs between (15 .. 30) | extend x = round(DurationMs / 7.0, 2) | project x',
      ),
    ).toEqual([{ x: { t: 'real', v: 2.86 } }, { x: { t: 'real', v: 4.29 } }]);
  });
});

describe('the stand-in evaluator refuses what it does not implement', () => {
  it.each([
    ['AppRequests | take 5', /'take' operator/],
    ['AppRequests | where Name contains "x"', /'contains'/],
    ['AppRequests | summarize dcount(Name)', /'dcount' is not a known aggregation/],
    ['AppRequests | project x = strlen(Name)', /'strlen' is not a known scalar/],
    ['AppRequests | where Nope == 1', /Failed to resolve scalar expression named 'Nope'/],
    ['requests | count', /table expression named 'requests'/],
  ])('%s', (query, message) => {
    expect(() => evaluate(query, { AppRequests: appRequests([]) }, 0)).toThrow(message);
  });
});
