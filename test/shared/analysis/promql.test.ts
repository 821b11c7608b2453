import { describe, expect, it } from 'vitest';
import {
  labelName,
  labelValue,
  promDuration,
  PromqlError,
  regexLabelValue,
  regexQuote,
  render,
} from '../../../shared/analysis/promql.js';
import { parseQuery } from '../../../sandbox/promql-parse.js';

const HOSTILE = [
  '"} or vector(1) or {a="',
  'back\\slash',
  'trailing\\',
  'new\nline',
  'carriage\rreturn\ttab',
  'bell\x07nul\x00del\x7f',
  "single'quote",
  'ünïcødé 日本語 🚀',
  '.*',
  'a|b',
  '(x)[y]{2}^$+?',
  '`backtick`',
];

/** What the sandbox's PromQL lexer (a Go-escape reader like Prometheus's) reads back from a matcher. */
function readBack(matcher: string): { op: string; value: string } {
  const expr = parseQuery(`m{l${matcher}}`);
  if (expr.type !== 'selector') throw new Error('not a selector');
  const m = expr.matchers.find((x) => x.name === 'l');
  return { op: m?.op ?? '', value: m?.value ?? '' };
}

describe('label value escaping', () => {
  it.each([
    ['plain', 'plain'],
    ['a"b', 'a\\"b'],
    ['a\\b', 'a\\\\b'],
    ['\\"', '\\\\\\"'],
    ['x\ny', 'x\\ny'],
    ['x\r\ty', 'x\\r\\ty'],
    ['\x00\x1f\x7f', '\\u0000\\u001f\\u007f'],
    ['日本 🚀', '日本 🚀'],
  ])('labelValue(%j) = %j', (input, expected) => {
    expect(labelValue(input)).toBe(expected);
  });

  it.each(HOSTILE)('a hostile value %j stays one label value and reads back unchanged', (value) => {
    expect(readBack(`="${labelValue(value)}"`)).toEqual({ op: '=', value });
  });

  it.each(HOSTILE)('a regex-escaped value %j matches exactly itself', (value) => {
    const { value: regex } = readBack(`=~"${regexLabelValue(value)}"`);
    const anchored = new RegExp(`^(?:${regex})$`, 'u');
    expect(anchored.test(value)).toBe(true);
    expect(anchored.test(`${value}x`)).toBe(false);
    expect(anchored.test('x')).toBe(value === 'x');
  });

  it('escapes every RE2 meta-character (Go QuoteMeta set)', () => {
    expect(regexQuote('\\.+*?()|[]{}^$-a')).toBe('\\\\\\.\\+\\*\\?\\(\\)\\|\\[\\]\\{\\}\\^\\$-a');
    expect(regexLabelValue('a.b')).toBe('a\\\\.b');
  });

  it('refuses lone surrogates, which cannot be sent as UTF-8', () => {
    expect(() => labelValue('a\uD800b')).toThrow(PromqlError);
    expect(() => labelValue('\uDC00')).toThrow(/not valid Unicode/);
    expect(labelValue('\uD83D\uDE80')).toBe('🚀');
  });

  it('validates label names', () => {
    expect(labelName('destination_workload')).toBe('destination_workload');
    expect(labelName('_x9')).toBe('_x9');
    for (const bad of ['', '9a', 'a-b', 'a b', 'a"', 'é']) expect(() => labelName(bad)).toThrow(PromqlError);
  });
});

describe('durations', () => {
  it.each([
    [60_000, '1m'],
    [90_000, '90s'],
    [300_000, '5m'],
    [3_600_000, '1h'],
    [5_400_000, '90m'],
    [1_500, '1500ms'],
    [15_000, '15s'],
  ])('%d ms → %s', (ms, text) => {
    expect(promDuration(ms)).toBe(text);
  });

  it.each([0, -1000, 1.5, NaN, Infinity])('refuses %d', (ms) => {
    expect(() => promDuration(ms)).toThrow(expect.objectContaining({ code: 'variable-invalid' }));
  });
});

describe('render', () => {
  const vars = { namespace: 'prod', target: 'web', canary: 'web-canary', ingress: 'web', interval: 60_000 };

  it('substitutes every placeholder, with or without spaces', () => {
    const text =
      'sum(rate(m{namespace="{{ namespace }}",ingress="{{ingress}}",w=~"{{ canary }}-.*"}[{{ interval }}]))' +
      ' / {{ variables.scale | 2 }} + {{ variables.q }}';
    expect(render(text, { ...vars, variables: { q: '0.5' } })).toBe(
      'sum(rate(m{namespace="prod",ingress="web",w=~"web-canary-.*"}[1m])) / 2 + 0.5',
    );
  });

  it.each(HOSTILE)('keeps hostile value %j inside its string, in any quote style', (value) => {
    for (const [open, close] of [
      ['"', '"'],
      ["'", "'"],
    ]) {
      const query = render(`up{namespace=${open}{{ namespace }}${close},x="1"}`, { namespace: value });
      const expr = parseQuery(query);
      expect(expr.type === 'selector' && expr.matchers).toEqual([
        { name: '__name__', op: '=', value: 'up' },
        { name: 'namespace', op: '=', value },
        { name: 'x', op: '=', value: '1' },
      ]);
    }
  });

  it('regex-escapes values after =~ and !~ (a dot is a literal dot)', () => {
    const query = render('up{pod=~"{{ target }}-[a-z0-9]+",x!~ "{{ canary }}"}', {
      target: 'a.b',
      canary: '.*',
    });
    expect(query).toBe('up{pod=~"a\\\\.b-[a-z0-9]+",x!~ "\\\\.\\\\*"}');
  });

  it("renders {{ cluster }}, the target's AKS cluster, escaped like every value", () => {
    expect(
      render('sum(rate(x{cluster="{{ cluster }}",namespace="{{ namespace }}"}[1m]))', {
        cluster: 'hearloveen-aks-eun',
        namespace: 'prod',
      }),
    ).toBe('sum(rate(x{cluster="hearloveen-aks-eun",namespace="prod"}[1m]))');
    expect(render('x{cluster="{{ cluster }}"}', { cluster: 'a"b' })).toBe('x{cluster="a\\"b"}');
    expect(() => render('x{cluster="{{ cluster }}"}', {})).toThrow(/no value for \{\{ cluster \}\}/);
  });

  it('puts values into backtick (raw) strings only when they cannot end them', () => {
    expect(render('up{a=`{{ target }}`}', { target: 'x"\\y' })).toBe('up{a=`x"\\y`}');
    expect(render('up{a=~`{{ target }}`}', { target: 'a.b' })).toBe('up{a=~`a\\.b`}');
    expect(() => render('up{a=`{{ target }}`}', { target: 'x`y' })).toThrow(/backtick/);
  });

  it('leaves escapes and quotes already in the template alone', () => {
    expect(render('up{a="x\\"{{ target }}\\\\", b=\'"\'} # "comment', { target: 'q"' })).toBe(
      'up{a="x\\"q\\"\\\\", b=\'"\'} # "comment',
    );
  });

  it('refuses values outside quotes unless they are numbers or durations', () => {
    expect(render('x > {{ variables.limit }}', { variables: { limit: '1e3' } })).toBe('x > 1e3');
    expect(render('x[{{ variables.w }}]', { variables: { w: '1m30s' } })).toBe('x[1m30s]');
    for (const bad of ['1 or vector(1)', 'up', '', '1)', '--1']) {
      expect(() => render('x > {{ variables.limit }}', { variables: { limit: bad } })).toThrow(
        expect.objectContaining({ code: 'variable-invalid' }),
      );
    }
    expect(() => render('sum({{ namespace }})', { namespace: 'prod' })).toThrow(/outside quotes/);
  });

  it('accepts a quantile only as a number in [0, 1]', () => {
    const text = 'histogram_quantile({{ variables.quantile | 0.95 }}, x)';
    expect(render(text, {})).toBe('histogram_quantile(0.95, x)');
    expect(render(text, { variables: { quantile: '0.99' } })).toBe('histogram_quantile(0.99, x)');
    expect(render(text, { variables: { quantile: '1' } })).toBe('histogram_quantile(1, x)');
    for (const bad of ['1.5', '-0.1', 'NaN', '0.9) or vector(1', '95%']) {
      expect(() => render(text, { variables: { quantile: bad } })).toThrow(/between 0 and 1/);
    }
  });

  it('reports unknown, malformed and missing placeholders and broken templates', () => {
    const cases: Array<[string, RegExp, string]> = [
      ['up{a="{{ nope }}"}', /unknown placeholder/, 'template-invalid'],
      ['up{a="{{ namespace | x }}"}', /take a default/, 'template-invalid'],
      ['up{a="{{ 1 }}"}', /malformed placeholder/, 'template-invalid'],
      ['up{a="{{ canary }}"}', /no value for \{\{ canary \}\}/, 'variable-missing'],
      ['up{a="{{ variables.x }}"}', /variables\.x/, 'variable-missing'],
      ['x[{{ interval }}]', /interval/, 'variable-missing'],
      ['up{a="open}', /line 1, column \d+: PromQL syntax error/, 'template-invalid'],
      ['up # {{ namespace }}', /comments/, 'template-invalid'],
    ];
    for (const [template, message, code] of cases) {
      expect(() => render(template, { namespace: 'prod' })).toThrow(message);
      expect(() => render(template, { namespace: 'prod' })).toThrow(expect.objectContaining({ code }));
    }
  });

  it('marks its errors as not worth retrying', () => {
    try {
      render('{{ nope }}', {});
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PromqlError);
      expect((error as PromqlError).retryable).toBe(false);
    }
  });
});
