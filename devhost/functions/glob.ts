import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/*
 * A small glob for `package.json` `main` (the worker uses globby): `*`, `?`, `**`, `[...]` and
 * `{a,b}` (nested). `fs.glob` would do but is Node 22 only. Like globby's defaults, wildcards do not
 * match dot-files, and `node_modules` is never walked (apps put their entry points under dist/src).
 */

const GLOB_CHARS = /[*?[{]/;

/** `a/{b,c{d,e}}/f` → `a/b/f`, `a/cd/f`, `a/ce/f`. Braces without a top-level comma stay literal. */
export function expandBraces(pattern: string): string[] {
  for (let open = pattern.indexOf('{'); open >= 0; open = pattern.indexOf('{', open + 1)) {
    const parts: string[] = [];
    let depth = 0;
    let start = open + 1;
    for (let i = open + 1; i < pattern.length; i++) {
      const ch = pattern[i];
      if (ch === '{') depth++;
      else if (ch === '}' && depth > 0) depth--;
      else if (ch === ',' && depth === 0) {
        parts.push(pattern.slice(start, i));
        start = i + 1;
      } else if (ch === '}') {
        if (parts.length === 0) break; // `{a}`: literal, look for a later brace
        parts.push(pattern.slice(start, i));
        const before = pattern.slice(0, open);
        const after = pattern.slice(i + 1);
        return parts.flatMap((p) => expandBraces(before + p + after));
      }
    }
  }
  return [pattern];
}

/** Converts one brace-free pattern (posix separators) to an anchored RegExp. */
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  const segments = pattern.split('/');
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    if (segment === '**') {
      // zero or more directories (never dot-directories)
      source += last ? '(?:(?!\\.)[^/]*(?:/(?!\\.)[^/]*)*)?' : '(?:(?!\\.)[^/]+/)*';
      return;
    }
    source += segmentToRegExp(segment) + (last ? '' : '/');
  });
  return new RegExp(`^${source}$`);
}

function segmentToRegExp(segment: string): string {
  let out = segment.startsWith('.') ? '' : '(?!\\.)';
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i] as string;
    if (ch === '*') out += '[^/]*';
    else if (ch === '?') out += '[^/]';
    else if (ch === '[') {
      const close = segment.indexOf(']', i + 2);
      if (close < 0) out += '\\[';
      else {
        const body = segment
          .slice(i + 1, close)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        out += `[${body}]`;
        i = close;
      }
    } else out += ch.replace(/[.+^$()|\\\]{}]/g, '\\$&');
  }
  return out;
}

/** Files under `rootDir` matching `pattern` (relative posix paths, sorted). */
export function findFiles(rootDir: string, pattern: string): string[] {
  const found = new Set<string>();
  for (const expanded of expandBraces(pattern.replace(/\\/g, '/').replace(/^\.\//, ''))) {
    const segments = expanded.split('/');
    const firstGlob = segments.findIndex((s) => GLOB_CHARS.test(s));
    if (firstGlob < 0) {
      if (isFile(path.join(rootDir, expanded))) found.add(expanded);
      continue;
    }
    const base = segments.slice(0, firstGlob).join('/');
    const regex = globToRegExp(expanded);
    const maxDepth = segments.includes('**') ? Infinity : segments.length - firstGlob;
    walk(rootDir, base, maxDepth, (rel) => {
      if (regex.test(rel)) found.add(rel);
    });
  }
  return [...found].sort();
}

function walk(rootDir: string, rel: string, depth: number, visit: (rel: string) => void): void {
  if (depth <= 0) return;
  let entries;
  try {
    entries = readdirSync(path.join(rootDir, rel), { withFileTypes: true });
  } catch {
    return; // a missing base directory simply matches nothing
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    const full = path.join(rootDir, child);
    if (entry.isDirectory()) walk(rootDir, child, depth - 1, visit);
    else if (entry.isFile() || (entry.isSymbolicLink() && isFile(full))) visit(child);
  }
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
