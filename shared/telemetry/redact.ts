import type { TelemetryValue } from '../ports/telemetry.js';

export const REDACTED = '[redacted]';

/**
 * Attribute keys whose value is a secret whatever it looks like. Keys are split into words
 * (`x-acr-key`, `connectionString`, `AccountKey`) so `monkey` or `tokenizer` do not match.
 */
const SENSITIVE_WORDS = new Set([
  'authorization',
  'cookie',
  'password',
  'passwd',
  'pwd',
  'secret',
  'secrets',
  'token',
  'tokens',
  'key',
  'keys',
  'apikey',
  'sig',
  'signature',
  'sas',
  'credential',
  'credentials',
]);
/** Word pairs that are secrets together (`connection string`, `access key`). */
const SENSITIVE_PAIRS = ['connection string', 'access key', 'account key', 'private key', 'client secret'];
/** A trailing word that turns a sensitive word into an identifier (`secret_name`, `token_id`). */
const IDENTIFIER_WORDS = new Set(['name', 'id', 'type', 'kind', 'count', 'reason', 'code', 'expiry']);

export function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** True when an attribute or header named `key` holds a secret. */
export function isSensitiveKey(key: string): boolean {
  const words = keyWords(key);
  const last = words[words.length - 1];
  if (last === undefined || (words.length > 1 && IDENTIFIER_WORDS.has(last))) return false;
  const joined = words.join(' ');
  return words.some((w) => SENSITIVE_WORDS.has(w)) || SENSITIVE_PAIRS.some((p) => joined.includes(p));
}

/** Secrets recognisable by their shape, replaced wherever they appear in a text. */
const PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  // PEM private keys (also a truncated one, to the end of the text).
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g, REDACTED],
  // Header lines: `Authorization: Bearer x`, `x-acr-key: x`, `Cookie: a=b`.
  [
    /\b((?:proxy-)?authorization|set-cookie|cookie|x-[a-z0-9-]*(?:key|token|secret|signature)[a-z0-9-]*|api[-_]?key)(["']?\s*[:=]\s*["']?)[^"'\r\n,;]+/gi,
    `$1$2${REDACTED}`,
  ],
  // Credentials after an auth scheme; real ones hold a digit or symbol, so "Basic authentication" and
  // challenge parameters (`Bearer realm="argo"`) stay.
  [
    /\b(Bearer|Basic|Digest|Negotiate|SharedAccessSignature)\s+(?![A-Za-z]+=")(?=[A-Za-z]*[0-9._~+/=%&:-])[A-Za-z0-9._~+/=%&:-]{6,}/g,
    `$1 ${REDACTED}`,
  ],
  // Connection-string and query-string pairs: `AccountKey=`, `SharedAccessKey=`, `?sig=`, `&code=` (not
  // PromQL matchers such as `code=~"5.."`).
  [
    /\b(AccountKey|SharedAccessKey|SharedAccessSignature|InstrumentationKey|Password|Pwd|ClientSecret|client_secret|access_token|refresh_token|id_token|sig|code|token|api[-_]?key|secret|password)=([^;&\s"'<>~(){}[\],]+)/gi,
    `$1=${REDACTED}`,
  ],
  // JSON Web Tokens (Entra access tokens, Kubernetes service account tokens).
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // GitHub tokens.
  [/\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g, REDACTED],
  // Passwords in URLs: `https://user:pass@host`.
  [/\b([a-z][a-z0-9+.-]*:\/\/)([^\s:@/]+):([^\s@/]+)@/gi, `$1$2:${REDACTED}@`],
];

/** Configured secrets shorter than this are not searched for: they would blank out ordinary words. */
export const MIN_SECRET_LENGTH = 4;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Pure: `text` with every configured secret value and everything that looks like a secret (tokens,
 * keys, connection strings, credentials in headers and URLs) replaced by `[redacted]`.
 */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text;
  const known = secretsPattern(secrets);
  if (known) out = out.replace(known, REDACTED);
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/**
 * The configured secrets as one pattern, longest first. Compiled once per list of secrets (they are the
 * same on every call of a process), not once per redacted string: every log line redacts several.
 */
let compiledSecrets: { key: string; pattern: RegExp } | undefined;
function secretsPattern(secrets: readonly string[]): RegExp | undefined {
  const known = secrets.filter((s) => s.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  if (known.length === 0) return undefined;
  const key = known.join('\u0000');
  if (compiledSecrets?.key !== key)
    compiledSecrets = { key, pattern: new RegExp(known.map(escapeRegExp).join('|'), 'g') };
  return compiledSecrets.pattern;
}

/** Pure: a JSON value with every string in it redacted (keys kept), for records that outlive the process. */
export function redactJson<T>(value: T, secrets: readonly string[] = []): T {
  if (typeof value === 'string') return redactText(value, secrets) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactJson(v, secrets)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        isSensitiveKey(k) && typeof v === 'string' ? REDACTED : redactJson(v, secrets),
      ]),
    ) as T;
  }
  return value;
}

function redactValue(key: string, value: unknown, secrets: readonly string[]): TelemetryValue | undefined {
  if (value === undefined || value === null) return undefined;
  if (isSensitiveKey(key)) return REDACTED;
  if (typeof value === 'string') return redactText(value, secrets);
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) {
    return value.filter((v) => v !== undefined && v !== null).map((v) => redactText(String(v), secrets));
  }
  // Objects are not attribute values; JSON keeps them readable and the same rules apply to the text.
  return redactText(JSON.stringify(value), secrets);
}

/** Pure: attributes with secret-named keys blanked, other strings redacted, `undefined` entries dropped. */
export function redactAttributes(
  attributes: Readonly<Record<string, unknown>>,
  secrets: readonly string[] = [],
): Record<string, TelemetryValue> {
  const out: Record<string, TelemetryValue> = {};
  for (const [key, value] of Object.entries(attributes)) {
    const redacted = redactValue(key, value, secrets);
    if (redacted !== undefined) out[key] = redacted;
  }
  return out;
}

export interface ErrorSummary {
  /** The error's stable `code`, or `unexpected` when it has none. */
  code: string;
  type: string;
  message: string;
}

const CODE = /^[A-Za-z][\w.:-]{0,63}$/;
const MAX_MESSAGE = 1_000;

/** Pure: what telemetry may say about a thrown value (code, type, redacted and bounded message). */
export function describeError(error: unknown, secrets: readonly string[] = []): ErrorSummary {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  const name = error instanceof Error ? error.name : typeof error;
  const raw = error instanceof Error ? error.message : String(error);
  return {
    code: typeof code === 'string' && CODE.test(code) ? code : 'unexpected',
    type: /^\w{1,64}$/.test(name) ? name : 'Error',
    message: redactText(raw, secrets).slice(0, MAX_MESSAGE),
  };
}

/** Holds the process's known secret values (settings, Key Vault) for the redaction functions. */
export class Redactor {
  private readonly values = new Set<string>();

  constructor(secrets: Iterable<string> = []) {
    for (const s of secrets) this.remember(s);
  }

  /** Adds a secret value that must never leave the process in telemetry. */
  remember(value: string): void {
    if (value.length >= MIN_SECRET_LENGTH) this.values.add(value);
  }

  get secrets(): readonly string[] {
    return [...this.values];
  }

  text(text: string): string {
    return redactText(text, this.secrets);
  }

  attributes(attributes: Readonly<Record<string, unknown>>): Record<string, TelemetryValue> {
    return redactAttributes(attributes, this.secrets);
  }

  error(error: unknown): ErrorSummary {
    return describeError(error, this.secrets);
  }
}
