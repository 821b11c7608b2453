import { describe } from './bicep-cursor.js';
import { ExprParser } from './bicep-expr.js';
import type { BicepFile, Expr, Statement } from './bicep-ast.js';
import { tokenize, type Token } from './bicep-lexer.js';

export type { BicepFile, Decorator, Expr, Property, ResourceStmt, Statement } from './bicep-ast.js';

/**
 * A parser for the Bicep that `infra/` uses (test tooling: no Bicep compiler runs here). It keeps what the
 * type checks need: literal values and object/array structure with line numbers, and it keeps expressions
 * it cannot evaluate as expressions so the checker can accept them instead of guessing.
 */

export function parseBicep(text: string): BicepFile {
  return new Parser(tokenize(text)).file();
}

/** A string expression's literal value, if it has no interpolation. */
export function literalString(e: Expr | undefined): string | undefined {
  return e?.kind === 'string' ? e.value : undefined;
}

class Parser extends ExprParser {
  file(): BicepFile {
    const statements: Statement[] = [];
    for (;;) {
      this.skipNewlines();
      if (this.peek().kind === 'eof') return { statements };
      statements.push(this.statement());
      const end = this.peek();
      if (end.kind !== 'newline' && end.kind !== 'eof') this.fail(end, 'expected the end of the statement');
    }
  }

  private statement(): Statement {
    const decorators = this.decorators();
    const t = this.peek();
    const line = t.line;
    const keyword = t.kind === 'ident' ? t.value : '';
    this.next();
    switch (keyword) {
      case 'targetScope':
        this.expectPunct('=');
        return { kind: 'targetScope', value: this.expression(), decorators, line };
      case 'param': {
        const name = this.ident();
        const type = this.typeText(['=']);
        const dflt = this.acceptPunct('=') ? this.expression() : undefined;
        return { kind: 'param', name, type, ...(dflt ? { default: dflt } : {}), decorators, line };
      }
      case 'var': {
        const name = this.ident();
        this.expectPunct('=');
        return { kind: 'var', name, value: this.expression(), decorators, line };
      }
      case 'resource':
        return this.resource(decorators, line);
      case 'module': {
        const symbol = this.ident();
        const path = this.plainString();
        this.expectPunct('=');
        return { kind: 'module', symbol, path, value: this.resourceValue(), decorators, line };
      }
      case 'output': {
        const name = this.ident();
        const type = this.typeText(['=']);
        this.expectPunct('=');
        return { kind: 'output', name, type, value: this.expression(), decorators, line };
      }
      case 'extension': {
        const name = this.peek().kind === 'string' ? this.plainString() : this.ident();
        let alias: string | undefined;
        if (this.acceptIdent('with')) this.primary();
        if (this.acceptIdent('as')) alias = this.ident();
        return { kind: 'extension', name, ...(alias ? { alias } : {}), decorators, line };
      }
      case 'import':
        return { kind: 'import', text: this.typeText([]), decorators, line };
      case 'func': {
        const name = this.ident();
        this.skipBalanced();
        this.typeText(['=>']);
        this.expectPunct('=>');
        return { kind: 'func', name, body: this.expression(), decorators, line };
      }
      case 'type': {
        const name = this.ident();
        this.expectPunct('=');
        return { kind: 'type', name, text: this.typeText([]), decorators, line };
      }
      case 'metadata': {
        const name = this.ident();
        this.expectPunct('=');
        return { kind: 'metadata', name, value: this.expression(), decorators, line };
      }
      default:
        return this.fail(t, `unknown statement ${describe(t)}`);
    }
  }

  /** The source text of a type, up to one of `stops` or the end of the line (brackets balanced). */
  private typeText(stops: string[]): string {
    const parts: string[] = [];
    let depth = 0;
    for (;;) {
      const t = this.tokens[this.pos] as Token;
      if (t.kind === 'eof') break;
      if (depth === 0 && (t.kind === 'newline' || (t.kind === 'punct' && stops.includes(t.value)))) break;
      if (t.kind === 'punct' && ['{', '[', '('].includes(t.value)) depth += 1;
      if (t.kind === 'punct' && ['}', ']', ')'].includes(t.value)) depth -= 1;
      parts.push(describe(t));
      this.pos += 1;
    }
    return parts.join(' ').trim();
  }
}
