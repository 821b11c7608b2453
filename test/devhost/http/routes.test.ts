import { describe, expect, it } from 'vitest';
import { compareRoutes, compileRoute, splitPath } from '../../../devhost/http/routes.js';

describe('compileRoute match', () => {
  it.each([
    ['items', '/items', {}],
    ['items', '/ITEMS/', {}],
    ['items', '/items/1', undefined],
    ['items/{id}', '/items/42', { id: '42' }],
    ['items/{id}', '/items', undefined],
    ['items/{id}/{tag?}', '/items/1', { id: '1' }],
    ['items/{id}/{tag?}', '/items/1/red', { id: '1', tag: 'red' }],
    ['items/{id}/{tag?}', '/items/1/red/x', undefined],
    ['items/{id=7}', '/items', { id: '7' }],
    ['files/{*rest}', '/files', {}],
    ['files/{*rest}', '/files/a/b%20c/d', { rest: 'a/b c/d' }],
    ['files/{**rest}', '/files/a', { rest: 'a' }],
    ['{*all}', '/', {}],
    ['names/{name}', '/names/J%C3%BCrgen%2Fx', { name: 'Jürgen/x' }],
    ['names/{name}', '/names/%E0%A4%A', { name: '%E0%A4%A' }],
    ['Caps/{x}', '/caps/v', { x: 'v' }],
    ['download/{name}.{ext}', '/download/a.b.tar', { name: 'a.b', ext: 'tar' }],
    ['download/{name}.{ext?}', '/download/readme', { name: 'readme' }],
    ['download/{name}.{ext?}', '/download/readme.md', { name: 'readme', ext: 'md' }],
    ['v{major:int}/x', '/v2/x', { major: '2' }],
    ['v{major:int}/x', '/vb/x', undefined],
    ['a/{b}', '/a//', undefined],
  ])('%s ~ %s', (template, path, expected) => {
    expect(compileRoute(template).match(path)).toEqual(expected);
  });
});

describe('bad templates', () => {
  it.each([
    ['a/{id:nope}', /unknown route constraint "nope"/],
    ['a/{id:length}', /route constraint "length" needs arguments/],
    ['a/{id:length(x)}', /needs 1 integer argument/],
    ['a/{id:regex([)}', /invalid regex/],
    ['a/{id:@@}', /malformed route constraint/],
    ['a/{id', /unclosed "{"/],
    ['a/id}', /unmatched "}"/],
    ['a//b', /empty segment/],
    ['a/{1x}', /invalid parameter name/],
    ['{a}/{a}', /uses parameter "a" twice/],
    ['{*a}/b', /catch-all "a" must be the whole last segment/],
    ['{a?}/b', /only the last parameter may be optional/],
    ['{a}{b}', /need a literal between them/],
    ['{a?=1}', /cannot be optional and have a default/],
  ])('%s', (template, error) => {
    expect(() => compileRoute(template)).toThrow(error);
  });
});

describe('compareRoutes', () => {
  it('orders literals before constrained params before params before catch-alls', () => {
    const templates = [
      'items/{*rest}',
      'items/{id}',
      'items/{id:int}',
      'items/new',
      '{x}/new',
      'items',
      'items/{id}/{t?}',
    ];
    const sorted = templates
      .map(compileRoute)
      .sort(compareRoutes)
      .map((r) => r.template);
    expect(sorted).toEqual([
      'items',
      'items/new',
      'items/{id:int}',
      'items/{id}',
      'items/{id}/{t?}',
      'items/{*rest}',
      '{x}/new',
    ]);
  });

  it('breaks ties by template text', () => {
    const [a, b] = [compileRoute('b/{x}'), compileRoute('a/{x}')];
    expect([a, b].sort(compareRoutes).map((r) => r.template)).toEqual(['a/{x}', 'b/{x}']);
    expect(compareRoutes(a, compileRoute('b/{x}'))).toBe(0);
  });
});

describe('splitPath', () => {
  it('drops the leading and one trailing slash', () => {
    expect(splitPath('/')).toEqual([]);
    expect(splitPath('/a/b/')).toEqual(['a', 'b']);
  });
});
