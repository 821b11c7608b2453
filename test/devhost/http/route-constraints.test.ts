import { describe, expect, it } from 'vitest';
import { compileConstraint } from '../../../devhost/http/route-constraints.js';
import { compileRoute } from '../../../devhost/http/routes.js';

describe('route constraints in templates', () => {
  const ok = (c: string, value: string) => compileRoute(`x/{v:${c}}`).match(`/x/${value}`) !== undefined;
  it.each([
    ['int', '42', true],
    ['int', '-7', true],
    ['int', '2147483648', false],
    ['int', '4.2', false],
    ['long', '9223372036854775807', true],
    ['long', '9223372036854775808', false],
    ['alpha', 'abcXYZ', true],
    ['alpha', 'ab1', false],
    ['bool', 'TRUE', true],
    ['bool', 'yes', false],
    ['guid', '0f8fad5b-d9cb-469f-a165-70867728950e', true],
    ['guid', '0f8fad5bd9cb469fa16570867728950e', true],
    ['guid', '%7B0f8fad5b-d9cb-469f-a165-70867728950e%7D', true],
    ['guid', 'not-a-guid', false],
    ['double', '3.14', true],
    ['double', '-1e5', true],
    ['double', 'pi', false],
    ['float', '.5', true],
    ['decimal', '10.25', true],
    ['decimal', '1e3', false],
    ['datetime', '2025-01-01', true],
    ['datetime', 'someday', false],
    ['length(3)', 'abc', true],
    ['length(3)', 'abcd', false],
    ['length(2,4)', 'abcd', true],
    ['length(2,4)', 'a', false],
    ['minlength(2)', 'ab', true],
    ['minlength(2)', 'a', false],
    ['maxlength(2)', 'abc', false],
    ['min(10)', '10', true],
    ['min(10)', '9', false],
    ['max(10)', '11', false],
    ['max(10)', 'x', false],
    ['range(1,3)', '2', true],
    ['range(1,3)', '4', false],
    ['regex(^[a-z]{{2}}\\d$)', 'ab1', true],
    ['regex(^[a-z]{{2}}\\d$)', 'abc1', false],
    ['regex(^A:B$)', 'a:b', true],
    ['int:min(5)', '6', true],
    ['int:min(5)', '4', false],
  ])('%s on %s = %s', (constraint, value, expected) => {
    expect(ok(constraint, value)).toBe(expected);
  });

  it('accepts an optional constrained parameter', () => {
    expect(compileRoute('x/{id:int?}').match('/x')).toEqual({});
    expect(compileRoute('x/{id:int?}').match('/x/a')).toBeUndefined();
  });
});

describe('compileConstraint', () => {
  it('is case-insensitive in the name and explains bad arguments', () => {
    expect(compileConstraint('INT', 'here')('5')).toBe(true);
    expect(() => compileConstraint('range(1)', 'here')).toThrow(
      'here: constraint "range" needs 2 integer argument(s).',
    );
    expect(() => compileConstraint('min', 'here')).toThrow('here: route constraint "min" needs arguments.');
    expect(() => compileConstraint('foo(1)', 'here')).toThrow('here: unknown route constraint "foo".');
  });
});
