/**
 * A parser for the small PromQL subset the built-in templates render (and simple custom templates in the
 * same style): number literals, selectors with `=`, `!=`, `=~`, `!~` matchers, range selectors, `rate`,
 * `sum` with `by`, `histogram_quantile`, `vector`, `or`, `+ - * /` and parentheses. Anything else is
 * refused with a message naming the subset, never evaluated approximately.
 */

export type MatchOp = '=' | '!=' | '=~' | '!~';
export interface Matcher {
  name: string;
  op: MatchOp;
  value: string;
}

export type BinaryOp = '+' | '-' | '*' | '/' | 'or';

export type Expr =
  | { type: 'number'; value: number }
  | { type: 'selector'; matchers: Matcher[]; rangeMs?: number }
  | { type: 'rate'; arg: Extract<Expr, { type: 'selector' }> }
  | { type: 'sum'; by?: string[]; arg: Expr }
  | { type: 'histogram_quantile'; q: Expr; arg: Expr }
  | { type: 'vector'; arg: Expr }
  | { type: 'binary'; op: BinaryOp; lhs: Expr; rhs: Expr };

/** A query the sandbox cannot parse or does not support: Prometheus's 400 `bad_data`. */
export class QueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueryError';
  }
}

export const SUPPORTED =
  'the sandbox Prometheus supports only the built-in templates\u2019 query shapes ' +
  '(sum [by], rate, histogram_quantile, vector, or, + - * /, label matchers)';

const UNITS: Record<string, number> = {
  ms: 1,
  s: 1e3,
  m: 6e4,
  h: 3.6e6,
  d: 8.64e7,
  w: 6.048e8,
  y: 3.1536e10,
};

/** Prometheus durations (`5m`, `1m30s`, `1500ms`) in ms; `undefined` when not one. */
export function parseDuration(text: string): number | undefined {
  if (!/^(?:\d+(?:ms|[smhdwy]))+$/.test(text)) return undefined;
  let ms = 0;
  for (const m of text.matchAll(/(\d+)(ms|[smhdwy])/g))
    ms += Number(m[1]) * (UNITS[m[2] as string] as number);
  return ms;
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', a: '\x07', b: '\b', f: '\f', v: '\v' };

class Parser {
  private i = 0;
  constructor(private readonly text: string) {}

  parse(): Expr {
    const expr = this.orExpr();
    this.ws();
    if (this.i < this.text.length)
      this.fail(`unexpected ${JSON.stringify(this.text.slice(this.i, this.i + 12))}`);
    return expr;
  }

  private fail(message: string): never {
    throw new QueryError(`1:${this.i + 1}: parse error: ${message}`);
  }

  private unsupported(what: string): never {
    throw new QueryError(`${SUPPORTED}; unsupported: ${what}`);
  }

  private ws(): void {
    for (;;) {
      while (/\s/.test(this.text[this.i] ?? '')) this.i++;
      if (this.text[this.i] !== '#') return;
      while (this.i < this.text.length && this.text[this.i] !== '\n') this.i++;
    }
  }

  private eat(token: string): boolean {
    this.ws();
    if (!this.text.startsWith(token, this.i)) return false;
    const after = this.text[this.i + token.length] ?? '';
    if (/^[a-z]/.test(token) && /[\w:]/.test(after)) return false;
    this.i += token.length;
    return true;
  }

  private expect(token: string): void {
    if (!this.eat(token)) this.fail(`expected ${JSON.stringify(token)}`);
  }

  private binary(next: () => Expr, ops: BinaryOp[]): Expr {
    let lhs = next();
    for (;;) {
      const op = ops.find((o) => this.eat(o));
      if (!op) return lhs;
      if (this.eat('on') || this.eat('ignoring') || this.eat('bool'))
        this.unsupported('vector matching modifiers');
      lhs = { type: 'binary', op, lhs, rhs: next() };
    }
  }

  private orExpr = (): Expr => this.binary(this.addExpr, ['or']);
  private addExpr = (): Expr => this.binary(this.mulExpr, ['+', '-']);
  private mulExpr = (): Expr => this.binary(this.primary, ['*', '/']);

  private primary = (): Expr => {
    this.ws();
    const number = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|^[+-]?(?:Inf|NaN)\b/i.exec(
      this.text.slice(this.i),
    );
    if (number) {
      this.i += number[0].length;
      return { type: 'number', value: Number(number[0].replace(/inf/i, 'Infinity')) };
    }
    if (this.eat('(')) {
      const inner = this.orExpr();
      this.expect(')');
      return inner;
    }
    if (this.text[this.i] === '{') return this.selector('');
    const ident = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(this.text.slice(this.i))?.[0];
    if (!ident) this.fail('no expression found in input');
    this.i += ident.length;
    this.ws();
    if (ident === 'sum') return this.sum();
    if (this.text[this.i] === '(') return this.call(ident);
    if (['avg', 'min', 'max', 'count', 'topk', 'quantile'].includes(ident)) this.unsupported(ident);
    return this.selector(ident);
  };

  private sum(): Expr {
    let by = this.eat('by') ? this.labelList() : undefined;
    if (this.eat('without')) this.unsupported('without');
    this.expect('(');
    const arg = this.orExpr();
    this.expect(')');
    if (this.eat('by')) by = this.labelList();
    return { type: 'sum', arg, ...(by ? { by } : {}) };
  }

  private call(fn: string): Expr {
    this.expect('(');
    let expr: Expr;
    if (fn === 'rate') {
      const arg = this.orExpr();
      if (arg.type !== 'selector' || arg.rangeMs === undefined)
        this.fail('rate expects a range vector selector');
      expr = { type: 'rate', arg };
    } else if (fn === 'histogram_quantile') {
      const q = this.orExpr();
      this.expect(',');
      expr = { type: 'histogram_quantile', q, arg: this.orExpr() };
    } else if (fn === 'vector') expr = { type: 'vector', arg: this.orExpr() };
    else this.unsupported(`function ${fn}()`);
    this.expect(')');
    return expr;
  }

  private labelList(): string[] {
    this.expect('(');
    const names: string[] = [];
    while (!this.eat(')')) {
      if (names.length && !this.eat(',')) this.fail('expected "," in label list');
      this.ws();
      const name = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(this.text.slice(this.i))?.[0];
      if (!name) this.fail('expected a label name');
      names.push(name);
      this.i += name.length;
    }
    return names;
  }

  private selector(name: string): Expr {
    const matchers: Matcher[] = name ? [{ name: '__name__', op: '=', value: name }] : [];
    if (this.eat('{')) {
      while (!this.eat('}')) {
        if (matchers.length > (name ? 1 : 0) && !this.eat(','))
          this.fail('expected "," or "}" in label matching');
        if (this.eat('}')) break;
        matchers.push(this.matcher());
      }
    }
    if (!matchers.some((m) => m.name === '__name__')) this.unsupported('selectors without a metric name');
    if (this.eat('offset') || this.eat('@')) this.unsupported('offset and @ modifiers');
    if (!this.eat('[')) return { type: 'selector', matchers };
    const end = this.text.indexOf(']', this.i);
    const rangeMs = parseDuration(this.text.slice(this.i, end === -1 ? undefined : end).trim());
    if (rangeMs === undefined || rangeMs <= 0) this.fail('bad range duration');
    this.i = end + 1;
    if (this.eat('offset') || this.eat('@')) this.unsupported('offset and @ modifiers');
    return { type: 'selector', matchers, rangeMs };
  }

  private matcher(): Matcher {
    this.ws();
    const name = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(this.text.slice(this.i))?.[0];
    if (!name) this.fail('expected a label name');
    this.i += name.length;
    const op = (['=~', '!~', '!=', '='] as MatchOp[]).find((o) => this.eat(o));
    if (!op) this.fail('expected a label matching operator');
    return { name, op, value: this.string() };
  }

  /** A string literal with Go escapes, as the PromQL lexer reads it. */
  private string(): string {
    this.ws();
    const quote = this.text[this.i];
    if (quote !== '"' && quote !== "'" && quote !== '`') this.fail('expected a string');
    let out = '';
    for (this.i++; ; this.i++) {
      const ch = this.text[this.i];
      if (ch === undefined || (ch === '\n' && quote !== '`')) this.fail('unterminated quoted string');
      if (ch === quote) break;
      if (ch !== '\\' || quote === '`') {
        out += ch;
        continue;
      }
      out += this.escape();
    }
    this.i++;
    return out;
  }

  private escape(): string {
    const c = this.text[++this.i] ?? '';
    if (c in ESCAPES) return ESCAPES[c] as string;
    if (c === '\\' || c === '"' || c === "'") return c;
    const hex = { x: 2, u: 4, U: 8 }[c];
    const digits = hex ? this.text.slice(this.i + 1, this.i + 1 + hex) : '';
    if (!hex || !/^[0-9a-fA-F]+$/.test(digits) || digits.length !== hex)
      this.fail(`unknown escape sequence ${JSON.stringify('\\' + c)}`);
    this.i += hex;
    return String.fromCodePoint(parseInt(digits, 16));
  }
}

export function parseQuery(text: string): Expr {
  return new Parser(text).parse();
}
