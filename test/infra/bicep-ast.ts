/** The syntax tree of the Bicep subset `infra/` uses (see bicep-parser.ts). */

export type Expr =
  | { kind: 'string'; value: string; line: number }
  | { kind: 'interp'; parts: (string | Expr)[]; line: number }
  | { kind: 'int'; value: number; line: number }
  | { kind: 'bool'; value: boolean; line: number }
  | { kind: 'null'; line: number }
  | { kind: 'object'; props: Property[]; spread: boolean; resources: ResourceStmt[]; line: number }
  | { kind: 'array'; items: Expr[]; spread: boolean; line: number }
  | { kind: 'ref'; name: string; line: number }
  | { kind: 'member'; object: Expr; name: string; line: number }
  | { kind: 'index'; object: Expr; index: Expr; line: number }
  | { kind: 'call'; callee: Expr; args: Expr[]; line: number }
  | { kind: 'ternary'; cond: Expr; then: Expr; else: Expr; line: number }
  | { kind: 'binary'; op: string; left: Expr; right: Expr; line: number }
  | { kind: 'unary'; op: string; operand: Expr; line: number }
  | { kind: 'lambda'; params: string[]; body: Expr; line: number }
  | { kind: 'for'; item: string; index?: string; source: Expr; body: Expr; line: number }
  | { kind: 'if'; cond: Expr; body: Expr; line: number };

export interface Property {
  /** The key, or undefined for an interpolated key (`'${id}': {}`). */
  key: string | undefined;
  keyExpr?: Expr;
  value: Expr;
  line: number;
}

export interface Decorator {
  name: string;
  args: Expr[];
  line: number;
}

interface Base {
  decorators: Decorator[];
  line: number;
}
export type ResourceStmt = Base & {
  kind: 'resource';
  symbol: string;
  type: string;
  existing: boolean;
  value: Expr;
};
export type Statement =
  | (Base & { kind: 'targetScope'; value: Expr })
  | (Base & { kind: 'param'; name: string; type: string; default?: Expr })
  | (Base & { kind: 'var'; name: string; value: Expr })
  | ResourceStmt
  | (Base & { kind: 'module'; symbol: string; path: string; value: Expr })
  | (Base & { kind: 'output'; name: string; type: string; value: Expr })
  | (Base & { kind: 'extension'; name: string; alias?: string })
  | (Base & { kind: 'import'; text: string })
  | (Base & { kind: 'func'; name: string; body: Expr })
  | (Base & { kind: 'type'; name: string; text: string })
  | (Base & { kind: 'metadata'; name: string; value: Expr });

export interface BicepFile {
  statements: Statement[];
}
