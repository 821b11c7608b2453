import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AzureTypes, Typed } from './azure-types.js';
import { parseBicep, type BicepFile, type Expr, type ResourceStmt, type Statement } from './bicep-parser.js';
import { RESOURCE_KEYWORDS, checkObject, unwrapIf, type Problem, type ValueContext } from './value-check.js';

/**
 * Every resource of one Bicep file checked against the Azure type definitions; each module file is checked
 * on its own, and a module call's `params` against the parameters the module declares.
 */

export interface Finding extends Problem {
  file: string;
}
export interface ResourceInfo {
  file: string;
  line: number;
  symbol: string;
  /** Fully qualified `Provider/type@version` (nested resources resolved against their parents). */
  type: string;
  existing: boolean;
  status: 'checked' | 'existing' | 'unchecked';
}
export interface FileReport {
  problems: Finding[];
  resources: ResourceInfo[];
}

export function checkBicepFile(file: string, text: string, types: AzureTypes, infraDir?: string): FileReport {
  const parsed = parseBicep(text);
  const vars = new Map<string, Expr>();
  for (const s of parsed.statements) if (s.kind === 'var') vars.set(s.name, s.value);
  const ctx: ValueContext = { vars, visiting: new Set() };
  const report: FileReport = { problems: [], resources: [] };
  const walk = (r: ResourceStmt, parent?: string): void => {
    const type = qualify(r.type, parent);
    const body = bodyOf(r.value);
    report.resources.push(checkResource(file, r, type, body, types, ctx, report.problems));
    for (const child of body?.resources ?? []) walk(child, type);
  };
  for (const s of parsed.statements) if (s.kind === 'resource') walk(s);
  if (infraDir) report.problems.push(...checkModuleCalls(file, parsed, infraDir));
  return report;
}

function checkResource(
  file: string,
  r: ResourceStmt,
  type: string,
  body: Extract<Expr, { kind: 'object' }> | undefined,
  types: AzureTypes,
  ctx: ValueContext,
  problems: Finding[],
): ResourceInfo {
  const info = { file, line: r.line, symbol: r.symbol, type, existing: r.existing };
  const def = types.resource(type);
  if (!def) {
    if (!types.knowsNamespace(type)) return { ...info, status: 'unchecked' };
    problems.push({
      file,
      line: r.line,
      path: r.symbol,
      message: `unknown resource type or API version ${type}`,
    });
    return { ...info, status: 'checked' };
  }
  if (r.existing) return { ...info, status: 'existing' };
  if (!body) {
    problems.push({
      file,
      line: r.line,
      path: r.symbol,
      message: 'the resource body is not an object literal',
    });
    return { ...info, status: 'checked' };
  }
  const found = checkBody(body, def.body, r.symbol, ctx);
  problems.push(...found.map((p) => ({ file, ...p })));
  return { ...info, status: 'checked' };
}

function checkBody(
  body: Extract<Expr, { kind: 'object' }>,
  typed: Typed,
  symbol: string,
  ctx: ValueContext,
): Problem[] {
  const { node, nodes } = typed;
  if (node.$type === 'ObjectType') {
    const shape = {
      properties: node.properties,
      nodes,
      name: node.name,
      ...(node.additionalProperties ? { additional: node.additionalProperties } : {}),
    };
    return checkObject(body, shape, symbol, ctx, RESOURCE_KEYWORDS);
  }
  if (node.$type === 'DiscriminatedObjectType') {
    const prop = body.props.find((p) => p.key === node.discriminator);
    const value = prop?.value.kind === 'string' ? prop.value.value : undefined;
    const ref = value === undefined ? undefined : node.elements[value];
    if (value !== undefined && !ref) {
      const choices = Object.keys(node.elements).join(', ');
      return [
        {
          line: prop?.line ?? body.line,
          path: `${symbol}.${node.discriminator}`,
          message: `'${value}' is not one of ${choices}`,
        },
      ];
    }
    const element = ref ? nodes[Number(ref.$ref.slice(2))] : undefined;
    const own = element?.$type === 'ObjectType' ? element : undefined;
    const shape = {
      properties: { ...node.baseProperties, ...(own?.properties ?? {}) },
      nodes,
      name: own?.name ?? node.name,
      ...(own?.additionalProperties ? { additional: own.additionalProperties } : {}),
    };
    // Without a literal discriminator the variant is unknown: only the shared properties can be checked.
    if (!own) return [];
    return checkObject(body, shape, symbol, ctx, RESOURCE_KEYWORDS);
  }
  return [{ line: body.line, path: symbol, message: `unexpected body type ${node.$type}` }];
}

/** The object literal of `{...}`, `if (c) {...}`, `[for x in y: {...}]` or `[for ...: if (c) {...}]`. */
export function bodyOf(value: Expr): Extract<Expr, { kind: 'object' }> | undefined {
  const inner = unwrapIf(value.kind === 'for' ? value.body : value);
  const body = unwrapIf(inner);
  return body.kind === 'object' ? body : undefined;
}

/** `Provider/type@v`, or a nested resource's relative `child` / `child@v` under its parent's type. */
export function qualify(type: string, parent?: string): string {
  const [name = '', version] = type.split('@');
  if (name.includes('/') && name.split('/')[0]?.includes('.')) return type;
  if (!parent) return type;
  const [parentName, parentVersion] = parent.split('@');
  return `${parentName}/${name}@${version ?? parentVersion}`;
}

/** A module's `params` against the module file's `param` declarations (names known, required ones given). */
function checkModuleCalls(file: string, parsed: BicepFile, infraDir: string): Finding[] {
  const problems: Finding[] = [];
  for (const s of parsed.statements) {
    if (s.kind !== 'module' || s.path.startsWith('br:') || s.path.startsWith('ts:')) continue;
    const target = path.join(path.dirname(path.join(infraDir, file)), s.path);
    const declared = parseBicep(readFileSync(target, 'utf8')).statements.filter(
      (x): x is Extract<Statement, { kind: 'param' }> => x.kind === 'param',
    );
    const body = bodyOf(s.value);
    const params = body?.props.find((p) => p.key === 'params')?.value;
    if (!body || (params && params.kind !== 'object')) continue;
    const given = params?.kind === 'object' ? params.props : [];
    const at = (key: string) => `${s.symbol}.params.${key}`;
    for (const p of given) {
      const decl = declared.find((d) => d.name === p.key);
      if (!decl)
        problems.push({
          file,
          line: p.line,
          path: at(p.key ?? '?'),
          message: `${s.path} has no parameter '${p.key}'`,
        });
      else {
        const wrong = literalMismatch(p.value, decl.type) ?? notAllowed(p.value, decl);
        if (wrong) problems.push({ file, line: p.line, path: at(decl.name), message: wrong });
      }
    }
    for (const d of declared) {
      if (d.default === undefined && !given.some((p) => p.key === d.name))
        problems.push({
          file,
          line: s.line,
          path: `${s.symbol}.params`,
          message: `missing parameter '${d.name}' of ${s.path}`,
        });
    }
  }
  return problems;
}

/** A literal argument outside the parameter's `@allowed([...])` list. */
function notAllowed(value: Expr, decl: Extract<Statement, { kind: 'param' }>): string | undefined {
  const allowed = decl.decorators.find((d) => d.name === 'allowed')?.args[0];
  if (allowed?.kind !== 'array' || !['string', 'int', 'bool'].includes(value.kind)) return undefined;
  const values = allowed.items.map((i) => ('value' in i ? i.value : undefined));
  const given = 'value' in value ? value.value : undefined;
  if (values.includes(given)) return undefined;
  return `${JSON.stringify(given)} is not allowed (${values.map((v) => JSON.stringify(v)).join(', ')})`;
}

function literalMismatch(value: Expr, type: string): string | undefined {
  const kinds: Record<string, Expr['kind'][]> = {
    string: ['string', 'interp'],
    int: ['int'],
    bool: ['bool'],
    object: ['object'],
    array: ['array', 'for'],
  };
  const literal = ['string', 'interp', 'int', 'bool', 'object', 'array', 'for'];
  const expected = kinds[type];
  if (!expected || !literal.includes(value.kind) || expected.includes(value.kind)) return undefined;
  return `parameter of type ${type} given ${value.kind === 'interp' ? 'string' : value.kind}`;
}
