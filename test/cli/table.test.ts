import { describe, expect, it } from 'vitest';
import { makeStyle, stripAnsi } from '../../cli/style.js';
import { formatPairs, formatTable, sanitize, truncate, type Column } from '../../cli/table.js';

const c = makeStyle(true);

describe('formatTable', () => {
  it.each<[string, Column[], string[][], number, string[]]>([
    [
      'pads columns to the widest cell, two spaces apart, no trailing spaces',
      [{ header: 'ID' }, { header: 'STATE' }],
      [
        ['a-1', 'Succeeded'],
        ['bbbbbb-2', 'Failed'],
      ],
      Infinity,
      ['ID        STATE', 'a-1       Succeeded', 'bbbbbb-2  Failed'],
    ],
    [
      'right-aligns numbers',
      [{ header: 'NAME' }, { header: 'WEIGHT', align: 'right' }],
      [
        ['x', '5%'],
        ['y', '100%'],
      ],
      Infinity,
      ['NAME  WEIGHT', 'x         5%', 'y       100%'],
    ],
    [
      'cuts the flex column with an ellipsis to fit the width',
      [{ header: 'ID' }, { header: 'IMAGE', flex: true }, { header: 'AT' }],
      [['d1', 'registry.example/api-gateway:1.0.0', '10:00']],
      30,
      ['ID  IMAGE                AT', 'd1  registry.example/a…  10:00'],
    ],
    ['leaves a table that fits alone', [{ header: 'A', flex: true }], [['short']], 30, ['A', 'short']],
    [
      'keeps at least 8 columns for the flex column on a narrow terminal',
      [{ header: 'ID' }, { header: 'NOTE', flex: true }],
      [['deployment-id-that-is-long', 'a note that is rather long']],
      20,
      ['ID                          NOTE', 'deployment-id-that-is-long  a note …'],
    ],
    [
      'fills missing cells with blanks',
      [{ header: 'A' }, { header: 'B' }, { header: 'C' }],
      [['1'], ['1', '2', '3']],
      Infinity,
      ['A  B  C', '1', '1  2  3'],
    ],
  ])('%s', (_name, columns, rows, width, expected) => {
    expect(formatTable(columns, rows, width)).toEqual(expected);
  });

  it('measures styled cells by what shows, and keeps their colour', () => {
    const lines = formatTable([{ header: 'STATE' }, { header: 'N' }], [[c.green('ok'), '1']], Infinity);
    expect(lines.map(stripAnsi)).toEqual(['STATE  N', 'ok     1']);
    expect(lines[1]).toContain('\x1b[32mok\x1b[39m');
  });

  it('replaces control characters from API data, so a value cannot drive the terminal', () => {
    const [, row] = formatTable(
      [{ header: 'NOTE' }],
      [['evil\x1b]0;title\x07\x1b[2Jtext\r\nnext']],
      Infinity,
    );
    expect(row).toBe('evil?]0;title??[2Jtext next');
  });
});

describe('truncate and sanitize', () => {
  it.each<[string, number, string]>([
    ['abcdef', 6, 'abcdef'],
    ['a😀bc', 3, 'a😀…'],
    ['abcdef', 5, 'abcd…'],
    ['abcdef', 1, '…'],
    ['abcdef', 0, ''],
    ['ääää', 3, 'ää…'],
    [c.red('abcdef'), 4, '\x1b[31mabc…\x1b[0m'],
    [`${c.dim('12:00')} ${c.green('pass')}`, 8, '\x1b[2m12:00\x1b[22m \x1b[32mp…\x1b[0m'],
    [c.red('abc'), 4, c.red('abc')],
  ])('truncate(%j, %i)', (s, width, expected) => {
    expect(truncate(s, width)).toBe(expected);
  });

  it.each<[string, string]>([
    ['plain', 'plain'],
    ['tab\there', 'tab here'],
    ['bell\x07', 'bell?'],
    ['\x1b[31mred\x1b[39m', '\x1b[31mred\x1b[39m'],
    ['\x1b[2J', '?[2J'],
    ['c1\u009b31m', 'c1?31m'],
  ])('sanitize(%j)', (s, expected) => {
    expect(sanitize(s)).toBe(expected);
  });
});

describe('formatPairs', () => {
  it('aligns keys and drops empty values', () => {
    expect(
      formatPairs([
        ['service', 'ApiGateway'],
        ['reason', undefined],
        ['state', 'Canary'],
        ['empty', ''],
      ]),
    ).toEqual(['service  ApiGateway', 'state    Canary']);
  });
});
