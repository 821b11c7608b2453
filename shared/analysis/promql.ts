/**
 * The one place PromQL text is built from outside values. Every template (built-in or user-written) is
 * rendered by `render`, which escapes each substituted value for the context it lands in, so a service or
 * namespace name can never change the shape of a query (`"} or vector(1) or {a="` stays a label value).
 */

import { firstError, parsePromql, positionOf, slotOf, type Slot } from './promql-tree.js';

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
  // The target's AKS cluster, for a Prometheus that several clusters feed (series labelled `cluster`).
  'cluster',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

export interface TemplateVariables extends Partial<Record<Exclude<Placeholder, 'interval'>, string>> {
  /** Window in ms, rendered as a Prometheus duration. */
  interval?: number;
  /** Values for `{{ variables.<key> }}`. */
  variables?: Record<string, string>;
}

const PLACEHOLDER =
  /^\{\{\s*(?:(variables)\.([A-Za-z_][A-Za-z0-9_]*)|([a-z]+))\s*(?:\|\s*([^\s{}|]+)\s*)?\}\}/;

/** One `{{ … }}` of a template: what it names, where it is, and the literal it sits in. */
export interface PlaceholderUse {
  /** `namespace`, `interval`, `variables.quantile`, … */
  key: string;
  /** The `| default` of a `{{ variables.x | default }}`. */
  fallback?: string;
  /** Offset in the template. */
  offset: number;
  slot: Slot;
}

/** A template split into literal text and placeholders, each placeholder placed by the PromQL grammar. */
export interface TemplatePlan {
  parts: Array<string | PlaceholderUse>;
}

function invalidAt(template: string, offset: number, message: string): PromqlError {
  const { line, column } = positionOf(template, offset);
  return new PromqlError('template-invalid', `line ${line}, column ${column}: ${message}`);
}

function placeholderAt(
  template: string,
  offset: number,
): { use: Omit<PlaceholderUse, 'slot'>; length: number } {
  const match = PLACEHOLDER.exec(template.slice(offset));
  if (!match) throw invalidAt(template, offset, 'malformed placeholder');
  const [text, scope, variable, name, fallback] = match;
  if (scope && variable)
    return {
      use: { key: `variables.${variable}`, offset, ...(fallback !== undefined && { fallback }) },
      length: text.length,
    };
  const key = name ?? '';
  if (!(PLACEHOLDERS as readonly string[]).includes(key))
    throw invalidAt(
      template,
      offset,
      `unknown placeholder {{ ${key} }} (known: ${PLACEHOLDERS.join(', ')}, variables.<name>)`,
    );
  if (fallback !== undefined)
    throw invalidAt(template, offset, 'only {{ variables.x }} placeholders take a default');
  return { use: { key, offset }, length: text.length };
}

/** A stand-in value that is valid PromQL both inside a string and where a number or duration stands. */
const probeFor = (key: string) => (key === 'interval' ? '1m' : '1');

function placeholderProblem(use: Omit<PlaceholderUse, 'slot'>, slot: Slot): string | undefined {
  if (slot.kind === 'string') return undefined;
  if (slot.kind === 'comment') return 'placeholders are not allowed in comments';
  const numeric = use.key === 'interval' || use.key.startsWith('variables.');
  if (slot.kind === 'number' && numeric) return undefined;
  return numeric
    ? `{{ ${use.key} }} outside a string literal must stand alone where a number or duration goes`
    : `{{ ${use.key} }} is outside quotes (a string literal); put it in quotes, e.g. label="{{ ${use.key} }}"`;
}

function buildPlan(template: string): TemplatePlan {
  const parts: Array<string | Omit<PlaceholderUse, 'slot'>> = [];
  const spans: Array<{ probeFrom: number; probeTo: number; templateFrom: number }> = [];
  let probe = '';
  for (let i = 0; i < template.length;) {
    const next = template.indexOf('{{', i);
    const end = next === -1 ? template.length : next;
    if (end > i) {
      parts.push(template.slice(i, end));
      spans.push({ probeFrom: probe.length, probeTo: probe.length + end - i, templateFrom: i });
      probe += template.slice(i, end);
    }
    if (next === -1) break;
    const { use, length } = placeholderAt(template, next);
    parts.push(use);
    spans.push({
      probeFrom: probe.length,
      probeTo: probe.length + probeFor(use.key).length,
      templateFrom: next,
    });
    probe += probeFor(use.key);
    i = next + length;
  }
  const tree = parsePromql(probe);
  const placed = parts.map((part, index) => {
    if (typeof part === 'string') return part;
    const span = spans[index] as (typeof spans)[number];
    return { ...part, slot: slotOf(tree, probe, span.probeFrom, span.probeTo) };
  });
  // A misplaced placeholder is reported before the syntax error it causes (`{{ target }}_total`),
  // unless it sits in the broken text itself.
  for (const part of placed) {
    if (typeof part === 'string' || (part.slot.kind === 'other' && part.slot.node === '⚠')) continue;
    const problem = placeholderProblem(part, part.slot);
    if (problem) throw invalidAt(template, part.offset, problem);
  }
  const error = firstError(tree);
  if (error !== undefined) {
    const span = spans.find((s) => error < s.probeTo) ?? spans[spans.length - 1];
    // An error at the very end (an unclosed parenthesis) is reported on the template's last line.
    const end = template.trimEnd().length;
    const at = span ? Math.min(span.templateFrom + Math.max(0, error - span.probeFrom), end) : 0;
    const near = template.slice(at, at + 20).split('\n')[0] ?? '';
    throw invalidAt(
      template,
      at,
      `PromQL syntax error${near ? ` near ${JSON.stringify(near)}` : ' at the end'}`,
    );
  }
  return { parts: placed };
}

const plans = new Map<string, TemplatePlan | PromqlError>();

/**
 * Reads a template with the PromQL grammar, each placeholder standing in as a sample value: a syntax
 * error, an unknown placeholder, or a name placeholder outside quotes is a `template-invalid` error
 * naming the line and column. Plans are cached: the same few templates are rendered at every check.
 */
export function planTemplate(template: string): TemplatePlan {
  let plan = plans.get(template);
  if (plan === undefined) {
    try {
      plan = buildPlan(template);
    } catch (error) {
      if (!(error instanceof PromqlError)) throw error;
      plan = error;
    }
    if (plans.size >= 500) plans.clear();
    plans.set(template, plan);
  }
  if (plan instanceof PromqlError) throw new PromqlError(plan.code, plan.message);
  return plan;
}

function valueOf(vars: TemplateVariables, use: PlaceholderUse): string | undefined {
  if (use.key.startsWith('variables.'))
    return vars.variables?.[use.key.slice('variables.'.length)] ?? use.fallback;
  if (use.key === 'interval') return vars.interval === undefined ? undefined : promDuration(vars.interval);
  return vars[use.key as Exclude<Placeholder, 'interval'>];
}

function substitute(key: string, value: string, slot: Slot): string {
  if (slot.kind !== 'string') return key === 'interval' ? value : bareValue(key, value);
  const literal = slot.regex ? regexQuote(value) : value;
  if (slot.quote !== '`') return stringEscape(literal, slot.quote);
  // Backtick strings are raw: nothing can be escaped, so a backtick would end the string.
  assertWellFormed(literal);
  if (literal.includes('`')) throw new PromqlError('variable-invalid', `${key} contains a backtick`);
  return literal;
}

/**
 * Renders `{{ namespace }}`, `{{ target }}`, `{{ canary }}`, `{{ service }}`, `{{ ingress }}`,
 * `{{ route }}`, `{{ cluster }}`, `{{ interval }}` and `{{ variables.x }}` (optionally `{{ variables.x | default }}`).
 * Each value is escaped for where the PromQL grammar places it (see `planTemplate`): inside a string
 * literal it is string-escaped, and regex-escaped first when that literal is the value of a `=~`/`!~`
 * matcher; where a number or duration stands only an inert number or duration is accepted.
 */
export function render(template: string, vars: TemplateVariables): string {
  let out = '';
  for (const part of planTemplate(template).parts) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    const value = valueOf(vars, part);
    if (value === undefined) throw new PromqlError('variable-missing', `no value for {{ ${part.key} }}`);
    out += substitute(part.key, value, part.slot);
  }
  return out;
}
