/**
 * The one place KQL text is built from outside values (the Application Insights provider). One escaping
 * scheme, the regular quoted literal: a value is only ever substituted inside a `'…'` or `"…"` literal of
 * the template, with backslash, both quotes and line breaks backslash-escaped, so it cannot close the
 * literal (`' or 1==1 or '` stays text). Verbatim literals (`@'…'`, where only a doubled quote escapes)
 * and multi-line literals are never filled: a placeholder there, or a string placeholder outside any
 * literal, is refused when the template is checked at load.
 */

export type KqlErrorCode = 'template-invalid' | 'variable-invalid' | 'variable-missing';

export class KqlError extends Error {
  readonly retryable = false;
  constructor(
    readonly code: KqlErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'KqlError';
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The inside of a KQL `'…'` or `"…"` literal (no surrounding quotes); both quotes are escaped. */
export function kqlString(s: string): string {
  if (LONE_SURROGATE.test(s)) throw new KqlError('variable-invalid', 'value is not valid Unicode');
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === "'" || ch === '"') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f)
      throw new KqlError(
        'variable-invalid',
        `value holds control character U+${code.toString(16).padStart(4, '0')}`,
      );
    else out += ch;
  }
  return out;
}

/** A quoted KQL string literal holding `s`. */
export const kqlLiteral = (s: string): string => `'${kqlString(s)}'`;

/** A KQL timespan literal for a window in ms: 300000 → `300s`, 1500 → `1500ms`. */
export function kqlTimespan(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms <= 0)
    throw new KqlError('variable-invalid', `interval must be a positive whole number of ms, got ${ms}`);
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** A KQL datetime literal for an ISO time (normalised, so nothing but the time reaches the query). */
export function kqlDatetime(iso: string): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms))
    throw new KqlError('variable-invalid', `not a valid time: ${JSON.stringify(iso)}`);
  return `datetime(${new Date(ms).toISOString()})`;
}

/** Values substituted into strings (escaped) … */
export const KQL_STRING_PLACEHOLDERS = ['namespace', 'target', 'canary', 'service'] as const;
/** … and KQL fragments Gantry builds itself, only outside strings. */
export const KQL_CODE_PLACEHOLDERS = ['interval', 'intervalSeconds', 'end', 'selector'] as const;

export interface KqlVariables {
  strings: Partial<Record<(typeof KQL_STRING_PLACEHOLDERS)[number], string>>;
  /** Already KQL: timespan, number, datetime literal, side filter expression. */
  code: Partial<Record<(typeof KQL_CODE_PLACEHOLDERS)[number], string>>;
  /** `{{ variables.x }}`: escaped inside a string, a plain number outside one. */
  variables: Record<string, string>;
}

type Context = 'code' | 'string' | 'verbatim' | 'comment';

interface Placeholder {
  start: number;
  end: number;
  name: string;
  fallback?: string;
  context: Context;
  line: number;
}

/** `@'…'` (verbatim) or `h'…'` (obfuscated): never filled, so their quoting rules never matter. */
function verbatimStart(t: string, i: number): boolean {
  const ch = t[i] as string;
  if (!/['"]/.test(t[i + 1] ?? '')) return false;
  return ch === '@' || ((ch === 'h' || ch === 'H') && !/[A-Za-z0-9_]/.test(t[i - 1] ?? ''));
}

const PLACEHOLDER =
  /^\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)\s*(?:\|\s*([^}|]*?)\s*)?\}\}/;

/** Splits a template into its placeholders, each with the lexical context it sits in. */
export function scanKql(template: string): Placeholder[] {
  const found: Placeholder[] = [];
  let context: Context = 'code';
  let quote: "'" | '"' | '```' | undefined;
  let line = 1;
  for (let i = 0; i < template.length; i++) {
    const ch = template[i] as string;
    if (ch === '\n') {
      line++;
      if (context === 'comment') context = 'code';
      else if (context === 'string')
        throw new KqlError('template-invalid', `line ${line - 1}: string literal not closed`);
      else if (context === 'verbatim' && quote !== '```')
        throw new KqlError('template-invalid', `line ${line - 1}: string literal not closed`);
      continue;
    }
    if (template.startsWith('{{', i)) {
      const m = PLACEHOLDER.exec(template.slice(i));
      if (!m) throw new KqlError('template-invalid', `line ${line}: malformed placeholder`);
      found.push({ start: i, end: i + m[0].length, name: m[1] as string, fallback: m[2], context, line });
      i += m[0].length - 1;
      continue;
    }
    if (context === 'code') {
      if (template.startsWith('//', i)) context = 'comment';
      else if (template.startsWith('```', i)) [context, quote, i] = ['verbatim', '```', i + 2];
      else if (verbatimStart(template, i))
        [context, quote, i] = ['verbatim', template[i + 1] as "'" | '"', i + 1];
      else if (ch === "'" || ch === '"') [context, quote] = ['string', ch];
    } else if (context === 'string') {
      if (ch === '\\') i++;
      else if (ch === quote) context = 'code';
    } else if (context === 'verbatim') {
      if (quote === '```' && template.startsWith('```', i)) [context, i] = ['code', i + 2];
      else if (ch === quote && template[i + 1] === quote) i++;
      else if (ch === quote) context = 'code';
    }
  }
  if (context === 'string' || context === 'verbatim')
    throw new KqlError('template-invalid', `line ${line}: string literal not closed`);
  return found;
}

const isString = (n: string): n is (typeof KQL_STRING_PLACEHOLDERS)[number] =>
  (KQL_STRING_PLACEHOLDERS as readonly string[]).includes(n);
const isCode = (n: string): n is (typeof KQL_CODE_PLACEHOLDERS)[number] =>
  (KQL_CODE_PLACEHOLDERS as readonly string[]).includes(n);
const NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/** Refuses, with its line, a placeholder that is unknown or sits where its value could not be safe. */
function checkPlaceholder(p: Placeholder): void {
  const where = `line ${p.line}: {{ ${p.name} }}`;
  if (p.context === 'verbatim' || p.context === 'comment')
    throw new KqlError(
      'template-invalid',
      `${where} is inside a verbatim string or comment; use a '…' literal`,
    );
  if (isString(p.name) && p.context !== 'string')
    throw new KqlError('template-invalid', `${where} must sit inside a '…' string literal`);
  if (isCode(p.name) && p.context !== 'code')
    throw new KqlError('template-invalid', `${where} is KQL, not text: put it outside string literals`);
  if (!isString(p.name) && !isCode(p.name) && !p.name.startsWith('variables.'))
    throw new KqlError(
      'template-invalid',
      `${where} is unknown; known: ${[...KQL_STRING_PLACEHOLDERS, ...KQL_CODE_PLACEHOLDERS].join(', ')}, variables.<name>`,
    );
  if (p.fallback !== undefined && p.context === 'code' && !NUMBER.test(p.fallback))
    throw new KqlError('template-invalid', `${where}: a default outside a string must be a number`);
}

/** Checks a template without values (at load): every placeholder known and in a safe place. */
export function checkKqlTemplate(template: string): void {
  scanKql(template).forEach(checkPlaceholder);
}

function valueOf(p: Placeholder, vars: KqlVariables): string {
  if (isCode(p.name)) {
    const v = vars.code[p.name];
    if (v === undefined) throw new KqlError('variable-missing', `no value for {{ ${p.name} }}`);
    return v;
  }
  const raw = isString(p.name) ? vars.strings[p.name] : (vars.variables[p.name.slice(10)] ?? p.fallback);
  if (raw === undefined) throw new KqlError('variable-missing', `no value for {{ ${p.name} }}`);
  if (p.context === 'string') return kqlString(raw);
  if (!NUMBER.test(raw.trim()))
    throw new KqlError(
      'variable-invalid',
      `{{ ${p.name} }} outside a string must be a number, got ${JSON.stringify(raw)}`,
    );
  return raw.trim();
}

/** Renders a KQL template: each value escaped for the literal it lands in, or refused. */
export function renderKql(template: string, vars: KqlVariables): string {
  const found = scanKql(template);
  found.forEach(checkPlaceholder);
  let out = '';
  let at = 0;
  for (const p of found) {
    out += template.slice(at, p.start) + valueOf(p, vars);
    at = p.end;
  }
  return out + template.slice(at);
}
