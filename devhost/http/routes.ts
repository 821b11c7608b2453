import { compileConstraint, type Constraint } from './route-constraints.js';

/*
 * Route templates as ASP.NET Core (and so the Functions host) understands them: literal segments,
 * `{param}`, `{param?}`, `{param=default}`, inline constraints `{id:int:min(1)}`, catch-all `{*rest}`
 * and complex segments such as `{name}.{ext}`. `{{` / `}}` escape braces (needed inside regex(...)).
 */

interface RouteParam {
  name: string;
  optional: boolean;
  catchAll: boolean;
  defaultValue: string | undefined;
  constraints: Constraint[];
}

type Part = { literal: string } | { param: RouteParam };

export interface CompiledRoute {
  template: string;
  /** ASP.NET inbound precedence, one digit per segment; smaller sorts first. */
  precedence: number[];
  /** Parameter values (percent-decoded) when `path` (no prefix, no query) matches. */
  match(path: string): Record<string, string> | undefined;
}

export function compileRoute(template: string): CompiledRoute {
  const clean = template.replace(/^~?\/+/, '').replace(/\/+$/, '');
  const segments = splitTemplate(clean).map((s) => parseSegment(s, template));
  validate(segments, template);
  const matchers = segments.map((parts) => segmentMatcher(parts));
  return {
    template,
    precedence: segments.map(precedenceDigit),
    match: (path) => matchSegments(segments, matchers, splitPath(path)),
  };
}

/** Orders routes the way ASP.NET does: literals before parameters before catch-alls, then by text. */
export function compareRoutes(a: CompiledRoute, b: CompiledRoute): number {
  const n = Math.min(a.precedence.length, b.precedence.length);
  for (let i = 0; i < n; i++) {
    const d = (a.precedence[i] as number) - (b.precedence[i] as number);
    if (d !== 0) return d;
  }
  if (a.precedence.length !== b.precedence.length) return a.precedence.length - b.precedence.length;
  const x = a.template.toLowerCase();
  const y = b.template.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Raw (still percent-encoded) path segments; a trailing slash is ignored. */
export function splitPath(path: string): string[] {
  const trimmed = path.replace(/^\/+/, '').replace(/\/$/, '');
  return trimmed === '' ? [] : trimmed.split('/');
}

function splitTemplate(template: string): string[] {
  if (template === '') return [];
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < template.length; i++) {
    const ch = template[i];
    const next = template[i + 1];
    if ((ch === '{' && next === '{') || (ch === '}' && next === '}')) i++;
    else if (ch === '{') depth++;
    else if (ch === '}') depth--;
    else if (ch === '/' && depth === 0) {
      out.push(template.slice(start, i));
      start = i + 1;
    }
  }
  out.push(template.slice(start));
  return out;
}

function parseSegment(segment: string, template: string): Part[] {
  if (segment === '') throw new Error(`Route "${template}" has an empty segment.`);
  const parts: Part[] = [];
  let literal = '';
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i] as string;
    if ((ch === '{' || ch === '}') && segment[i + 1] === ch) {
      literal += ch;
      i++;
    } else if (ch === '{') {
      if (literal) parts.push({ literal });
      literal = '';
      let text = '';
      for (i++; i < segment.length; i++) {
        const c = segment[i] as string;
        if ((c === '{' || c === '}') && segment[i + 1] === c) text += segment[i++];
        else if (c === '}') break;
        else text += c;
      }
      if (i >= segment.length) throw new Error(`Route "${template}" has an unclosed "{".`);
      parts.push({ param: parseParam(text, template) });
    } else if (ch === '}') {
      throw new Error(`Route "${template}" has an unmatched "}".`);
    } else literal += ch;
  }
  if (literal) parts.push({ literal });
  return parts;
}

function parseParam(text: string, template: string): RouteParam {
  const catchAll = text.startsWith('*');
  let body = text.replace(/^\*{1,2}/, '');
  let defaultValue: string | undefined;
  const eq = indexAtDepth0(body, '=');
  if (eq >= 0) {
    defaultValue = body.slice(eq + 1);
    body = body.slice(0, eq);
  }
  const optional = body.endsWith('?');
  if (optional) body = body.slice(0, -1);
  const [name = '', ...constraintTexts] = splitAtDepth0(body, ':');
  if (!/^[A-Za-z_][\w-]*$/.test(name))
    throw new Error(`Route "${template}" has an invalid parameter name "${name}".`);
  if (optional && defaultValue !== undefined) {
    throw new Error(`Route "${template}": parameter "${name}" cannot be optional and have a default.`);
  }
  const constraints = constraintTexts.map((c) => compileConstraint(c, `route "${template}"`));
  return { name, optional, catchAll, defaultValue, constraints };
}

function validate(segments: Part[][], template: string): void {
  const names = new Set<string>();
  segments.forEach((parts, index) => {
    const last = index === segments.length - 1;
    parts.forEach((part, partIndex) => {
      if (!('param' in part)) return;
      const { name, optional, catchAll } = part.param;
      const key = name.toLowerCase();
      if (names.has(key)) throw new Error(`Route "${template}" uses parameter "${name}" twice.`);
      names.add(key);
      if (catchAll && (!last || parts.length > 1)) {
        throw new Error(`Route "${template}": catch-all "${name}" must be the whole last segment.`);
      }
      if (optional && (!last || partIndex !== parts.length - 1)) {
        throw new Error(`Route "${template}": only the last parameter may be optional ("${name}").`);
      }
    });
    for (let i = 1; i < parts.length; i++) {
      if ('param' in (parts[i] as Part) && 'param' in (parts[i - 1] as Part)) {
        throw new Error(`Route "${template}": two parameters in one segment need a literal between them.`);
      }
    }
  });
}

type SegmentMatcher = (raw: string) => Record<string, string> | undefined;

function segmentMatcher(parts: Part[]): SegmentMatcher {
  const [only] = parts;
  if (parts.length === 1 && only && 'literal' in only) {
    const literal = only.literal.toLowerCase();
    return (raw) => (decode(raw).toLowerCase() === literal ? {} : undefined);
  }
  if (parts.length === 1 && only && 'param' in only) {
    return (raw) => bindParam(only.param, decode(raw));
  }
  const last = parts[parts.length - 1];
  if (last && 'param' in last && last.param.optional) {
    // `{name}.{ext?}`: try with the optional part first (so "a.b.md" gives ext "md"), then without it.
    const full = complexMatcher([...parts.slice(0, -1), { param: { ...last.param, optional: false } }]);
    const short = complexMatcher(parts.slice(0, -2));
    return (raw) => full(raw) ?? short(raw);
  }
  return complexMatcher(parts);
}

/** Greedy groups give ASP.NET's right-to-left matching ({a}.{b} on "x.y.z" → "x.y", "z"). */
function complexMatcher(parts: Part[]): SegmentMatcher {
  const params: RouteParam[] = [];
  const source = parts
    .map((part) => {
      if ('literal' in part) return escapeRegExp(part.literal);
      params.push(part.param);
      return '(.+)';
    })
    .join('');
  const regex = new RegExp(`^${source}$`, 'is');
  return (raw) => {
    const m = regex.exec(decode(raw));
    if (!m) return undefined;
    const values: Record<string, string> = {};
    for (const [i, param] of params.entries()) {
      const bound = bindParam(param, m[i + 1] ?? '');
      if (!bound) return undefined;
      Object.assign(values, bound);
    }
    return values;
  };
}

function matchSegments(
  segments: Part[][],
  matchers: SegmentMatcher[],
  path: string[],
): Record<string, string> | undefined {
  const values: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const parts = segments[i] as Part[];
    const first = parts[0] as Part;
    if ('param' in first && first.param.catchAll) {
      const bound = bindParam(first.param, path.slice(i).map(decode).join('/'));
      return bound ? Object.assign(values, bound) : undefined;
    }
    const raw = path[i];
    if (raw === undefined) {
      // Only a trailing optional (or defaulted) parameter may be absent.
      if (parts.length !== 1 || !('param' in first)) return undefined;
      const bound = bindParam(first.param, '');
      if (!bound) return undefined;
      Object.assign(values, bound);
      continue;
    }
    const bound = (matchers[i] as SegmentMatcher)(raw);
    if (!bound) return undefined;
    Object.assign(values, bound);
  }
  return path.length > segments.length ? undefined : values;
}

/** `''` is "absent": allowed for optional and defaulted parameters (and catch-alls). */
function bindParam(param: RouteParam, value: string): Record<string, string> | undefined {
  if (value === '') {
    if (param.defaultValue !== undefined) return { [param.name]: param.defaultValue };
    return param.optional || param.catchAll ? {} : undefined;
  }
  return param.constraints.every((c) => c(value)) ? { [param.name]: value } : undefined;
}

function precedenceDigit(parts: Part[]): number {
  const [first] = parts;
  if (parts.length > 1 || !first) return 2;
  if ('literal' in first) return 1;
  const constrained = first.param.constraints.length > 0 ? 1 : 0;
  return (first.param.catchAll ? 5 : 3) - constrained;
}

function decode(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw; // malformed escapes are matched literally rather than failing the request
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function indexAtDepth0(text: string, ch: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ch && depth === 0) return i;
  }
  return -1;
}

function splitAtDepth0(text: string, ch: string): string[] {
  const out: string[] = [];
  let rest = text;
  for (let i = indexAtDepth0(rest, ch); i >= 0; i = indexAtDepth0(rest, ch)) {
    out.push(rest.slice(0, i));
    rest = rest.slice(i + 1);
  }
  out.push(rest);
  return out;
}
