import { describe, expect, it } from 'vitest';
import { ApiError } from '../../sandbox/kube-api.js';
import { jsonPatch, mergePatch, strategicMergePatch } from '../../sandbox/kube-patch.js';

const failure = (fn: () => unknown): ApiError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected an ApiError');
};

describe('JSON Patch (RFC 6902)', () => {
  const doc = { a: { 'b/c': 1, 'd~e': 2 }, list: [1, 2, 3] };

  it('applies add, replace, remove, move, copy and test, with escaped pointers', () => {
    const out = jsonPatch(doc, [
      { op: 'add', path: '/list/-', value: 4 },
      { op: 'add', path: '/list/0', value: 0 },
      { op: 'replace', path: '/a/b~1c', value: 10 },
      { op: 'remove', path: '/a/d~0e' },
      { op: 'copy', from: '/list/1', path: '/first' },
      { op: 'move', from: '/first', path: '/a/moved' },
      { op: 'test', path: '/a/moved', value: 1 },
      { op: 'add', path: '/new', value: { x: 1 } },
    ]);
    expect(out).toEqual({ a: { 'b/c': 10, moved: 1 }, list: [0, 1, 2, 3, 4], new: { x: 1 } });
    expect(doc.list).toEqual([1, 2, 3]); // the input is not modified
  });

  it('answers 422 for operations that do not apply and 400 for malformed patches', () => {
    expect(failure(() => jsonPatch(doc, [{ op: 'replace', path: '/missing', value: 1 }]))).toMatchObject({
      code: 422,
      message: 'replace operation does not apply: doc is missing key: /missing',
    });
    expect(failure(() => jsonPatch(doc, [{ op: 'add', path: '/x/y', value: 1 }])).code).toBe(422);
    expect(failure(() => jsonPatch(doc, [{ op: 'remove', path: '/list/7' }])).code).toBe(422);
    expect(failure(() => jsonPatch(doc, [{ op: 'add', path: '/list/5', value: 1 }])).code).toBe(422);
    expect(failure(() => jsonPatch(doc, [{ op: 'test', path: '/list/0', value: 9 }])).message).toBe(
      'testing value /list/0 failed: test failed',
    );
    expect(failure(() => jsonPatch(doc, { op: 'add' })).code).toBe(400);
    expect(failure(() => jsonPatch(doc, [{ op: 'frobnicate', path: '/a' }])).code).toBe(400);
    expect(failure(() => jsonPatch(doc, [{ op: 'add', path: 'no-slash', value: 1 }])).code).toBe(400);
    expect(failure(() => jsonPatch(doc, [{ op: 'add', path: '/a' }])).code).toBe(400);
    expect(jsonPatch(doc, [{ op: 'replace', path: '', value: 7 }])).toBe(7);
  });
});

describe('merge patch (RFC 7386)', () => {
  it('merges objects, deletes with null and replaces arrays whole', () => {
    expect(mergePatch({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { b: null, d: 3 }, l: [9] })).toEqual({
      a: { c: 2, d: 3 },
      l: [9],
    });
  });
});

describe('strategic merge patch', () => {
  const deployment = {
    spec: {
      template: {
        spec: {
          containers: [
            { name: 'envoy', image: 'envoy:1', env: [{ name: 'A', value: '1' }] },
            { name: 'web', image: 'web:1', ports: [{ containerPort: 8080 }] },
          ],
          tolerations: [{ key: 'x' }],
        },
      },
    },
  };

  it('merges keyed lists element by element and replaces unkeyed ones', () => {
    const out = strategicMergePatch(deployment, {
      spec: {
        template: {
          spec: {
            $setElementOrder: [{ name: 'envoy' }, { name: 'web' }],
            containers: [
              { name: 'web', image: 'web:2' },
              { name: 'envoy', env: [{ name: 'B', value: '2' }] },
              { name: 'new', image: 'n:1', $patch: 'merge' },
            ],
            tolerations: [{ key: 'y' }],
          },
        },
      },
    });
    expect(out).toEqual({
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'envoy',
                image: 'envoy:1',
                env: [
                  { name: 'A', value: '1' },
                  { name: 'B', value: '2' },
                ],
              },
              { name: 'web', image: 'web:2', ports: [{ containerPort: 8080 }] },
              { name: 'new', image: 'n:1' },
            ],
            tolerations: [{ key: 'y' }],
          },
        },
      },
    });
  });

  it('honours $patch delete and replace, and null deletions', () => {
    const spec = (out: unknown) => (out as typeof deployment).spec.template.spec;
    const deleted = strategicMergePatch(deployment, {
      spec: { template: { spec: { containers: [{ name: 'envoy', $patch: 'delete' }], tolerations: null } } },
    });
    expect(spec(deleted)).toEqual({ containers: [deployment.spec.template.spec.containers[1]] });
    const replaced = strategicMergePatch(deployment, {
      spec: { template: { spec: { $patch: 'replace', containers: [{ name: 'only', image: 'o' }] } } },
    });
    expect(spec(replaced)).toEqual({ containers: [{ name: 'only', image: 'o' }] });
  });

  it('refuses list items without their merge key', () => {
    const error = failure(() =>
      strategicMergePatch(deployment, { spec: { template: { spec: { containers: [{ image: 'x' }] } } } }),
    );
    expect(error.code).toBe(422);
    expect(error.message).toContain('does not contain declared merge key: name');
  });
});
