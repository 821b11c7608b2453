import { BicepSyntaxError, type Token } from './bicep-lexer.js';

/** Token navigation for the Bicep parser; newlines are invisible while inside parentheses. */
export class TokenCursor {
  protected pos = 0;
  /** >0 while inside parentheses, where newlines do not end anything. */
  protected parenDepth = 0;

  constructor(protected readonly tokens: Token[]) {}

  protected peek(): Token {
    if (this.parenDepth > 0) while (this.tokens[this.pos]?.kind === 'newline') this.pos += 1;
    return this.tokens[this.pos] as Token;
  }
  protected next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.pos += 1;
    return t;
  }
  protected skipNewlines(): void {
    while (this.tokens[this.pos]?.kind === 'newline') this.pos += 1;
  }
  protected skipSeparators(): void {
    for (;;) {
      const t = this.tokens[this.pos] as Token;
      if (t.kind === 'newline' || (t.kind === 'punct' && t.value === ',')) this.pos += 1;
      else return;
    }
  }
  /** Skips a balanced `( ... )` group starting at the current token. */
  protected skipBalanced(): void {
    let depth = 0;
    do {
      const t = this.tokens[this.pos] as Token;
      if (t.kind === 'eof') this.fail(t, 'unbalanced brackets');
      if (t.kind === 'punct' && ['(', '[', '{'].includes(t.value)) depth += 1;
      if (t.kind === 'punct' && [')', ']', '}'].includes(t.value)) depth -= 1;
      this.pos += 1;
    } while (depth > 0);
  }
  protected peekPunct(value: string): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.value === value;
  }
  protected peekIdent(value: string): boolean {
    const t = this.peek();
    return t.kind === 'ident' && t.value === value;
  }
  protected acceptPunct(value: string): boolean {
    if (!this.peekPunct(value)) return false;
    this.pos += 1;
    return true;
  }
  protected acceptIdent(value: string): boolean {
    if (!this.peekIdent(value)) return false;
    this.pos += 1;
    return true;
  }
  protected expectPunct(value: string): Token {
    const t = this.next();
    if (t.kind !== 'punct' || t.value !== value) this.fail(t, `expected '${value}', found ${describe(t)}`);
    return t;
  }
  protected ident(): string {
    const t = this.next();
    if (t.kind !== 'ident') return this.fail(t, `expected a name, found ${describe(t)}`);
    return t.value;
  }
  protected plainString(): string {
    const t = this.next();
    if (t.kind !== 'string' || !t.parts.every((p) => typeof p === 'string'))
      return this.fail(t, `expected a plain string, found ${describe(t)}`);
    return t.parts.join('');
  }
  protected fail(t: Token, message: string): never {
    throw new BicepSyntaxError(message, t.line);
  }
}

export function describe(t: Token): string {
  switch (t.kind) {
    case 'ident':
      return t.value;
    case 'int':
      return String(t.value);
    case 'punct':
      return t.value;
    case 'string':
      return `'${t.parts.map((p) => (typeof p === 'string' ? p : '${…}')).join('')}'`;
    case 'newline':
      return 'a new line';
    case 'eof':
      return 'the end of the file';
  }
}
