import { describe, expect, it } from 'vitest';
import { render } from '../../../shared/analysis/promql.js';
import { firstError, nodesNamed, parsePromql, stringValue } from '../../../shared/analysis/promql-tree.js';

/** The label matchers Prometheus's grammar reads in `query`: name, operator and the literal's value. */
function matchers(query: string): Array<[string, string, string]> {
  const tree = parsePromql(query);
  expect(firstError(tree)).toBeUndefined();
  return nodesNamed(tree, 'UnquotedLabelMatcher').map((m) => {
    const text = (n: typeof m | null) => (n ? query.slice(n.from, n.to) : '');
    return [
      text(m.getChild('LabelName')),
      text(m.getChild('MatchOp')),
      stringValue(text(m.getChild('StringLiteral'))),
    ];
  });
}

/**
 * The old rule looked back 16 characters from a string's opening quote for `=~`/`!~`. A template that
 * puts the operator on one line and the value on the next, with a comment between, was string-escaped
 * only: `a.b` matched `aXb`, and `.*` matched everything.
 */
const MULTI_LINE = `sum(
  rate(
    istio_requests_total{
      destination_workload_namespace="{{ namespace }}",
      destination_workload=~          # the canary's pods, whatever their suffix
        "{{ canary }}-[a-z0-9]+",
      response_code!~
        # a whole line of comment between the operator and its value
        "{{ variables.codes | 5.. }}"
    }[{{ interval }}]
  )
)`;

describe('escaping decided by the PromQL grammar', () => {
  it('regex-escapes a value whose =~ is on another line, far away, behind a comment', () => {
    const query = render(MULTI_LINE, {
      namespace: 'prod.eu',
      canary: 'api.v2',
      interval: 60_000,
      variables: { codes: '5.*' },
    });
    expect(matchers(query)).toEqual([
      ['destination_workload_namespace', '=', 'prod.eu'],
      ['destination_workload', '=~', 'api\\.v2-[a-z0-9]+'],
      ['response_code', '!~', '5\\.\\*'],
    ]);
    // The regex Prometheus compiles matches the canary's own name only.
    const regex = new RegExp(`^(?:${matchers(query)[1]?.[2] ?? ''})$`);
    expect(regex.test('api.v2-7f9c')).toBe(true);
    expect(regex.test('apiXv2-7f9c')).toBe(false);
  });

  it('string-escapes only (no regex escaping) a value after = even when =~ appears just before it', () => {
    const query = render('m{a=~"x", b="{{ target }}"}', { target: 'a.b' });
    expect(matchers(query)).toEqual([
      ['a', '=~', 'x'],
      ['b', '=', 'a.b'],
    ]);
    // Also inside a string that merely contains "=~".
    expect(matchers(render('m{a="=~", b="{{ target }}"}', { target: 'a.b' }))[1]).toEqual(['b', '=', 'a.b']);
  });

  it.each([
    ['=', 'm{a="{{ target }}",b="1"}'],
    ['=~', 'm{\n  a=~\n  # comment with "quotes" and =~\n  "{{ target }}",\n  b="1"\n}'],
    ['!~', 'm{a!~  \'{{ target }}\', b="1"}'],
  ])('keeps an injection attempt inside its %s literal', (op, template) => {
    const attack = '"} or vector(1) or m{a=~".*';
    const attackSingle = "'} or vector(1) or m{a=~'.*";
    for (const value of [attack, attackSingle, 'x\n} or vector(1) #']) {
      const query = render(template, { target: value });
      const found = matchers(query);
      expect(found).toHaveLength(2);
      expect(found[0]?.[0]).toBe('a');
      expect(found[0]?.[1]).toBe(op);
      // The literal holds the value itself (regex-quoted for regex matchers), nothing leaked out.
      const expected = op === '=' ? value : value.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
      expect(found[0]?.[2]).toBe(expected);
      expect(nodesNamed(parsePromql(query), 'FunctionCall')).toHaveLength(0);
      expect(nodesNamed(parsePromql(query), 'BinaryExpr')).toHaveLength(0);
    }
  });
});

describe('label_replace', () => {
  it('regex-escapes a value in its regex argument, and only there', () => {
    const query = render('label_replace(up, "dst", "{{ target }}", "src", "{{ target }}")', {
      target: 'a.b',
    });
    expect(query).toBe('label_replace(up, "dst", "a.b", "src", "a\\\\.b")');
  });
});
