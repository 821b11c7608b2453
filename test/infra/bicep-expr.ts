import type { Decorator, Expr, Property, ResourceStmt } from './bicep-ast.js';
import { describe, TokenCursor } from './bicep-cursor.js';
import type { Token } from './bicep-lexer.js';

/** Expressions, objects, arrays, loops and (nested) resources of the Bicep subset; see bicep-parser.ts. */

const BINARY: string[][] = [
  ['??'],
  ['||'],
  ['&&'],
  ['==', '!=', '=~', '!~'],
  ['<', '<=', '>', '>='],
  ['+', '-'],
  ['*', '/', '%'],
];

export class ExprParser extends TokenCursor {
  protected resource(decorators: Decorator[], line: number): ResourceStmt {
    const symbol = this.ident();
    const type = this.plainString();
    const existing = this.acceptIdent('existing');
    this.expectPunct('=');
    return { kind: 'resource', symbol, type, existing, value: this.resourceValue(), decorators, line };
  }

  /** `{...}`, `if (c) {...}` or `[for x in y: ...]`. */
  protected resourceValue(): Expr {
    const t = this.peek();
    if (t.kind === 'ident' && t.value === 'if') return this.ifBody();
    return this.expression();
  }

  protected ifBody(): Expr {
    const line = this.next().line;
    this.expectPunct('(');
    this.parenDepth += 1;
    const cond = this.expression();
    this.parenDepth -= 1;
    this.expectPunct(')');
    return { kind: 'if', cond, body: this.object(), line };
  }

  protected decorators(): Decorator[] {
    const list: Decorator[] = [];
    while (this.acceptPunct('@')) {
      const line = this.peek().line;
      let name = this.ident();
      while (this.acceptPunct('.')) name = `${name}.${this.ident()}`;
      const args = this.peekPunct('(') ? this.args() : [];
      list.push({ name: name.replace(/^sys\./, ''), args, line });
      this.skipNewlines();
    }
    return list;
  }

  expression(): Expr {
    const cond = this.binary(0);
    if (!this.acceptPunct('?')) return cond;
    const then = this.expression();
    this.expectPunct(':');
    return { kind: 'ternary', cond, then, else: this.expression(), line: cond.line };
  }

  protected binary(level: number): Expr {
    const ops = BINARY[level];
    if (!ops) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'punct' || !ops.includes(t.value)) return left;
      this.next();
      left = { kind: 'binary', op: t.value, left, right: this.binary(level + 1), line: left.line };
    }
  }

  protected unary(): Expr {
    const t = this.peek();
    if (t.kind === 'punct' && (t.value === '!' || t.value === '-')) {
      this.next();
      const operand = this.unary();
      if (t.value === '-' && operand.kind === 'int') return { ...operand, value: -operand.value };
      return { kind: 'unary', op: t.value, operand, line: t.line };
    }
    return this.postfix(this.primary());
  }

  protected postfix(start: Expr): Expr {
    let e = start;
    for (;;) {
      const t = this.tokens[this.pos] as Token;
      if (t.kind !== 'punct') return e;
      if (t.value === '.' || t.value === '.?') {
        this.next();
        e = { kind: 'member', object: e, name: this.ident(), line: e.line };
      } else if (t.value === '[') {
        this.next();
        this.acceptPunct('?');
        this.parenDepth += 1;
        const index = this.expression();
        this.parenDepth -= 1;
        this.expectPunct(']');
        e = { kind: 'index', object: e, index, line: e.line };
      } else if (t.value === '(') {
        e = { kind: 'call', callee: e, args: this.args(), line: e.line };
      } else if (t.value === '!') {
        this.next(); // non-null assertion
      } else return e;
    }
  }

  protected args(): Expr[] {
    this.expectPunct('(');
    this.parenDepth += 1;
    const args: Expr[] = [];
    while (!this.peekPunct(')')) {
      args.push(this.expression());
      if (!this.acceptPunct(',')) break;
    }
    this.parenDepth -= 1;
    this.expectPunct(')');
    return args;
  }

  protected primary(): Expr {
    const t = this.peek();
    if (t.kind === 'int') {
      this.next();
      return { kind: 'int', value: t.value, line: t.line };
    }
    if (t.kind === 'string') {
      this.next();
      return this.stringExpr(t);
    }
    if (t.kind === 'ident') {
      this.next();
      if (t.value === 'true' || t.value === 'false')
        return { kind: 'bool', value: t.value === 'true', line: t.line };
      if (t.value === 'null') return { kind: 'null', line: t.line };
      if (this.acceptPunct('=>'))
        return { kind: 'lambda', params: [t.value], body: this.expression(), line: t.line };
      return { kind: 'ref', name: t.value, line: t.line };
    }
    if (t.kind === 'punct' && t.value === '{') return this.object();
    if (t.kind === 'punct' && t.value === '[') return this.array();
    if (t.kind === 'punct' && t.value === '(') return this.parenthesised();
    return this.fail(t, `unexpected ${describe(t)}`);
  }

  protected parenthesised(): Expr {
    const start = this.pos;
    this.skipBalanced();
    if (this.peekPunct('=>')) {
      const names = this.tokens
        .slice(start + 1, this.pos - 1)
        .flatMap((x) => (x.kind === 'ident' ? [x.value] : []));
      this.next();
      return { kind: 'lambda', params: names, body: this.expression(), line: this.tokens[start]?.line ?? 0 };
    }
    this.pos = start;
    this.expectPunct('(');
    this.parenDepth += 1;
    const e = this.expression();
    this.parenDepth -= 1;
    this.expectPunct(')');
    return e;
  }

  protected stringExpr(t: Extract<Token, { kind: 'string' }>): Expr {
    if (t.parts.every((p) => typeof p === 'string'))
      return { kind: 'string', value: t.parts.join(''), line: t.line };
    const parts = t.parts.map((p) => {
      if (typeof p === 'string') return p;
      const inner = new ExprParser([...p, { kind: 'eof', line: t.line }]);
      inner.parenDepth = 1;
      const e = inner.expression();
      if (inner.peek().kind !== 'eof') inner.fail(inner.peek(), 'unexpected token in ${...}');
      return e;
    });
    return { kind: 'interp', parts, line: t.line };
  }

  protected object(): Expr & { kind: 'object' } {
    const line = this.expectPunct('{').line;
    const saved = this.parenDepth;
    this.parenDepth = 0;
    const props: Property[] = [];
    const resources: ResourceStmt[] = [];
    let spread = false;
    for (;;) {
      this.skipSeparators();
      if (this.acceptPunct('}')) break;
      if (this.acceptPunct('...')) {
        spread = true;
        this.expression();
      } else if (this.isNestedResource()) {
        const decorators = this.decorators();
        const rline = this.next().line;
        resources.push(this.resource(decorators, rline));
      } else props.push(this.property());
      const end = this.peek();
      if (!(end.kind === 'newline' || (end.kind === 'punct' && (end.value === ',' || end.value === '}'))))
        this.fail(end, `expected a new line, ',' or '}' after the property, found ${describe(end)}`);
    }
    this.parenDepth = saved;
    return { kind: 'object', props, spread, resources, line };
  }

  protected isNestedResource(): boolean {
    const t = this.tokens[this.pos] as Token;
    const u = this.tokens[this.pos + 1];
    return (
      (t.kind === 'ident' && t.value === 'resource' && u?.kind === 'ident') ||
      (t.kind === 'punct' && t.value === '@')
    );
  }

  protected property(): Property {
    this.decorators();
    const t = this.next();
    let key: string | undefined;
    let keyExpr: Expr | undefined;
    if (t.kind === 'ident') key = t.value;
    else if (t.kind === 'string') {
      keyExpr = this.stringExpr(t);
      key = keyExpr.kind === 'string' ? keyExpr.value : undefined;
    } else this.fail(t, `expected a property name, found ${describe(t)}`);
    this.expectPunct(':');
    const value = this.peekIdent('if') ? this.ifBody() : this.expression();
    return { key, ...(keyExpr && key === undefined ? { keyExpr } : {}), value, line: t.line };
  }

  protected array(): Expr {
    const line = this.expectPunct('[').line;
    const saved = this.parenDepth;
    this.parenDepth = 0;
    this.skipNewlines();
    if (this.acceptIdent('for')) {
      const e = this.forBody(line);
      this.parenDepth = saved;
      return e;
    }
    const items: Expr[] = [];
    let spread = false;
    for (;;) {
      this.skipSeparators();
      if (this.acceptPunct(']')) break;
      if (this.acceptPunct('...')) spread = true;
      items.push(this.expression());
      const end = this.peek();
      if (!(end.kind === 'newline' || (end.kind === 'punct' && (end.value === ',' || end.value === ']'))))
        this.fail(end, `expected a new line, ',' or ']' after the item, found ${describe(end)}`);
    }
    this.parenDepth = saved;
    return { kind: 'array', items, spread, line };
  }

  protected forBody(line: number): Expr {
    let item: string;
    let index: string | undefined;
    if (this.acceptPunct('(')) {
      item = this.ident();
      this.expectPunct(',');
      index = this.ident();
      this.expectPunct(')');
    } else item = this.ident();
    if (!this.acceptIdent('in')) this.fail(this.peek(), "expected 'in'");
    const source = this.expression();
    this.expectPunct(':');
    const body = this.peekIdent('if') ? this.ifBody() : this.expression();
    this.skipNewlines();
    this.expectPunct(']');
    return { kind: 'for', item, ...(index ? { index } : {}), source, body, line };
  }
}
