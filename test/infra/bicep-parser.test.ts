import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BicepSyntaxError } from './bicep-lexer.js';
import { parseBicep, type Expr, type Statement } from './bicep-parser.js';
import { INFRA, bicepFiles } from './bicep.js';

function only<K extends Statement['kind']>(text: string, kind: K): Extract<Statement, { kind: K }> {
  const s = parseBicep(text).statements.find((x) => x.kind === kind);
  if (!s) throw new Error(`no ${kind}`);
  return s as Extract<Statement, { kind: K }>;
}
const varValue = (text: string): Expr => only(text, 'var').value;

describe('Bicep parser', () => {
  it('parses every file under infra/', () => {
    const files = bicepFiles();
    expect(files.length).toBeGreaterThan(10);
    for (const f of files)
      expect(() => parseBicep(readFileSync(path.join(INFRA, f), 'utf8')), f).not.toThrow();
  });

  it('reads objects with newline and comma separators, quoted keys and comments, with lines', () => {
    const v = varValue("var x = {\n  a: 1 // one\n  'b-c': true, d: null\n  /* e */ e: 'text'\n}");
    expect(v.kind).toBe('object');
    if (v.kind !== 'object') return;
    expect(v.props.map((p) => [p.key, p.line, p.value.kind])).toEqual([
      ['a', 2, 'int'],
      ['b-c', 3, 'bool'],
      ['d', 3, 'null'],
      ['e', 4, 'string'],
    ]);
  });

  it('keeps interpolations as parts and decodes escapes', () => {
    const v = varValue("var s = 'a${b.c}\\'d${take(e, 2)}'");
    expect(v).toMatchObject({
      kind: 'interp',
      parts: [
        'a',
        { kind: 'member', name: 'c' },
        "'d",
        { kind: 'call', args: [{ kind: 'ref' }, { kind: 'int' }] },
      ],
    });
    expect(varValue("var s = 'x\\\\y\\$z'")).toEqual({ kind: 'string', value: 'x\\y$z', line: 1 });
    expect(varValue("var s = '\\u{1F680}\\t'")).toEqual({ kind: 'string', value: '\u{1F680}\t', line: 1 });
  });

  it('reads multi-line strings verbatim and counts their lines', () => {
    const file = parseBicep("var s = '''\nline ${not} 'quoted'\n'''\nvar t = 1");
    expect(file.statements[0]).toMatchObject({ value: { kind: 'string', value: "line ${not} 'quoted'\n" } });
    expect(file.statements[1]?.line).toBe(4);
  });

  it('reads an interpolated key as dynamic', () => {
    const v = varValue("var o = { '${id}': {} }");
    expect(v).toMatchObject({ kind: 'object', props: [{ key: undefined, keyExpr: { kind: 'interp' } }] });
  });

  it('reads decorators, params with types and defaults, outputs and targetScope', () => {
    const file = parseBicep(
      "targetScope = 'subscription'\n@minValue(1)\n@sys.description('d')\nparam n int = 2\nparam s 'a' | 'b'\noutput o string = '${n}'",
    );
    const [scope, n, s, o] = file.statements;
    expect(scope).toMatchObject({ kind: 'targetScope', value: { value: 'subscription' } });
    expect(n).toMatchObject({ kind: 'param', name: 'n', type: 'int', default: { value: 2 }, line: 4 });
    expect(n?.decorators.map((d) => d.name)).toEqual(['minValue', 'description']);
    expect(s).toMatchObject({ kind: 'param', type: "'a' | 'b'" });
    expect(o).toMatchObject({ kind: 'output', name: 'o', type: 'string' });
  });

  it('reads resources: existing, conditional, loops with index, nested child resources', () => {
    const file = parseBicep(
      [
        "resource a 'P/t@1' existing = {",
        '  name: n',
        '}',
        "resource b 'P/t@1' = if (!empty(x)) {",
        '  name: n',
        "  resource c 'children' = {",
        "    name: 'c'",
        '  }',
        '}',
        "resource d 'P/t@1' = [for (v, i) in list: {",
        '  name: v',
        '}]',
        "resource e 'P/t@1' = [",
        '  for v in list: if (v != 1) {',
        '    name: v',
        '  }',
        ']',
      ].join('\n'),
    );
    const [a, b, d, e] = file.statements;
    expect(a).toMatchObject({ kind: 'resource', symbol: 'a', type: 'P/t@1', existing: true });
    expect(b).toMatchObject({ existing: false, value: { kind: 'if', cond: { kind: 'unary', op: '!' } } });
    if (b?.kind === 'resource' && b.value.kind === 'if' && b.value.body.kind === 'object')
      expect(b.value.body.resources[0]).toMatchObject({ symbol: 'c', type: 'children', line: 6 });
    else expect.fail('b is not a conditional object');
    expect(d).toMatchObject({ value: { kind: 'for', item: 'v', index: 'i', source: { name: 'list' } } });
    expect(e).toMatchObject({ value: { kind: 'for', body: { kind: 'if', body: { kind: 'object' } } } });
  });

  it('reads modules, functions, lambdas, ternaries, operators and multi-line call arguments', () => {
    const file = parseBicep(
      [
        'extension microsoftGraphV1',
        "import { a } from 'b.bicep'",
        "func f(x string) string => '${x}!'",
        "module m 'app/x.bicep' = {",
        "  name: 'm'",
        '  params: { p: c ? {} : { q: 1 } }',
        '}',
        'var l = map(items, x => x.id)',
        'var u = union(',
        '  { a: 1 },',
        '  empty(s) ? {} : { b: 2 }',
        ')',
        'var o = a.?b ?? c[0]!.d',
        'var p = (a + 1) * 2 >= 3 && !b || c == d',
        "var arr = ['x', 'y']",
        'var neg = -5',
      ].join('\n'),
    );
    const kinds = file.statements.map((s) => s.kind);
    expect(kinds).toEqual([
      'extension',
      'import',
      'func',
      'module',
      'var',
      'var',
      'var',
      'var',
      'var',
      'var',
    ]);
    expect(file.statements[0]).toMatchObject({ name: 'microsoftGraphV1' });
    expect(file.statements[3]).toMatchObject({
      path: 'app/x.bicep',
      value: {
        props: [{ key: 'name' }, { key: 'params', value: { props: [{ value: { kind: 'ternary' } }] } }],
      },
    });
    expect(file.statements[4]).toMatchObject({
      value: { kind: 'call', args: [{}, { kind: 'lambda', params: ['x'] }] },
    });
    expect(file.statements[5]).toMatchObject({ value: { args: [{ kind: 'object' }, { kind: 'ternary' }] } });
    expect(file.statements[6]).toMatchObject({ value: { kind: 'binary', op: '??' } });
    expect(file.statements[7]).toMatchObject({ value: { kind: 'binary', op: '||' } });
    expect(file.statements[8]).toMatchObject({
      value: { kind: 'array', items: [{ value: 'x' }, { value: 'y' }] },
    });
    expect(file.statements[9]).toMatchObject({ value: { kind: 'int', value: -5 } });
  });

  it.each([
    ['var x = {\n  a: 1 b: 2\n}', 2, "expected a new line, ',' or '}'"],
    ["var x = 'open\nvar y = 1", 1, 'unterminated string'],
    ['var x = [\n  1\n  2 3\n]', 3, "expected a new line, ',' or ']'"],
    ["resource r 'T@1' = {\n  a: \n}", 2, 'unexpected a new line'],
    ['bogus x', 1, 'unknown statement bogus'],
    ['var x = 1 2', 1, 'expected the end of the statement'],
  ])('reports syntax errors with their line: %j', (text, line, message) => {
    let error: unknown;
    try {
      parseBicep(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BicepSyntaxError);
    expect((error as BicepSyntaxError).line).toBe(line);
    expect((error as Error).message).toContain(message);
  });
});
