/**
 * A small KQL evaluator for the Logs query stand-in: exactly the subset Gantry's built-in templates (and
 * the tests' own queries) use, with Kusto's semantics where they matter to a verdict: long/long division
 * truncates, real 0/0 is NaN, `startswith` ignores case, summarize without `by` over no rows yields one
 * row of defaults (count/sum 0, percentile null), with `by` none. Anything else is refused as the service
 * refuses an unknown operator or function (a `KqlServiceError` the server answers as a 400).
 *
 * Operators: where, summarize (count, countif, sum, sumif, percentile, percentilew; by), extend, project.
 * Expressions: and/or, == != < <= > >=, between (a .. b), startswith, + - * /, literals (numbers, 'strings'
 * with backslash escapes, timespans such as 5m/300s/1500ms, datetime(...), true/false), not(), ago(),
 * todouble(), tostring(), round(), dynamic indexing (Properties['key']).
 */

export type Val =
  | { t: 'long' | 'real' | 'datetime' | 'timespan'; v: number }
  | { t: 'string'; v: string }
  | { t: 'bool'; v: boolean }
  | { t: 'dynamic'; v: unknown }
  | { t: 'null' };

export type Row = Record<string, Val>;
export type ColumnType = 'long' | 'real' | 'datetime' | 'timespan' | 'string' | 'bool' | 'dynamic';

export class KqlServiceError extends Error {
  constructor(
    readonly kind: 'SyntaxError' | 'SemanticError',
    message: string,
  ) {
    super(message);
  }
}

export const NULL: Val = { t: 'null' };
const TOKEN =
  /\s*(?:(datetime\([^)]*\))|(\d+(?:\.\d+)?(?:ms|s|m|h|d)\b)|(\d+\.\d*|\d*\.\d+|\d+)|('(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")|(==|!=|<=|>=|\.\.|[|(),=<>+\-*/[\]])|([A-Za-z_][A-Za-z0-9_]*))/y;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

type Tok = { kind: 'dt' | 'ts' | 'num' | 'str' | 'op' | 'id'; text: string; pos: number };

export function tokenize(q: string): Tok[] {
  const out: Tok[] = [];
  TOKEN.lastIndex = 0;
  let at = 0;
  while (at < q.length) {
    if (/^\s*$/.test(q.slice(at))) break;
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(q);
    if (!m)
      throw new KqlServiceError(
        'SyntaxError',
        `Query could not be parsed at '${q.slice(at).trim().slice(0, 10)}'`,
      );
    const kinds = ['dt', 'ts', 'num', 'str', 'op', 'id'] as const;
    const i = [1, 2, 3, 4, 5, 6].findIndex((g) => m[g] !== undefined);
    out.push({ kind: kinds[i] as Tok['kind'], text: m[i + 1] as string, pos: m.index });
    at = TOKEN.lastIndex;
  }
  return out;
}

function unquote(s: string): string {
  const body = s.slice(1, -1);
  const map: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', "'": "'", '"': '"' };
  return body.replace(/\\(.)/g, (_, c: string) => {
    const v = map[c];
    if (v === undefined) throw new KqlServiceError('SyntaxError', `unknown escape \\${c}`);
    return v;
  });
}

export type Expr = (row: Row) => Val;
export type Agg = {
  name: string;
  init: () => unknown;
  step: (acc: unknown, row: Row) => unknown;
  done: (acc: unknown) => Val;
};

export const num = (v: Val): number | null => (v.t === 'long' || v.t === 'real' ? v.v : null);
export const truthy = (v: Val): boolean => v.t === 'bool' && v.v;

function arith(op: string, a: Val, b: Val): Val {
  if (a.t === 'null' || b.t === 'null') return NULL;
  if ((a.t === 'datetime' || a.t === 'timespan') && b.t === 'timespan' && (op === '+' || op === '-'))
    return { t: a.t, v: op === '+' ? a.v + b.v : a.v - b.v };
  if (a.t === 'datetime' && b.t === 'datetime' && op === '-') return { t: 'timespan', v: a.v - b.v };
  const x = num(a);
  const y = num(b);
  if (x === null || y === null)
    throw new KqlServiceError('SemanticError', `operator ${op}: wrong argument types ${a.t}, ${b.t}`);
  if (a.t === 'long' && b.t === 'long') {
    if (op === '/') return y === 0 ? NULL : { t: 'long', v: Math.trunc(x / y) };
    return { t: 'long', v: op === '+' ? x + y : op === '-' ? x - y : x * y };
  }
  return { t: 'real', v: op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : x / y };
}

function compare(op: string, a: Val, b: Val): Val {
  if (a.t === 'null' || b.t === 'null') return { t: 'bool', v: false };
  if (op === 'startswith') {
    if (a.t !== 'string' || b.t !== 'string')
      throw new KqlServiceError('SemanticError', 'startswith needs strings');
    return { t: 'bool', v: a.v.toLowerCase().startsWith(b.v.toLowerCase()) };
  }
  const x = 'v' in a ? (num(a) ?? a.v) : null;
  const y = 'v' in b ? (num(b) ?? b.v) : null;
  const numeric = typeof x === 'number' && typeof y === 'number';
  if (!numeric && a.t !== b.t)
    throw new KqlServiceError('SemanticError', `cannot compare ${a.t} with ${b.t}`);
  const [p, q] = [x as number | string | boolean, y as number | string | boolean];
  const r = { '==': p === q, '!=': p !== q, '<': p < q, '<=': p <= q, '>': p > q, '>=': p >= q }[op];
  return { t: 'bool', v: r ?? false };
}

export class Parser {
  private i = 0;
  /** Columns in scope for the operator being parsed: an unknown name fails even over no rows. */
  columns = new Set<string>();
  /** Columns the last extend/project/summarize computed (their declared type no longer holds). */
  computed: string[] = [];
  constructor(
    private readonly toks: Tok[],
    private readonly now: number,
  ) {}

  /** The token `n` places after the current one. */
  ahead(n: number): Tok | undefined {
    return this.toks[this.i + n];
  }
  peek(text?: string): Tok | undefined {
    const t = this.toks[this.i];
    return text === undefined || t?.text === text ? t : undefined;
  }
  take(text?: string): Tok {
    const t = this.toks[this.i];
    if (!t || (text !== undefined && t.text !== text))
      throw new KqlServiceError(
        'SyntaxError',
        `Query could not be parsed at '${t?.text ?? '<end>'}' (expected ${text ?? 'a token'})`,
      );
    this.i++;
    return t;
  }
  done(): boolean {
    return this.i >= this.toks.length;
  }

  expect(text: string): void {
    this.take(text);
  }

  /** `a = expr, b` (a bare column keeps its name). */
  assignments(): Array<[string, Expr]> {
    const out: Array<[string, Expr]> = [];
    this.computed = [];
    do {
      if (out.length) this.take(',');
      const name = this.name();
      if (this.peek('=')) {
        this.take('=');
        out.push([name, this.expr()]);
        this.computed.push(name);
      } else {
        if (!this.columns.has(name))
          throw new KqlServiceError('SemanticError', `Failed to resolve scalar expression named '${name}'`);
        out.push([name, (row) => row[name] ?? NULL]);
      }
    } while (this.peek(','));
    return out;
  }

  name(): string {
    const t = this.take();
    if (t.kind !== 'id') throw new KqlServiceError('SyntaxError', `Query could not be parsed at '${t.text}'`);
    return t.text;
  }

  expr(): Expr {
    let left = this.and();
    while (this.peek('or')) {
      this.take();
      const [l, r] = [left, this.and()];
      left = (row) => ({ t: 'bool', v: truthy(l(row)) || truthy(r(row)) });
    }
    return left;
  }
  private and(): Expr {
    let left = this.cmp();
    while (this.peek('and')) {
      this.take();
      const [l, r] = [left, this.cmp()];
      left = (row) => ({ t: 'bool', v: truthy(l(row)) && truthy(r(row)) });
    }
    return left;
  }
  private cmp(): Expr {
    const left = this.add();
    const op = this.peek()?.text;
    if (op === 'between') {
      this.take();
      this.take('(');
      const lo = this.add();
      this.take('..');
      const hi = this.add();
      this.take(')');
      return (row) => {
        const v = left(row);
        return { t: 'bool', v: truthy(compare('>=', v, lo(row))) && truthy(compare('<=', v, hi(row))) };
      };
    }
    if (op && ['==', '!=', '<', '<=', '>', '>=', 'startswith'].includes(op)) {
      this.take();
      const right = this.add();
      return (row) => compare(op, left(row), right(row));
    }
    if (op && /^[a-z_]+$/.test(op) && !['and', 'or', 'by'].includes(op))
      throw new KqlServiceError('SemanticError', `'${op}': this operator is not supported by the stand-in`);
    return left;
  }
  private add(): Expr {
    let left = this.mul();
    for (let op = this.peek()?.text; op === '+' || op === '-'; op = this.peek()?.text) {
      this.take();
      const [l, r, o] = [left, this.mul(), op];
      left = (row) => arith(o, l(row), r(row));
    }
    return left;
  }
  private mul(): Expr {
    let left = this.unary();
    for (let op = this.peek()?.text; op === '*' || op === '/'; op = this.peek()?.text) {
      this.take();
      const [l, r, o] = [left, this.unary(), op];
      left = (row) => arith(o, l(row), r(row));
    }
    return left;
  }
  private unary(): Expr {
    if (this.peek('-')) {
      this.take();
      const e = this.unary();
      return (row) => arith('-', { t: 'long', v: 0 }, e(row));
    }
    let e = this.primary();
    while (this.peek('[')) {
      this.take();
      const key = this.expr();
      this.take(']');
      const base = e;
      e = (row) => {
        const b = base(row);
        const k = key(row);
        if (b.t !== 'dynamic' || k.t !== 'string') return NULL;
        const v = (b.v as Record<string, unknown> | null)?.[k.v];
        return v === undefined || v === null ? NULL : { t: 'dynamic', v };
      };
    }
    return e;
  }
  private primary(): Expr {
    const t = this.take();
    if (t.kind === 'dt') {
      const ms = Date.parse(t.text.slice(9, -1).trim());
      if (!Number.isFinite(ms))
        throw new KqlServiceError('SyntaxError', `invalid datetime literal ${t.text}`);
      return () => ({ t: 'datetime', v: ms });
    }
    if (t.kind === 'ts') {
      const [, n, unit] = /^([\d.]+)(\w+)$/.exec(t.text) as RegExpExecArray;
      const v = Number(n) * (UNIT_MS[unit as string] as number);
      return () => ({ t: 'timespan', v });
    }
    if (t.kind === 'num') {
      const v: Val = t.text.includes('.')
        ? { t: 'real', v: Number(t.text) }
        : { t: 'long', v: Number(t.text) };
      return () => v;
    }
    if (t.kind === 'str') {
      const v: Val = { t: 'string', v: unquote(t.text) };
      return () => v;
    }
    if (t.text === '(') {
      const e = this.expr();
      this.take(')');
      return e;
    }
    if (t.kind !== 'id') throw new KqlServiceError('SyntaxError', `Query could not be parsed at '${t.text}'`);
    if (t.text === 'true' || t.text === 'false') return () => ({ t: 'bool', v: t.text === 'true' });
    if (this.peek('(')) return this.call(t.text);
    const column = t.text;
    if (!this.columns.has(column))
      throw new KqlServiceError('SemanticError', `Failed to resolve scalar expression named '${column}'`);
    return (row) => {
      const v = row[column];
      if (v === undefined)
        throw new KqlServiceError('SemanticError', `Failed to resolve scalar expression named '${column}'`);
      return v;
    };
  }
  args(): Expr[] {
    this.take('(');
    const args: Expr[] = [];
    while (!this.peek(')')) {
      args.push(this.expr());
      if (!this.peek(')')) this.take(',');
    }
    this.take(')');
    return args;
  }
  private call(fn: string): Expr {
    const a = this.args();
    const arg = (i: number) => {
      const e = a[i];
      if (!e) throw new KqlServiceError('SemanticError', `function '${fn}': too few arguments`);
      return e;
    };
    const now = this.now;
    switch (fn) {
      case 'not':
        return (row) => ({ t: 'bool', v: !truthy(arg(0)(row)) });
      case 'ago':
        return (row) => arith('-', { t: 'datetime', v: now }, arg(0)(row));
      case 'todouble':
        return (row) => {
          const v = arg(0)(row);
          const n = v.t === 'null' ? null : v.t === 'string' || v.t === 'dynamic' ? Number(v.v) : num(v);
          return n === null || (v.t === 'string' && v.v.trim() === '') ? NULL : { t: 'real', v: n };
        };
      case 'tostring':
        return (row) => {
          const v = arg(0)(row);
          if (v.t === 'null') return { t: 'string', v: '' };
          return { t: 'string', v: typeof v.v === 'string' ? v.v : JSON.stringify(v.v) };
        };
      case 'round':
        return (row) => {
          const v = arg(0)(row);
          const digits = a[1] ? (num(a[1](row)) ?? 0) : 0;
          const n = num(v);
          return n === null ? NULL : { t: 'real', v: Math.round(n * 10 ** digits) / 10 ** digits };
        };
      default:
        throw new KqlServiceError('SemanticError', `'${fn}' is not a known scalar function`);
    }
  }
}
