import { ApiError, asRecord, badRequest, type Json } from './kube-api.js';

/**
 * The three PATCH flavours the API server accepts as JSON: RFC 6902 JSON Patch, RFC 7386 merge patch,
 * and strategic merge patch (lists of containers, env, volumes, ... merged by their key).
 */

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The apiserver answers a JSON Patch that does not apply with 422 and the library's message. */
const unprocessable = (message: string) => new ApiError(422, 'Invalid', message);

function pointer(path: unknown): string[] {
  if (typeof path !== 'string' || (path !== '' && !path.startsWith('/')))
    throw badRequest(`invalid JSON pointer ${JSON.stringify(path)}`);
  return path === ''
    ? []
    : path
        .slice(1)
        .split('/')
        .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function container(doc: unknown, tokens: string[], op: string, path: string): unknown {
  let node = doc;
  for (const token of tokens) {
    node = Array.isArray(node) ? node[Number(token)] : isObject(node) ? node[token] : undefined;
    if (node === undefined)
      throw unprocessable(`${op} operation does not apply: doc is missing path: "${path}"`);
  }
  return node;
}

function arrayIndex(parent: unknown[], token: string, allowEnd: boolean): number {
  const index = token === '-' && allowEnd ? parent.length : Number(token);
  const max = allowEnd ? parent.length : parent.length - 1;
  if (!/^(0|[1-9]\d*|-)$/.test(token) || !Number.isInteger(index) || index > max)
    throw unprocessable(`Unable to access invalid index: ${token}`);
  return index;
}

const read = (doc: unknown, path: string, op: string): unknown => container(doc, pointer(path), op, path);

function write(doc: unknown, path: string, value: unknown, mode: 'add' | 'replace' | 'remove'): unknown {
  const tokens = pointer(path);
  if (tokens.length === 0) return mode === 'remove' ? undefined : value;
  const last = tokens[tokens.length - 1] as string;
  const parent = container(doc, tokens.slice(0, -1), mode, path);
  if (Array.isArray(parent)) {
    const index = arrayIndex(parent, last, mode === 'add');
    if (mode === 'add') parent.splice(index, 0, value);
    else if (mode === 'replace') parent[index] = value;
    else parent.splice(index, 1);
  } else if (isObject(parent)) {
    if (mode !== 'add' && !(last in parent))
      throw unprocessable(`${mode} operation does not apply: doc is missing key: ${path}`);
    if (mode === 'remove') delete parent[last];
    else parent[last] = value;
  } else {
    throw unprocessable(`${mode} operation does not apply: doc is missing path: "${path}"`);
  }
  return doc;
}

const equal = (a: unknown, b: unknown): boolean => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
function sorted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sorted);
  if (!isObject(v)) return v;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, sorted(v[k])]),
  );
}

export function jsonPatch(doc: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops))
    throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let result = structuredClone(doc);
  for (const raw of ops) {
    const op = asRecord(raw);
    const path = String(op.path);
    switch (op.op) {
      case 'add':
      case 'replace':
        if (!('value' in op)) throw badRequest(`${String(op.op)} operation has no value`);
        result = write(result, path, structuredClone(op.value), op.op);
        break;
      case 'remove':
        read(result, path, 'remove');
        result = write(result, path, undefined, 'remove');
        break;
      case 'move':
      case 'copy': {
        const value = structuredClone(read(result, String(op.from), op.op));
        if (op.op === 'move') result = write(result, String(op.from), undefined, 'remove');
        result = write(result, path, value, 'add');
        break;
      }
      case 'test':
        if (!equal(read(result, path, 'test'), op.value))
          throw unprocessable(`testing value ${path} failed: test failed`);
        break;
      default:
        throw badRequest(`Unexpected kind: ${JSON.stringify(op.op)}`);
    }
  }
  return result;
}

/** RFC 7386: objects merge recursively, `null` deletes, anything else (arrays too) replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const out: Json = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

/** patchMergeKey of the lists a Deployment or Job template carries (k8s.io/api struct tags). */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  ports: 'containerPort',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
};

/** Strategic merge patch for built-in types: like merge patch, but keyed lists merge element-wise. */
export function strategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  if (patch.$patch === 'replace') return withoutDirectives(patch);
  const out: Json = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$')) continue; // $setElementOrder/..., $retainKeys, $patch: ordering hints
    const mergeKey = MERGE_KEYS[key];
    if (value === null) delete out[key];
    else if (mergeKey && Array.isArray(value)) out[key] = mergeList(out[key], value, mergeKey, key);
    else out[key] = strategicMergePatch(out[key], value);
  }
  return out;
}

function mergeList(current: unknown, patch: unknown[], mergeKey: string, field: string): unknown[] {
  const result = Array.isArray(current) ? [...current] : [];
  for (const item of patch) {
    if (!isObject(item) || item[mergeKey] === undefined)
      throw unprocessable(
        `map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey} (${field})`,
      );
    const index = result.findIndex((e) => isObject(e) && e[mergeKey] === item[mergeKey]);
    if (item.$patch === 'delete') {
      if (index >= 0) result.splice(index, 1);
    } else if (index >= 0) {
      result[index] = strategicMergePatch(result[index], item);
    } else {
      result.push(withoutDirectives(item));
    }
  }
  return result;
}

function withoutDirectives(value: Json): Json {
  return Object.fromEntries(Object.entries(value).filter(([k]) => !k.startsWith('$')));
}
