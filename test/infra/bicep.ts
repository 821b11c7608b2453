import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A deliberately small reader for the Bicep constructs Gantry's infrastructure uses (no Bicep CLI is
 * available in CI): comments, strings with `${}` interpolation, brackets, `resource`/`param`/`var`
 * declarations, object-literal keys and string templates.
 */

export const ROOT = path.resolve(__dirname, '../..');
export const INFRA = path.join(ROOT, 'infra');

/** Every `.bicep` file under `infra/`, relative to it. */
export function bicepFiles(dir = INFRA): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return bicepFiles(full);
    return entry.name.endsWith('.bicep') ? [path.relative(INFRA, full)] : [];
  });
}

export function readInfra(relative: string): string {
  return stripComments(readFileSync(path.join(INFRA, relative), 'utf8'));
}

/** Removes `//` and block comments, leaving strings (which may contain `//`) intact. */
export function stripComments(text: string): string {
  let out = '';
  let i = 0;
  // Stack of contexts: 's' inside a string, 'i' inside an interpolation (code).
  const stack: ('s' | 'i')[] = [];
  let braceDepth: number[] = [];
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    const top = stack[stack.length - 1];
    if (top === 's') {
      if (c === '\\') {
        out += text.slice(i, i + 2);
        i += 2;
        continue;
      }
      if (c === '$' && next === '{') {
        stack.push('i');
        braceDepth.push(0);
        out += '${';
        i += 2;
        continue;
      }
      if (c === "'") stack.pop();
      out += c;
      i += 1;
      continue;
    }
    if (c === '/' && next === '/') {
      while (i < text.length && text[i] !== '\n') i += 1;
      continue;
    }
    if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
      continue;
    }
    if (c === "'") stack.push('s');
    if (top === 'i') {
      const depth = braceDepth[braceDepth.length - 1] ?? 0;
      if (c === '{') braceDepth[braceDepth.length - 1] = depth + 1;
      if (c === '}') {
        if (depth === 0) {
          stack.pop();
          braceDepth = braceDepth.slice(0, -1);
        } else braceDepth[braceDepth.length - 1] = depth - 1;
      }
    }
    out += c;
    i += 1;
  }
  return out;
}

const OPEN: Record<string, string> = { '{': '}', '(': ')', '[': ']' };

/** The balanced bracketed text starting at `start` (which must be `{`, `(` or `[`), strings respected. */
export function balanced(text: string, start: number): string {
  const stack: string[] = [];
  let inString = false;
  for (let i = start; i < text.length; i += 1) {
    const c = text[i] ?? '';
    if (inString) {
      if (c === '\\') i += 1;
      else if (c === "'") inString = false;
      // Interpolations hold only simple expressions in our files; brackets inside them are balanced.
      continue;
    }
    if (c === "'") inString = true;
    else if (c in OPEN) stack.push(OPEN[c] ?? '');
    else if (c === '}' || c === ')' || c === ']') {
      if (stack.pop() !== c) throw new Error(`unbalanced ${c} at ${i}`);
      if (stack.length === 0) return text.slice(start, i + 1);
    }
  }
  throw new Error(`unterminated bracket at ${start}`);
}

export interface ResourceDecl {
  symbol: string;
  type: string;
  apiVersion: string;
  existing: boolean;
  body: string;
}

export function resources(text: string): ResourceDecl[] {
  const found: ResourceDecl[] = [];
  const re = /^resource\s+(\w+)\s+'([^'@]+)@([^']+)'\s*(existing\s*)?=\s*/gm;
  for (const m of text.matchAll(re)) {
    const bodyStart = text.indexOf(m[0]) + m[0].length;
    const open = text.slice(bodyStart).search(/[{[]/);
    found.push({
      symbol: m[1] ?? '',
      type: m[2] ?? '',
      apiVersion: m[3] ?? '',
      existing: Boolean(m[4]),
      body: balanced(text, bodyStart + open),
    });
  }
  return found;
}

/** The expression assigned by `var name = ...` (a bracketed block or the rest of the line). */
export function varExpression(text: string, name: string): string {
  const m = new RegExp(`^var\\s+${name}\\s*=\\s*`, 'm').exec(text);
  if (!m) throw new Error(`var ${name} not found`);
  const start = m.index + m[0].length;
  const rest = text.slice(start);
  const call = /^[\w.]*\(/.exec(rest);
  if (call) return rest.slice(0, call[0].length - 1) + balanced(text, start + call[0].length - 1);
  if (/^[{[]/.test(rest)) return balanced(text, start);
  return (rest.split('\n')[0] ?? '').trim();
}

/** `var` names bound to a single-quoted literal. */
export function stringVars(text: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const m of text.matchAll(/^var\s+(\w+)\s*=\s*('(?:[^'\\\n]|\\.)*')\s*$/gm)) {
    vars.set(m[1] ?? '', m[2] ?? '');
  }
  return vars;
}

/** Defaults of `param name type = 'literal'`. */
export function paramDefaults(text: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const m of text.matchAll(/^param\s+(\w+)\s+\w+\s*=\s*'([^'\n]*)'\s*$/gm)) {
    params.set(m[1] ?? '', m[2] ?? '');
  }
  return params;
}

/** Keys of an object literal `{ ... }`, at its top level only. */
export function objectKeys(literal: string): string[] {
  const keys: string[] = [];
  const inner = literal.trim().replace(/^\{/, '').replace(/\}$/, '');
  let depth = 0;
  let inString = false;
  let segment = '';
  const flush = (): void => {
    const m = /^\s*('?)([A-Za-z_][\w-]*)\1\s*:/.exec(segment);
    if (m?.[2]) keys.push(m[2]);
    segment = '';
  };
  for (const c of inner) {
    if (inString) {
      if (c === "'") inString = false;
    } else if (c === "'") inString = true;
    else if (c === '{' || c === '[' || c === '(') depth += 1;
    else if (c === '}' || c === ']' || c === ')') depth -= 1;
    else if (depth === 0 && (c === '\n' || c === ',')) {
      flush();
      continue;
    }
    segment += c;
  }
  flush();
  return keys;
}

/** All `{ ... }` object literals directly inside an expression such as `union({..}, c ? {} : {..})`. */
export function objectLiterals(expression: string): string[] {
  const literals: string[] = [];
  let i = 0;
  let inString = false;
  while (i < expression.length) {
    const c = expression[i] ?? '';
    if (inString) {
      if (c === "'") inString = false;
      i += 1;
      continue;
    }
    if (c === "'") inString = true;
    if (c === '{') {
      const lit = balanced(expression, i);
      literals.push(lit);
      i += lit.length;
      continue;
    }
    i += 1;
  }
  return literals;
}

/** Items of a single-line-per-item or inline array literal of strings. */
export function stringArray(literal: string): string[] {
  return [...literal.matchAll(/'([^'\n]*)'/g)].map((m) => m[1] ?? '');
}

export interface NamingContext {
  abbreviations: Record<string, string>;
  vars: Map<string, string>;
  values: Record<string, string>;
}

/** Evaluates a Bicep string template made of literals and `${...}` with the functions names use. */
export function evaluateName(literal: string, ctx: NamingContext): string {
  const body = literal.replace(/^'/, '').replace(/'$/, '');
  return body.replace(/\$\{([^}]*)\}/g, (_, expr: string) => evaluateExpression(expr.trim(), ctx));
}

function evaluateExpression(expr: string, ctx: NamingContext): string {
  if (expr.startsWith("'")) return evaluateName(expr, ctx);
  const abbr = /^abbrs\.(\w+)$/.exec(expr);
  if (abbr?.[1]) {
    const value = ctx.abbreviations[abbr[1]];
    if (value === undefined) throw new Error(`unknown abbreviation ${abbr[1]}`);
    return value;
  }
  const take = /^take\((.*),\s*(\d+)\)$/.exec(expr);
  if (take?.[1] && take[2]) return evaluateExpression(take[1].trim(), ctx).slice(0, Number(take[2]));
  const lower = /^toLower\((.*)\)$/.exec(expr);
  if (lower?.[1]) return evaluateExpression(lower[1].trim(), ctx).toLowerCase();
  if (/^\w+$/.test(expr)) {
    const value = ctx.values[expr];
    if (value !== undefined) return value;
    const literal = ctx.vars.get(expr);
    if (literal !== undefined) return evaluateName(literal, ctx);
  }
  throw new Error(`cannot evaluate ${expr}`);
}
