import { readFileSync } from 'node:fs';
import path from 'node:path';
import { INFRA } from './bicep.js';
import { parseBicep, type BicepFile, type Expr, type ResourceStmt, type Statement } from './bicep-parser.js';
import { bodyOf } from './resource-check.js';

/** Small lookups over parsed Bicep for tests that assert what the infrastructure configures. */

export function parseInfra(file: string): BicepFile {
  return parseBicep(readFileSync(path.join(INFRA, file), 'utf8'));
}

export function resourcesOf(file: BicepFile, typePrefix: string): ResourceStmt[] {
  return file.statements.filter(
    (s): s is ResourceStmt => s.kind === 'resource' && s.type.startsWith(`${typePrefix}@`),
  );
}

export function statement<K extends Statement['kind']>(
  file: BicepFile,
  kind: K,
  name: string,
): Extract<Statement, { kind: K }> {
  const found = file.statements.find(
    (s) => s.kind === kind && ('name' in s ? s.name === name : 'symbol' in s && s.symbol === name),
  );
  if (!found) throw new Error(`${kind} ${name} not found`);
  return found as Extract<Statement, { kind: K }>;
}

/** The value at a dotted path of an object literal (a resource's body when given a resource). */
export function at(value: Expr | ResourceStmt, dotted: string): Expr | undefined {
  let current: Expr | undefined = 'symbol' in value ? bodyOf(value.value) : value;
  for (const key of dotted.split('.')) {
    if (current?.kind !== 'object') return undefined;
    current = current.props.find((p) => p.key === key)?.value;
  }
  return current;
}

/** A plain literal as a JavaScript value (objects and arrays of literals), or undefined if not literal. */
export function literal(e: Expr | undefined): unknown {
  switch (e?.kind) {
    case 'string':
    case 'int':
    case 'bool':
      return e.value;
    case 'null':
      return null;
    case 'array': {
      const items = e.items.map(literal);
      return items.includes(undefined) ? undefined : items;
    }
    case 'object': {
      const entries = e.props.map((p) => [p.key, literal(p.value)] as const);
      if (entries.some(([k, v]) => k === undefined || v === undefined)) return undefined;
      return Object.fromEntries(entries);
    }
    default:
      return undefined;
  }
}

/** Source-like rendering of an expression, for asserting on references and calls. */
export function render(e: Expr | undefined): string {
  if (!e) return '';
  switch (e.kind) {
    case 'string':
      return `'${e.value}'`;
    case 'interp':
      return `'${e.parts.map((p) => (typeof p === 'string' ? p : `\${${render(p)}}`)).join('')}'`;
    case 'int':
    case 'bool':
      return String(e.value);
    case 'null':
      return 'null';
    case 'ref':
      return e.name;
    case 'member':
      return `${render(e.object)}.${e.name}`;
    case 'index':
      return `${render(e.object)}[${render(e.index)}]`;
    case 'call':
      return `${render(e.callee)}(${e.args.map(render).join(', ')})`;
    case 'ternary':
      return `${render(e.cond)} ? ${render(e.then)} : ${render(e.else)}`;
    case 'binary':
      return `${render(e.left)} ${e.op} ${render(e.right)}`;
    case 'unary':
      return `${e.op}${render(e.operand)}`;
    default:
      return `<${e.kind}>`;
  }
}
