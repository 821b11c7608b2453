import { afterAll, describe, expect, it } from 'vitest';
import { expandBraces, findFiles, globToRegExp } from '../../../devhost/functions/glob.js';
import { removeTempDirs, tempDir } from '../host-test-helpers.js';

afterAll(removeTempDirs);

describe('expandBraces', () => {
  it.each([
    ['a/{b,c}/d', ['a/b/d', 'a/c/d']],
    ['{a,b}{1,2}', ['a1', 'a2', 'b1', 'b2']],
    ['x/{a,b{c,d}}', ['x/a', 'x/bc', 'x/bd']],
    ['no-braces', ['no-braces']],
    ['{single}/x', ['{single}/x']],
  ])('%s', (pattern, expected) => {
    expect(expandBraces(pattern)).toEqual(expected);
  });
});

describe('globToRegExp', () => {
  it.each([
    ['dist/*.js', 'dist/a.js', true],
    ['dist/*.js', 'dist/sub/a.js', false],
    ['dist/*.js', 'dist/.hidden.js', false],
    ['dist/**/*.js', 'dist/a.js', true],
    ['dist/**/*.js', 'dist/x/y/a.js', true],
    ['dist/**/*.js', 'dist/.x/a.js', false],
    ['dist/**', 'dist/x/y.js', true],
    ['f?.js', 'f1.js', true],
    ['f?.js', 'f12.js', false],
    ['[ab].js', 'a.js', true],
    ['[!ab].js', 'a.js', false],
    ['a+b(1).js', 'a+b(1).js', true],
  ])('%s ~ %s = %s', (pattern, file, expected) => {
    expect(globToRegExp(pattern).test(file)).toBe(expected);
  });
});

describe('findFiles', () => {
  const dir = tempDir({
    'dist/functions/a.js': '',
    'dist/functions/b.js': '',
    'dist/functions/sub/c.js': '',
    'dist/functions/sub/c.js.map': '',
    'dist/other/d.js': '',
    'dist/node_modules/e.js': '',
    'dist/.cache/f.js': '',
    'index.js': '',
  });

  it('walks only below the literal prefix, sorted and de-duplicated', () => {
    expect(findFiles(dir, 'dist/functions/**/*.js')).toEqual([
      'dist/functions/a.js',
      'dist/functions/b.js',
      'dist/functions/sub/c.js',
    ]);
    expect(findFiles(dir, 'dist/{functions,other}/*.js')).toEqual([
      'dist/functions/a.js',
      'dist/functions/b.js',
      'dist/other/d.js',
    ]);
    expect(findFiles(dir, 'dist/**/{a,d}.js')).toEqual(['dist/functions/a.js', 'dist/other/d.js']);
    expect(findFiles(dir, './index.js')).toEqual(['index.js']);
    expect(findFiles(dir, 'missing/*.js')).toEqual([]);
    expect(findFiles(dir, 'nothing.js')).toEqual([]);
  });
});
