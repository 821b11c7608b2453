import { describe, expect, it } from 'vitest';
import { jsonPatch, mergePatch, PatchError } from '../../sandbox/argocd-patch.js';

describe('mergePatch (RFC 7386)', () => {
  it('merges objects, replaces arrays wholesale and deletes on null', () => {
    const target = { a: { b: 1, c: [1, 2] }, d: 'x' };
    expect(mergePatch(target, { a: { c: [3] }, d: null, e: true })).toEqual({ a: { b: 1, c: [3] }, e: true });
    expect(target.d).toBe('x');
    expect(mergePatch(target, [1])).toEqual([1]);
  });
});

describe('jsonPatch (RFC 6902)', () => {
  const doc = { spec: { list: ['a', 'b'], name: 'x' } };

  it('applies add, replace, remove, move, copy and test', () => {
    const out = jsonPatch(doc, [
      { op: 'test', path: '/spec/name', value: 'x' },
      { op: 'add', path: '/spec/list/-', value: 'c' },
      { op: 'add', path: '/spec/list/0', value: 'z' },
      { op: 'replace', path: '/spec/name', value: 'y' },
      { op: 'copy', from: '/spec/name', path: '/spec/copy' },
      { op: 'move', from: '/spec/copy', path: '/spec/moved~1here' },
      { op: 'remove', path: '/spec/list/1' },
    ]);
    expect(out).toEqual({ spec: { list: ['z', 'b', 'c'], name: 'y', 'moved/here': 'y' } });
    expect(doc.spec.list).toEqual(['a', 'b']);
  });

  it.each([
    [{ op: 'test', path: '/spec/name', value: 'nope' }, 'testing value'],
    [{ op: 'replace', path: '/spec/missing', value: 1 }, 'does not exist'],
    [{ op: 'remove', path: '/spec/list/5' }, 'out of range'],
    [{ op: 'add', path: '/nope/deeper', value: 1 }, 'does not exist'],
    [{ op: 'add', path: 'relative', value: 1 }, 'invalid JSON pointer'],
    [{ op: 'move', path: '/spec/x' }, 'needs "from"'],
    [{ op: 'frobnicate', path: '/spec' }, 'unexpected kind'],
    [{ path: '/spec' }, 'needs "op"'],
  ])('refuses %j', (op, message) => {
    expect(() => jsonPatch(doc, [op])).toThrow(PatchError);
    expect(() => jsonPatch(doc, [op])).toThrow(message);
  });

  it('refuses a patch that is not an array', () => {
    expect(() => jsonPatch(doc, { op: 'add' })).toThrow('must be an array');
  });
});
