/**
 * The one place PromQL text is built from outside values. Every template (built-in or user-written) is
 * rendered by `render`, which escapes each substituted value for the context it lands in, so a service or
 * namespace name can never change the shape of a query (`"} or vector(1) or {a="` stays a label value).
 */

export type PromqlErrorCode = 'template-invalid' | 'variable-invalid' | 'variable-missing';

export class PromqlError extends Error {
  readonly retryable = false;
  constructor(
    readonly code: PromqlErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PromqlError';
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function assertWellFormed(s: string): void {
  // A lone surrogate cannot be encoded as UTF-8; Prometheus would reject the query or see U+FFFD.
  if (LONE_SURROGATE.test(s)) throw new PromqlError('variable-invalid', 'value is not valid Unicode');
}

/** Escapes `s` for the inside of a PromQL string literal opened with `quote` (Go escapes). */
function stringEscape(s: string, quote: '"' | "'"): string {
  assertWellFormed(s);
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    // The lexer ends a string at a raw newline; other control characters are escaped so the rendered
    // query (stored with every check) stays printable.
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out;
}

/** The inside of a double-quoted label value for `=` / `!=` matchers (no surrounding quotes). */
export function labelValue(s: string): string {
  return stringEscape(s, '"');
}

/** RE2 meta-characters (Go's `regexp.QuoteMeta` set) escaped, so the value matches itself literally. */
export function regexQuote(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** The inside of a double-quoted value for `=~` / `!~` matchers: regex-escaped, then string-escaped. */
export function regexLabelValue(s: string): string {
  return labelValue(regexQuote(s));
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Returns `name` when it is a classic Prometheus label name; throws otherwise. */
export function labelName(name: string): string {
  if (!LABEL_NAME.test(name))
    throw new PromqlError('variable-invalid', `invalid label name ${JSON.stringify(name)}`);
  return name;
}

const UNITS: Array<[string, number]> = [
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
];

/** A Prometheus duration for a window in ms, in the largest unit that divides it: 60000 → `1m`, 90000 → `90s`. */
export function promDuration(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms <= 0)
    throw new PromqlError('variable-invalid', `interval must be a positive whole number of ms, got ${ms}`);
  for (const [unit, size] of UNITS) if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const DURATION = /^(?:\d+(?:ms|[smhdwy]))+$/;

/**
 * A value placed outside quotes becomes PromQL syntax, so only inert grammars are accepted: a quantile
 * is a number in [0, 1]; anything else a plain number or a duration.
 */
function bareValue(key: string, value: string): string {
  if (key === 'variables.quantile') {
    const q = Number(value);
    if (NUMBER.test(value) && q >= 0 && q <= 1) return value;
    throw new PromqlError(
      'variable-invalid',
      `${key} must be a number between 0 and 1, got ${JSON.stringify(value)}`,
    );
  }
  if (NUMBER.test(value) || DURATION.test(value)) return value;
  throw new PromqlError(
    'variable-invalid',
    `${key} is used outside quotes and must be a number or a duration, got ${JSON.stringify(value)}`,
  );
}

export const PLACEHOLDERS = [
  'namespace',
  'target',
  'canary',
  'service',
  'ingress',
  'route',
  'interval',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

export interface TemplateVariables extends Partial<Record<Exclude<Placeholder, 'interval'>, string>> {
  /** Window in ms, rendered as a Prometheus duration. */
  interval?: number;
  /** Values for `{{ variables.<key> }}`. */
  variables?: Record<string, string>;
}

type Context = { kind: 'bare' } | { kind: 'string'; quote: '"' | "'" | '`'; regex: boolean };

const PLACEHOLDER =
  /^\{\{\s*(?:(variables)\.([A-Za-z_][A-Za-z0-9_]*)|([a-z]+))\s*(?:\|\s*([^\s{}|]+)\s*)?\}\}/;

function lookup(vars: TemplateVariables, match: RegExpExecArray): { key: string; value: string | undefined } {
  const [, scope, variable, name, fallback] = match;
  if (scope && variable)
    return { key: `variables.${variable}`, value: vars.variables?.[variable] ?? fallback };
  const key = name ?? '';
  if (!(PLACEHOLDERS as readonly string[]).includes(key))
    throw new PromqlError('template-invalid', `unknown placeholder {{ ${key} }}`);
  if (fallback !== undefined)
    throw new PromqlError('template-invalid', `only {{ variables.x }} placeholders take a default`);
  if (key === 'interval')
    return { key, value: vars.interval === undefined ? undefined : promDuration(vars.interval) };
  return { key, value: vars[key as Exclude<Placeholder, 'interval'>] };
}

function substitute(key: string, value: string, context: Context): string {
  if (context.kind === 'bare') return key === 'interval' ? value : bareValue(key, value);
  const literal = context.regex ? regexQuote(value) : value;
  if (context.quote !== '`') return stringEscape(literal, context.quote);
  // Backtick strings are raw: nothing can be escaped, so a backtick would end the string.
  assertWellFormed(literal);
  if (literal.includes('`')) throw new PromqlError('variable-invalid', `${key} contains a backtick`);
  return literal;
}

/** Whether a string literal opening at `i` is the operand of a regex matcher (`=~` or `!~`). */
function opensRegex(template: string, i: number): boolean {
  return /[=!]~\s*$/.test(template.slice(Math.max(0, i - 16), i));
}

/**
 * Renders `{{ namespace }}`, `{{ target }}`, `{{ canary }}`, `{{ service }}`, `{{ ingress }}`,
 * `{{ route }}`, `{{ interval }}` and `{{ variables.x }}` (optionally `{{ variables.x | default }}`).
 * The template is scanned like the PromQL lexer so each value is escaped for where it lands: inside a
 * quoted string (regex-escaped too after `=~`/`!~`), or outside quotes (inert grammars only).
 */
export function render(template: string, vars: TemplateVariables): string {
  let out = '';
  let context: Context = { kind: 'bare' };
  for (let i = 0; i < template.length;) {
    const ch = template[i] as string;
    if (ch === '{' && template[i + 1] === '{') {
      const match = PLACEHOLDER.exec(template.slice(i));
      if (!match) throw new PromqlError('template-invalid', `malformed placeholder at offset ${i}`);
      const { key, value } = lookup(vars, match);
      if (value === undefined) throw new PromqlError('variable-missing', `no value for {{ ${key} }}`);
      out += substitute(key, value, context);
      i += match[0].length;
      continue;
    }
    if (context.kind === 'bare') {
      if (ch === '"' || ch === "'" || ch === '`')
        context = { kind: 'string', quote: ch, regex: opensRegex(template, i) };
      else if (ch === '#') {
        // A comment runs to the end of the line; quotes inside it open nothing.
        const end = template.indexOf('\n', i);
        const stop = end === -1 ? template.length : end;
        if (template.slice(i, stop).includes('{{'))
          throw new PromqlError('template-invalid', 'placeholders are not allowed in comments');
        out += template.slice(i, stop);
        i = stop;
        continue;
      }
    } else if (ch === '\\' && context.quote !== '`') {
      out += template.slice(i, i + 2);
      i += 2;
      continue;
    } else if (ch === context.quote) context = { kind: 'bare' };
    out += ch;
    i++;
  }
  if (context.kind !== 'bare')
    throw new PromqlError('template-invalid', 'unterminated string literal in template');
  return out;
}
