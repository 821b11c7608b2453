import {
  FLAG_READ_ONLY,
  FLAG_REQUIRED,
  deref,
  type PropertyDef,
  type TypeNode,
  type TypeRef,
  type Typed,
} from './azure-types.js';
import type { Expr, Property } from './bicep-parser.js';

/**
 * Checks a Bicep value against a type definition, the way the Bicep compiler's type checker does for the
 * parts that can be known without evaluating: literals, object keys, array items. An expression whose value
 * depends on parameters, resources or functions is accepted (its type is not known statically), but its
 * literal branches (ternaries) and referenced variables are still checked.
 */

export interface Problem {
  line: number;
  path: string;
  message: string;
}

export interface ValueContext {
  /** `var` declarations of the file, checked in place of a reference to them. */
  vars: Map<string, Expr>;
  /** Variables being checked (a self-referencing variable is a Bicep error, not an endless loop here). */
  visiting: Set<string>;
}

type ObjectShape = {
  properties: Record<string, PropertyDef>;
  additional?: TypeRef;
  nodes: TypeNode[];
  name: string;
};

export function checkValue(expr: Expr, typed: Typed, path: string, ctx: ValueContext): Problem[] {
  switch (expr.kind) {
    case 'ternary':
      return [...checkValue(expr.then, typed, path, ctx), ...checkValue(expr.else, typed, path, ctx)];
    case 'ref': {
      const value = ctx.vars.get(expr.name);
      if (!value || ctx.visiting.has(expr.name)) return [];
      ctx.visiting.add(expr.name);
      try {
        return checkValue(value, typed, path, ctx);
      } finally {
        ctx.visiting.delete(expr.name);
      }
    }
    case 'null':
    case 'call':
    case 'member':
    case 'index':
    case 'binary':
    case 'unary':
    case 'lambda':
    case 'if':
      return [];
    default:
      return checkLiteral(expr, typed, path, ctx);
  }
}

function checkLiteral(expr: Expr, typed: Typed, path: string, ctx: ValueContext): Problem[] {
  const { node, nodes } = typed;
  const here = (message: string): Problem[] => [{ line: expr.line, path, message }];
  switch (node.$type) {
    case 'AnyType':
    case 'ResourceFunctionType':
      return [];
    case 'UnionType':
      return checkUnion(expr, typed, path, ctx, node.elements);
    case 'StringType':
      if (expr.kind === 'interp') return [];
      if (expr.kind !== 'string') return here(`expected a string, found ${kindOf(expr)}`);
      if (node.minLength !== undefined && expr.value.length < node.minLength)
        return here(`'${expr.value}' is shorter than ${node.minLength} characters`);
      if (node.maxLength !== undefined && expr.value.length > node.maxLength)
        return here(`'${expr.value}' is longer than ${node.maxLength} characters`);
      return [];
    case 'StringLiteralType':
      if (expr.kind === 'interp') return [];
      if (expr.kind !== 'string') return here(`expected '${node.value}', found ${kindOf(expr)}`);
      return expr.value === node.value ? [] : here(`expected '${node.value}', found '${expr.value}'`);
    case 'IntegerType':
      if (expr.kind !== 'int') return here(`expected an int, found ${kindOf(expr)}`);
      if (node.minValue !== undefined && expr.value < node.minValue)
        return here(`${expr.value} is less than the minimum ${node.minValue}`);
      if (node.maxValue !== undefined && expr.value > node.maxValue)
        return here(`${expr.value} is more than the maximum ${node.maxValue}`);
      return [];
    case 'BooleanType':
      return expr.kind === 'bool' ? [] : here(`expected a bool, found ${kindOf(expr)}`);
    case 'ArrayType':
      return checkArray(expr, typed, path, ctx);
    case 'ObjectType':
      if (expr.kind !== 'object') return here(`expected an object (${node.name}), found ${kindOf(expr)}`);
      return checkObject(
        expr,
        {
          properties: node.properties,
          nodes,
          name: node.name,
          ...(node.additionalProperties ? { additional: node.additionalProperties } : {}),
        },
        path,
        ctx,
      );
    case 'DiscriminatedObjectType':
      if (expr.kind !== 'object') return here(`expected an object (${node.name}), found ${kindOf(expr)}`);
      return checkDiscriminated(expr, node, nodes, path, ctx);
    default:
      return here(`unsupported type ${node.$type}`);
  }
}

/**
 * ARM's extensible enums are `'A' | 'B' | string`: the compiler accepts any string there, but a literal that
 * is none of the known values is nearly always a typo, so a literal string must be one of them.
 */
function knownValues(typed: Typed, elements: TypeRef[]): TypeRef[] {
  const nodes = elements.map((e) => deref(typed.nodes, e).node);
  const literals = elements.filter((_, i) => nodes[i]?.$type === 'StringLiteralType');
  const open = nodes.some(
    (n) => n.$type === 'StringType' && n.pattern === undefined && n.minLength === undefined,
  );
  const others = elements.filter(
    (_, i) => !['StringType', 'StringLiteralType'].includes(nodes[i]?.$type ?? ''),
  );
  return literals.length > 0 && open ? [...literals, ...others] : elements;
}

function checkUnion(expr: Expr, typed: Typed, path: string, ctx: ValueContext, all: TypeRef[]): Problem[] {
  const elements = expr.kind === 'string' ? knownValues(typed, all) : all;
  const attempts = elements.map((e) => checkValue(expr, deref(typed.nodes, e), path, ctx));
  if (attempts.some((a) => a.length === 0)) return [];
  if (expr.kind === 'string' || expr.kind === 'int' || expr.kind === 'bool') {
    const allowed = elements.map((e) => describeType(deref(typed.nodes, e))).join(' | ');
    return [{ line: expr.line, path, message: `${show(expr)} is not one of ${allowed}` }];
  }
  // Structured value: report the closest alternative's problems.
  return attempts.reduce((best, a) => (a.length < best.length ? a : best));
}

function checkArray(expr: Expr, typed: Typed, path: string, ctx: ValueContext): Problem[] {
  const node = typed.node as Extract<TypeNode, { $type: 'ArrayType' }>;
  const item = deref(typed.nodes, node.itemType);
  if (expr.kind === 'for') return checkValue(unwrapIf(expr.body), item, `${path}[*]`, ctx);
  if (expr.kind !== 'array')
    return [{ line: expr.line, path, message: `expected an array, found ${kindOf(expr)}` }];
  const problems = expr.items.flatMap((x, i) => checkValue(x, item, `${path}[${i}]`, ctx));
  if (!expr.spread && node.minLength !== undefined && expr.items.length < node.minLength)
    problems.push({ line: expr.line, path, message: `needs at least ${node.minLength} items` });
  if (!expr.spread && node.maxLength !== undefined && expr.items.length > node.maxLength)
    problems.push({ line: expr.line, path, message: `allows at most ${node.maxLength} items` });
  return problems;
}

function checkDiscriminated(
  expr: Extract<Expr, { kind: 'object' }>,
  node: Extract<TypeNode, { $type: 'DiscriminatedObjectType' }>,
  nodes: TypeNode[],
  path: string,
  ctx: ValueContext,
): Problem[] {
  const prop = expr.props.find((p) => p.key === node.discriminator);
  const value = prop?.value.kind === 'string' ? prop.value.value : undefined;
  const choices = Object.keys(node.elements);
  if (value === undefined) {
    if (!prop)
      return [
        {
          line: expr.line,
          path,
          message: `missing required property '${node.discriminator}' (one of ${choices.join(', ')})`,
        },
      ];
    return []; // the variant depends on an expression: nothing can be said statically
  }
  const ref = node.elements[value];
  if (!ref) {
    return [
      {
        line: prop?.line ?? expr.line,
        path: join(path, node.discriminator),
        message: `'${value}' is not one of ${choices.join(', ')}`,
      },
    ];
  }
  const element = deref(nodes, ref).node;
  if (element.$type !== 'ObjectType') return [];
  const shape: ObjectShape = {
    properties: { ...node.baseProperties, ...element.properties },
    nodes,
    name: element.name,
    ...(element.additionalProperties ? { additional: element.additionalProperties } : {}),
  };
  return checkObject(expr, shape, path, ctx);
}

/** Bicep keys that are not part of the resource body type. */
export const RESOURCE_KEYWORDS = new Set(['parent', 'scope', 'dependsOn']);

export function checkObject(
  expr: Extract<Expr, { kind: 'object' }>,
  shape: ObjectShape,
  path: string,
  ctx: ValueContext,
  ignore: ReadonlySet<string> = new Set(),
): Problem[] {
  const problems: Problem[] = [];
  for (const prop of expr.props) {
    if (prop.key !== undefined && ignore.has(prop.key)) continue;
    problems.push(...checkProperty(prop, shape, path, ctx));
  }
  const dynamic = expr.spread || expr.props.some((p) => p.key === undefined);
  if (!dynamic) {
    const given = new Set(expr.props.map((p) => p.key));
    for (const [name, def] of Object.entries(shape.properties)) {
      const flags = def.flags ?? 0;
      if (flags & FLAG_REQUIRED && !(flags & FLAG_READ_ONLY) && !given.has(name))
        problems.push({
          line: expr.line,
          path,
          message: `missing required property '${name}' (${shape.name})`,
        });
    }
  }
  return problems;
}

function checkProperty(prop: Property, shape: ObjectShape, path: string, ctx: ValueContext): Problem[] {
  const at = join(path, prop.key ?? '<interpolated key>');
  if (prop.key === undefined) {
    return shape.additional ? checkValue(prop.value, deref(shape.nodes, shape.additional), at, ctx) : [];
  }
  const def = shape.properties[prop.key];
  if (!def) {
    if (shape.additional) return checkValue(prop.value, deref(shape.nodes, shape.additional), at, ctx);
    const near = Object.keys(shape.properties).find((k) => k.toLowerCase() === prop.key?.toLowerCase());
    const hint = near ? ` (did you mean '${near}'?)` : '';
    return [{ line: prop.line, path: at, message: `unknown property '${prop.key}' in ${shape.name}${hint}` }];
  }
  if ((def.flags ?? 0) & FLAG_READ_ONLY)
    return [{ line: prop.line, path: at, message: `read-only property '${prop.key}' must not be set` }];
  return checkValue(prop.value, deref(shape.nodes, def.type), at, ctx);
}

export function unwrapIf(e: Expr): Expr {
  return e.kind === 'if' ? e.body : e;
}

export function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function kindOf(e: Expr): string {
  switch (e.kind) {
    case 'string':
    case 'interp':
      return 'a string';
    case 'int':
      return 'an int';
    case 'bool':
      return 'a bool';
    case 'object':
      return 'an object';
    case 'array':
    case 'for':
      return 'an array';
    default:
      return e.kind;
  }
}

function show(e: Expr): string {
  if (e.kind === 'string') return `'${e.value}'`;
  if (e.kind === 'int' || e.kind === 'bool') return String(e.value);
  return kindOf(e);
}

export function describeType(t: Typed): string {
  const n = t.node;
  switch (n.$type) {
    case 'StringLiteralType':
      return `'${n.value}'`;
    case 'StringType':
      return 'string';
    case 'IntegerType':
      return 'int';
    case 'BooleanType':
      return 'bool';
    case 'ArrayType':
      return 'array';
    case 'UnionType':
      return n.elements.map((e) => describeType(deref(t.nodes, e))).join(' | ');
    default:
      return n.$type === 'ObjectType' || n.$type === 'DiscriminatedObjectType' ? 'object' : n.$type;
  }
}
