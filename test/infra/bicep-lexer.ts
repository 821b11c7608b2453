/**
 * Tokens of the Bicep subset `infra/` uses. Newlines are tokens because Bicep separates object properties,
 * array items and statements by them; comments are dropped. Strings keep their interpolations as nested
 * token lists so the parser can read `'a${b}c'` as parts.
 */

export type Token =
  | { kind: 'ident'; value: string; line: number }
  | { kind: 'int'; value: number; line: number }
  | { kind: 'string'; parts: StringPart[]; line: number; multiline: boolean }
  | { kind: 'punct'; value: string; line: number }
  | { kind: 'newline'; line: number }
  | { kind: 'eof'; line: number };

/** A literal chunk, or the tokens of one `${...}` interpolation. */
export type StringPart = string | Token[];

export class BicepSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
  }
}

const PUNCTUATION = [
  '...',
  '=>',
  '==',
  '!=',
  '=~',
  '!~',
  '<=',
  '>=',
  '&&',
  '||',
  '??',
  '.?',
  '{',
  '}',
  '[',
  ']',
  '(',
  ')',
  ',',
  ':',
  '.',
  '?',
  '!',
  '=',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '@',
  '|',
];

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', "'": "'", $: '$' };

export function tokenize(text: string): Token[] {
  const lexer = new Lexer(text);
  const tokens = lexer.run(false);
  tokens.push({ kind: 'eof', line: lexer.line });
  return tokens;
}

class Lexer {
  pos = 0;
  line = 1;
  constructor(private readonly text: string) {}

  /** Tokens until the end, or (inside an interpolation) until its closing brace. */
  run(interpolation: boolean): Token[] {
    const tokens: Token[] = [];
    let depth = 0;
    for (;;) {
      this.skipSpaceAndComments();
      const c = this.text[this.pos];
      if (c === undefined) {
        if (interpolation) throw new BicepSyntaxError('unterminated ${...}', this.line);
        return tokens;
      }
      if (c === '\n') {
        tokens.push({ kind: 'newline', line: this.line });
        this.pos += 1;
        this.line += 1;
      } else if (c === "'") tokens.push(this.string());
      else if (/[A-Za-z_]/.test(c)) {
        const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos)) as RegExpExecArray;
        tokens.push({ kind: 'ident', value: m[0], line: this.line });
        this.pos += m[0].length;
      } else if (/[0-9]/.test(c)) {
        const m = /^[0-9]+/.exec(this.text.slice(this.pos)) as RegExpExecArray;
        tokens.push({ kind: 'int', value: Number(m[0]), line: this.line });
        this.pos += m[0].length;
      } else {
        if (interpolation && c === '}' && depth === 0) {
          this.pos += 1;
          return tokens;
        }
        const p = PUNCTUATION.find((x) => this.text.startsWith(x, this.pos));
        if (!p) throw new BicepSyntaxError(`unexpected character ${JSON.stringify(c)}`, this.line);
        if (p === '{') depth += 1;
        if (p === '}') depth -= 1;
        tokens.push({ kind: 'punct', value: p, line: this.line });
        this.pos += p.length;
      }
    }
  }

  private skipSpaceAndComments(): void {
    for (;;) {
      const rest = this.text.slice(this.pos, this.pos + 2);
      if (rest[0] === ' ' || rest[0] === '\t' || rest[0] === '\r') this.pos += 1;
      else if (rest === '//') {
        while (this.pos < this.text.length && this.text[this.pos] !== '\n') this.pos += 1;
      } else if (rest === '/*') {
        const end = this.text.indexOf('*/', this.pos + 2);
        if (end < 0) throw new BicepSyntaxError('unterminated /* comment', this.line);
        this.line += countNewlines(this.text.slice(this.pos, end));
        this.pos = end + 2;
      } else return;
    }
  }

  private string(): Token {
    const line = this.line;
    if (this.text.startsWith("'''", this.pos)) {
      // Multi-line strings are verbatim: no escapes, no interpolation; a newline right after ''' is dropped.
      const end = this.text.indexOf("'''", this.pos + 3);
      if (end < 0) throw new BicepSyntaxError("unterminated ''' string", line);
      const raw = this.text.slice(this.pos + 3, end).replace(/^\r?\n/, '');
      this.line += countNewlines(this.text.slice(this.pos, end));
      this.pos = end + 3;
      return { kind: 'string', parts: [raw], line, multiline: true };
    }
    this.pos += 1;
    const parts: StringPart[] = [];
    let chunk = '';
    for (;;) {
      const c = this.text[this.pos];
      if (c === undefined || c === '\n') throw new BicepSyntaxError('unterminated string', line);
      if (c === "'") {
        this.pos += 1;
        if (chunk !== '' || parts.length === 0) parts.push(chunk);
        return { kind: 'string', parts, line, multiline: false };
      }
      if (c === '\\' && this.text[this.pos + 1] === 'u') {
        // \u{hex}: a code point
        const m = /^\\u\{([0-9A-Fa-f]{1,6})\}/.exec(this.text.slice(this.pos));
        if (!m?.[1]) throw new BicepSyntaxError('bad \\u{...} escape', this.line);
        chunk += String.fromCodePoint(parseInt(m[1], 16));
        this.pos += m[0].length;
      } else if (c === '\\') {
        const e = this.text[this.pos + 1] ?? '';
        const escaped = ESCAPES[e];
        if (escaped === undefined) throw new BicepSyntaxError(`unknown escape \\${e}`, this.line);
        chunk += escaped;
        this.pos += 2;
      } else if (c === '$' && this.text[this.pos + 1] === '{') {
        if (chunk !== '') parts.push(chunk);
        chunk = '';
        this.pos += 2;
        const inner = this.run(true);
        if (inner.length === 0) throw new BicepSyntaxError('empty ${}', this.line);
        parts.push(inner);
      } else {
        chunk += c;
        this.pos += 1;
      }
    }
  }
}

function countNewlines(s: string): number {
  return s.split('\n').length - 1;
}
