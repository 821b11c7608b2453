import type { parser as LezerParser } from '@prometheus-io/lezer-promql';

/**
 * PromQL read with the official grammar (`@prometheus-io/lezer-promql`, the parser Prometheus's own UI
 * uses). Templates are checked and escaped from this tree, not from a character window: where a value
 * lands (inside which literal, after which operator) is a property of the grammar, and a template that
 * spans lines or puts `=~` far from its value must be read the way Prometheus will read it.
 */

// The grammar's own tree types (its @lezer/common is not a dependency of Gantry's).
type Tree = ReturnType<typeof LezerParser.parse>;
type SyntaxNode = ReturnType<Tree['resolveInner']>;

export interface Position {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export function positionOf(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

let grammar: typeof LezerParser | undefined;

/**
 * Parses PromQL. The grammar (with its LR runtime, ~60 ms) is loaded on the first parse, not when the
 * Prometheus adapter is imported at start-up: a health check or a webhook never needs it. `require`
 * for the reason functions/modules.ts gives (one module cache in the CommonJS app).
 */
export function parsePromql(text: string): Tree {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  grammar ??= (require('@prometheus-io/lezer-promql') as typeof import('@prometheus-io/lezer-promql')).parser;
  return grammar.parse(text);
}

/** The offset of the first syntax error in `tree`, or undefined when the text parses. */
export function firstError(tree: Tree): number | undefined {
  let at: number | undefined;
  tree.iterate({
    enter: (node) => {
      if (at !== undefined) return false;
      if (node.type.isError) at = node.from;
      return undefined;
    },
  });
  return at;
}

const REGEX_OPS = new Set(['EqlRegex', 'NeqRegex']);

/** Where a span of the text sits: inside one string literal (regex or not), on a number, or elsewhere. */
export type Slot =
  | { kind: 'string'; quote: '"' | "'" | '`'; regex: boolean }
  | { kind: 'number' }
  | { kind: 'comment' }
  | { kind: 'other'; node: string };

/** Whether a string literal is the value of a `=~`/`!~` matcher (its previous sibling is the operator). */
function isRegexValue(literal: SyntaxNode): boolean {
  let op = literal.prevSibling;
  // Comments are part of the tree: `a=~ # why\n "value"` still has the operator before the value.
  while (op?.name === 'LineComment') op = op.prevSibling;
  if (op?.name === 'MatchOp') return REGEX_OPS.has(op.firstChild?.name ?? '');
  // label_replace(v, dst, replacement, src, regex): the fifth argument is a regex too.
  const body = literal.parent;
  const call = body?.parent;
  const fn = call?.getChild('FunctionIdentifier')?.firstChild?.name;
  return (
    fn === 'LabelReplace' && body !== null && childrenOf(body).findIndex((c) => c.from === literal.from) === 4
  );
}

/** The slot of `text.slice(from, to)` in `tree` (the text `tree` was parsed from). */
export function slotOf(tree: Tree, text: string, from: number, to: number): Slot {
  const node = tree.resolveInner(from, 1);
  if (node.name === 'StringLiteral' && node.from < from && to < node.to) {
    const quote = text[node.from] as '"' | "'" | '`';
    return { kind: 'string', quote, regex: isRegexValue(node) };
  }
  if (node.name === 'LineComment') return { kind: 'comment' };
  const numeric =
    node.name === 'NumberDurationLiteral' || node.name === 'NumberDurationLiteralInDurationContext';
  if (numeric && node.from === from && node.to === to) return { kind: 'number' };
  return { kind: 'other', node: node.name };
}

/** Every node named `name` in the tree. */
export function nodesNamed(tree: Tree, name: string): SyntaxNode[] {
  const found: SyntaxNode[] = [];
  tree.iterate({
    enter: (ref) => {
      if (ref.name === name) found.push(ref.node);
    },
  });
  return found;
}

export function childrenOf(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) out.push(child);
  return out;
}

/** The value of a PromQL string literal (Go escapes in "…" and '…'; backtick strings are raw). */
export function stringValue(literal: string): string {
  const quote = literal[0];
  const body = literal.slice(1, -1);
  if (quote === '`') return body;
  return body.replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|x[0-9a-fA-F]{2}|[0-7]{3}|.)/g, (_, e: string) => {
    if (/^[uUx]/.test(e)) return String.fromCodePoint(parseInt(e.slice(1), 16));
    if (/^[0-7]{3}$/.test(e)) return String.fromCodePoint(parseInt(e, 8));
    const simple: Record<string, string> = {
      n: '\n',
      r: '\r',
      t: '\t',
      a: '\x07',
      b: '\b',
      f: '\f',
      v: '\v',
    };
    return simple[e] ?? e;
  });
}

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1e3,
  m: 6e4,
  h: 3.6e6,
  d: 8.64e7,
  w: 6.048e8,
  y: 3.1536e10,
};

/** A PromQL duration literal (`1h30m`, `90s`, or plain seconds `90`) in ms; undefined when not one. */
export function durationMs(text: string): number | undefined {
  if (/^\d+(?:\.\d+)?$/.test(text)) return Number(text) * 1000;
  if (!/^(?:\d+(?:ms|[smhdwy]))+$/.test(text)) return undefined;
  let total = 0;
  for (const [, n, unit] of text.matchAll(/(\d+)(ms|[smhdwy])/g))
    total += Number(n) * (UNIT_MS[unit ?? ''] ?? 0);
  return total;
}

/** The longest range selector or subquery range in `text` (ms), 0 when it has none. */
export function longestRange(tree: Tree, text: string): number {
  let longest = 0;
  for (const kind of ['MatrixSelector', 'SubqueryExpr']) {
    for (const node of nodesNamed(tree, kind)) {
      const duration = childrenOf(node).find((c) => c.name === 'DurationExpr');
      const ms = duration ? durationMs(text.slice(duration.from, duration.to).trim()) : undefined;
      if (ms !== undefined) longest = Math.max(longest, ms);
    }
  }
  return longest;
}

/** The first argument of `histogram_quantile(q, …)` and `quantile(q, …)`: the nodes that must be in 0..1. */
export function quantileArguments(tree: Tree): SyntaxNode[] {
  const args: SyntaxNode[] = [];
  for (const call of nodesNamed(tree, 'FunctionCall')) {
    if (call.getChild('FunctionIdentifier')?.firstChild?.name !== 'HistogramQuantile') continue;
    const first = call.getChild('FunctionCallBody')?.firstChild;
    if (first) args.push(first);
  }
  for (const agg of nodesNamed(tree, 'AggregateExpr')) {
    if (agg.getChild('AggregateOp')?.firstChild?.name !== 'Quantile') continue;
    const first = agg.getChild('FunctionCallBody')?.firstChild;
    if (first) args.push(first);
  }
  return args;
}
