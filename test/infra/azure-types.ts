import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './bicep.js';

/**
 * The Bicep compiler's generated type definitions (Azure/bicep-types-az and msgraph-bicep-types), read from
 * the shared reference folder `../shared/reference/azure-types` next to the repository (see its README for
 * the format). They are not copied into the repository: they are generated data, kept once for all
 * checkouts.
 */

export interface TypeRef {
  $ref: string;
}
export interface PropertyDef {
  type: TypeRef;
  flags?: number;
  description?: string;
}
export type TypeNode =
  | { $type: 'ResourceType'; name: string; body: TypeRef }
  | {
      $type: 'ObjectType';
      name: string;
      properties: Record<string, PropertyDef>;
      additionalProperties?: TypeRef;
    }
  | {
      $type: 'DiscriminatedObjectType';
      name: string;
      discriminator: string;
      baseProperties: Record<string, PropertyDef>;
      elements: Record<string, TypeRef>;
    }
  | { $type: 'StringType'; minLength?: number; maxLength?: number; pattern?: string; sensitive?: boolean }
  | { $type: 'StringLiteralType'; value: string }
  | { $type: 'UnionType'; elements: TypeRef[] }
  | { $type: 'ArrayType'; itemType: TypeRef; minLength?: number; maxLength?: number }
  | { $type: 'IntegerType'; minValue?: number; maxValue?: number }
  | { $type: 'BooleanType' }
  | { $type: 'AnyType' }
  | { $type: 'ResourceFunctionType' }
  | { $type: 'NullType' };

export const FLAG_REQUIRED = 1;
export const FLAG_READ_ONLY = 2;

/** A type node together with the file (array) its `$ref`s index into. */
export interface Typed {
  node: TypeNode;
  nodes: TypeNode[];
}

export class AzureTypes {
  /** Lower-cased `provider/type@version` → the resource body type. */
  private readonly resources = new Map<string, { name: string; body: Typed }>();
  /** Lower-cased provider namespaces that have at least one definition here. */
  readonly namespaces = new Set<string>();

  constructor(readonly dir: string) {
    for (const provider of readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory())) {
      for (const version of readdirSync(path.join(dir, provider.name))) {
        const file = path.join(dir, provider.name, version, 'types.json');
        if (!existsSync(file)) continue;
        const nodes = JSON.parse(readFileSync(file, 'utf8')) as TypeNode[];
        for (const node of nodes) {
          if (node.$type !== 'ResourceType') continue;
          this.namespaces.add((node.name.split('/')[0] ?? '').toLowerCase());
          const key = node.name.toLowerCase();
          // Some resource types are listed twice (readable-only duplicates); the first with a body wins.
          if (!this.resources.has(key))
            this.resources.set(key, { name: node.name, body: deref(nodes, node.body) });
        }
      }
    }
  }

  /** The body of `type@version`, or undefined when it is not defined here. */
  resource(typeAndVersion: string): { name: string; body: Typed } | undefined {
    return this.resources.get(typeAndVersion.toLowerCase());
  }

  /** Whether this folder has definitions for the type's provider namespace at all. */
  knowsNamespace(typeAndVersion: string): boolean {
    return this.namespaces.has((typeAndVersion.split('/')[0] ?? '').toLowerCase());
  }
}

export function deref(nodes: TypeNode[], ref: TypeRef): Typed {
  const index = Number(/^#\/(\d+)$/.exec(ref.$ref)?.[1]);
  const node = nodes[index];
  if (!node) throw new Error(`dangling type reference ${ref.$ref}`);
  return { node, nodes };
}

/** The shared folder, looked up from the repository and its parents (main checkout or a worktree). */
export function findAzureTypesDir(start = ROOT): string {
  let dir = start;
  for (let i = 0; i < 4; i += 1) {
    const candidate = path.join(dir, '..', 'shared', 'reference', 'azure-types');
    if (existsSync(path.join(candidate, 'README.md'))) return path.resolve(candidate);
    dir = path.dirname(dir);
  }
  throw new Error(
    `Azure type definitions not found: expected ../shared/reference/azure-types next to ${start} ` +
      '(the Bicep compiler types from Azure/bicep-types-az; see docs/deploy.md).',
  );
}

let cached: AzureTypes | undefined;
export function loadAzureTypes(): AzureTypes {
  cached ??= new AzureTypes(findAzureTypesDir());
  return cached;
}
