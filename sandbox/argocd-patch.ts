/**
 * The two patch flavours Argo CD's `PATCH /api/v1/applications/{name}` accepts, applied to the
 * Application's JSON: RFC 7386 merge patch (`patchType: "merge"`; arrays replaced wholesale, `null`
 * deletes) and RFC 6902 JSON patch (`"json"` or empty). Errors are thrown as {@link PatchError} and
 * answered 400 by the route, as Argo CD does.
 */

export class PatchError extends Error {}

type Json = unknown;
type JsonObject = Record<string, Json>;

const isObject = (value: Json): value is JsonObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  const result: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/** RFC 6901 pointer → unescaped segments. */
function segments(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new PatchError(`invalid JSON pointer "${pointer}"`);
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: Json, path: string[], pointer: string): { parent: JsonObject | Json[]; key: string } {
  let node = doc;
  for (const segment of path.slice(0, -1)) {
    node = Array.isArray(node) ? node[Number(segment)] : isObject(node) ? node[segment] : undefined;
    if (node === undefined) throw new PatchError(`path "${pointer}" does not exist`);
  }
  if (!Array.isArray(node) && !isObject(node)) throw new PatchError(`path "${pointer}" does not exist`);
  return { parent: node, key: path[path.length - 1] ?? '' };
}

function arrayIndex(array: Json[], key: string, forInsert: boolean, pointer: string): number {
  if (forInsert && key === '-') return array.length;
  const index = /^(0|[1-9]\d*)$/.test(key) ? Number(key) : NaN;
  if (!(index <= array.length - (forInsert ? 0 : 1)))
    throw new PatchError(`index out of range in "${pointer}"`);
  return index;
}

function read(doc: Json, pointer: string): Json {
  let node = doc;
  for (const segment of segments(pointer)) {
    node = Array.isArray(node) ? node[Number(segment)] : isObject(node) ? node[segment] : undefined;
    if (node === undefined) throw new PatchError(`path "${pointer}" does not exist`);
  }
  return node;
}

function remove(doc: Json, pointer: string): Json {
  const { parent, key } = parentOf(doc, segments(pointer), pointer);
  if (Array.isArray(parent)) return parent.splice(arrayIndex(parent, key, false, pointer), 1)[0];
  if (!(key in parent)) throw new PatchError(`path "${pointer}" does not exist`);
  const old = parent[key];
  delete parent[key];
  return old;
}

function add(doc: Json, pointer: string, value: Json, replace: boolean): Json {
  const path = segments(pointer);
  if (path.length === 0) return value;
  const { parent, key } = parentOf(doc, path, pointer);
  if (Array.isArray(parent)) {
    const index = arrayIndex(parent, key, !replace, pointer);
    parent.splice(index, replace ? 1 : 0, value);
  } else {
    if (replace && !(key in parent)) throw new PatchError(`path "${pointer}" does not exist`);
    parent[key] = value;
  }
  return doc;
}

export function jsonPatch(target: Json, operations: Json): Json {
  if (!Array.isArray(operations)) throw new PatchError('a JSON patch must be an array of operations');
  let doc = structuredClone(target);
  for (const raw of operations) {
    if (!isObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string')
      throw new PatchError('each JSON patch operation needs "op" and "path"');
    const { op, path } = raw;
    const from = typeof raw.from === 'string' ? raw.from : undefined;
    if ((op === 'move' || op === 'copy') && from === undefined) throw new PatchError(`"${op}" needs "from"`);
    if (op === 'add') doc = add(doc, path, structuredClone(raw.value), false);
    else if (op === 'replace') doc = add(doc, path, structuredClone(raw.value), true);
    else if (op === 'remove') remove(doc, path);
    else if (op === 'move') doc = add(doc, path, remove(doc, from as string), false);
    else if (op === 'copy') doc = add(doc, path, structuredClone(read(doc, from as string)), false);
    else if (op === 'test') {
      if (JSON.stringify(read(doc, path)) !== JSON.stringify(raw.value))
        throw new PatchError(`testing value "${path}" failed`);
    } else throw new PatchError(`unexpected kind of JSON patch operation "${op}"`);
  }
  return doc;
}
