import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import type { PrometheusMode } from '../analysis/template-check.js';
import { isServiceName } from '../domain/names.js';
import { readChat } from './chat-schema.js';
import { providerIssues } from './provider-check.js';
import { serviceSchema, SERVICE_KEYS, type GantryConfig, type ServiceConfig } from './schema.js';

/**
 * Reads the configuration file: YAML → merge `defaults` under each service → validate. Every problem is
 * reported at once, each with its field path and the line it sits on, because this file is edited by
 * hand and a "something is wrong" error is useless at 2 a.m.
 */

export interface ConfigIssue {
  /** Dotted field path, e.g. `services.ApiGateway.canary.steps[1].weight`. */
  path: string;
  /** 1-based line in the file, when the field (or its nearest parent) is in the file. */
  line?: number;
  message: string;
}

export class ConfigError extends Error {
  readonly code = 'config-invalid';
  constructor(
    readonly fileName: string,
    readonly issues: ConfigIssue[],
  ) {
    super(
      `${fileName}: ${issues.length} configuration problem(s)\n` +
        issues.map((i) => `  ${fileName}:${i.line ?? '?'} ${i.path || '(file)'}: ${i.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

type Path = Array<string | number>;
type Plain = Record<string, unknown>;

const isPlain = (value: unknown): value is Plain =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)),
    '',
  );
}

/** Maps paths in the parsed data back to lines in the text. */
class SourceMap {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** The line of the deepest node along `path`, how deep that is, and whether the whole path exists. */
  locate(path: Path): { line?: number; depth: number; found: boolean; node?: unknown } {
    let node: unknown = this.doc.contents;
    let line = this.lineOf(node);
    let depth = 0;
    for (const key of path) {
      if (isAlias(node)) node = node.resolve(this.doc);
      let next: unknown;
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
        if (pair) line = this.lineOf(pair.key) ?? line;
        next = pair ? (pair.value ?? null) : undefined;
      } else if (isSeq(node) && typeof key === 'number') {
        next = node.items[key];
        line = this.lineOf(next) ?? line;
      }
      if (next === undefined) return { line, depth, found: false, node };
      node = next;
      depth++;
    }
    return { line, depth, found: true, node: isAlias(node) ? node.resolve(this.doc) : node };
  }

  private lineOf(node: unknown): number | undefined {
    const range = (node as Node | null | undefined)?.range;
    return range ? this.lines.linePos(range[0]).line : undefined;
  }
}

/** Values that replace the inherited one as a whole instead of merging into it (one-of shapes). */
const WHOLE = new Set(['production.router', 'production.image', 'staging.image']);
/** Canary schedule keys travel together: a service that sets any of them drops all inherited ones. */
const SCHEDULE = ['steps', 'stepWeights', 'stepWeight', 'maxWeight', 'checksPerStep', 'iterations'];

function merge(base: unknown, over: unknown, at: string): unknown {
  if (over === undefined) return base;
  if (!isPlain(base) || !isPlain(over) || WHOLE.has(at)) return over;
  const out: Plain = { ...base };
  if (at === 'canary' && SCHEDULE.some((key) => key in over)) SCHEDULE.forEach((key) => delete out[key]);
  for (const [key, value] of Object.entries(over))
    out[key] = merge(out[key], value, at ? `${at}.${key}` : key);
  return out;
}

/**
 * `defaults` under one service: objects merge key by key, lists and one-of objects are replaced,
 * `freezes` are concatenated (defaults first), and a gate set to `false` switches an inherited gate off.
 */
export function mergeService(defaults: Plain, service: unknown): unknown {
  if (!isPlain(service)) return service;
  const merged = merge(defaults, service, '') as Plain;
  if (Array.isArray(defaults.freezes) && Array.isArray(service.freezes)) {
    merged.freezes = [...defaults.freezes, ...service.freezes];
  }
  if (isPlain(merged.gates)) {
    merged.gates = Object.fromEntries(Object.entries(merged.gates).filter(([, gate]) => gate !== false));
  }
  return merged;
}

/** Where a merged service value came from: the service's own entry, or `defaults`. */
function sourceOf(
  map: SourceMap,
  name: string,
  rel: Path,
  defaults: Plain,
  service: Plain,
): { path: Path; line?: number } {
  const own: Path = ['services', name, ...rel];
  const inherited = Array.isArray(defaults.freezes) ? defaults.freezes.length : 0;
  if (rel[0] === 'freezes' && typeof rel[1] === 'number' && Array.isArray(service.freezes) && inherited > 0) {
    const index = rel[1];
    if (index < inherited) return { path: ['defaults', ...rel], line: map.locate(['defaults', ...rel]).line };
    const shifted: Path = ['services', name, 'freezes', index - inherited, ...rel.slice(2)];
    return { path: shifted, line: map.locate(shifted).line };
  }
  const mine = map.locate(own);
  if (mine.found) return { path: own, line: mine.line };
  // `defaults` can only be the source below a mapping the service merged into, not one it replaced;
  // then it is the source when it holds the value, or more of the path than the service does.
  const ownDepth = mine.depth - 2; // minus `services`, `<name>`
  const reached = rel.slice(0, ownDepth);
  const replaced = reached.length > 0 && (!isMap(mine.node) || WHOLE.has(reached.join('.')));
  const theirs = map.locate(['defaults', ...rel]);
  if (!replaced && (theirs.found || theirs.depth - 1 > ownDepth)) {
    return { path: ['defaults', ...rel], line: theirs.line };
  }
  return { path: own, line: mine.line };
}

function serviceIssues(
  map: SourceMap,
  name: string,
  error: z.ZodError,
  defaults: Plain,
  service: Plain,
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const issue of error.issues) {
    const rel = issue.path as Path;
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
    for (const key of keys) {
      const source = sourceOf(map, name, key === undefined ? rel : [...rel, key], defaults, service);
      const message = key === undefined ? issue.message : `unknown field "${key}"`;
      issues.push({ path: formatPath(source.path), line: source.line, message });
    }
  }
  return issues;
}

function topLevelIssues(map: SourceMap, raw: unknown): ConfigIssue[] {
  const at = (path: Path, message: string): ConfigIssue => ({
    path: formatPath(path),
    line: map.locate(path).line,
    message,
  });
  if (!isPlain(raw)) return [at([], 'the file must be a mapping with version, defaults and services')];
  const issues: ConfigIssue[] = [];
  for (const key of Object.keys(raw)) {
    if (!['version', 'defaults', 'services', 'chat'].includes(key))
      issues.push(at([key], `unknown field "${key}"`));
  }
  if (raw.version !== 1) {
    issues.push(at(['version'], raw.version === undefined ? 'required (version: 1)' : 'must be 1'));
  }
  if (raw.defaults !== undefined && !isPlain(raw.defaults))
    issues.push(at(['defaults'], 'must be a mapping'));
  for (const key of isPlain(raw.defaults) ? Object.keys(raw.defaults) : []) {
    if (key === 'image' || !(SERVICE_KEYS as string[]).includes(key)) {
      issues.push(at(['defaults', key], key === 'image' ? 'image is per service' : `unknown field "${key}"`));
    }
  }
  if (!isPlain(raw.services) || Object.keys(raw.services).length === 0) {
    issues.push(at(['services'], 'a mapping of service name to service, with at least one service'));
    return issues;
  }
  const seen = new Map<string, string>();
  for (const name of Object.keys(raw.services)) {
    if (!isServiceName(name)) {
      issues.push(
        at(['services', name], 'service names are a letter then letters, digits or "-" (at most 63)'),
      );
    }
    const other = seen.get(name.toLowerCase());
    if (other !== undefined) issues.push(at(['services', name], `same name as "${other}" ignoring case`));
    seen.set(name.toLowerCase(), name);
  }
  return issues;
}

/** Two services claiming the same repository must tell tags apart, or pushes would be ambiguous. */
function overlapIssues(map: SourceMap, services: Record<string, ServiceConfig>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const byRepo = new Map<string, string>();
  for (const [name, service] of Object.entries(services)) {
    const key = `${service.image.registry.toLowerCase()}/${service.image.repository}`;
    const other = byRepo.get(key);
    const filtered = (s: ServiceConfig) =>
      s.image.tagPattern?.include !== undefined || s.image.tagPattern?.exclude !== undefined;
    if (other !== undefined && !(filtered(service) && filtered(services[other] as ServiceConfig))) {
      const path: Path = ['services', name, 'image', 'repository'];
      issues.push({
        path: formatPath(path),
        line: map.locate(path).line,
        message: `${key} is also service "${other}"'s image; give both a tagPattern`,
      });
    }
    if (other === undefined) byRepo.set(key, name);
  }
  return issues;
}

/** Zod's "expected object, received undefined" for a missing field reads better as "required". */
const requiredMessage = (issue: { code?: string; input?: unknown }) =>
  issue.input === undefined &&
  (issue.code === 'invalid_type' || issue.code === 'invalid_value' || issue.code === 'invalid_union')
    ? 'required'
    : undefined;

function fail(fileName: string, issues: ConfigIssue[]): never {
  const unique = new Map(issues.map((i) => [`${i.path}\u0000${i.line}\u0000${i.message}`, i]));
  throw new ConfigError(
    fileName,
    [...unique.values()].sort((a, b) => (a.line ?? 0) - (b.line ?? 0)),
  );
}

export interface LoadOptions {
  /**
   * The metrics provider the templates will be sent to (app setting `GANTRY_PROMETHEUS_MODE`):
   * `azure-monitor` also refuses what Azure Monitor managed Prometheus cannot answer.
   */
  prometheusMode?: PrometheusMode;
}

/** Parses and validates the configuration file; throws `ConfigError` listing every problem found. */
export function loadConfig(text: string, fileName: string, options: LoadOptions = {}): GantryConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter: lines,
    keepSourceTokens: true,
    uniqueKeys: true,
    prettyErrors: false,
  });
  if (doc.errors.length > 0) {
    fail(
      fileName,
      doc.errors.map((e) => ({
        path: '',
        line: lines.linePos(e.pos[0]).line,
        message: e.message.split('\n')[0] ?? e.code,
      })),
    );
  }
  const map = new SourceMap(doc, lines);
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    fail(fileName, [{ path: '', message: (error as Error).message }]);
  }
  const top = topLevelIssues(map, raw);
  if (top.length > 0) fail(fileName, top);
  const file = raw as { defaults?: Plain; services: Plain };
  const defaults = file.defaults ?? {};
  const services: Record<string, ServiceConfig> = {};
  const issues: ConfigIssue[] = [];
  for (const [name, service] of Object.entries(file.services)) {
    const result = serviceSchema.safeParse(mergeService(defaults, service), { error: requiredMessage });
    if (result.success) {
      services[name] = result.data;
    } else if (isPlain(service)) {
      issues.push(...serviceIssues(map, name, result.error, defaults, service));
    } else {
      issues.push({
        path: `services.${name}`,
        line: map.locate(['services', name]).line,
        message: 'must be a mapping',
      });
    }
  }
  if (issues.length === 0) issues.push(...overlapIssues(map, services));
  const line = (path: Path) => map.locate(path).line;
  const chat = readChat((raw as { chat?: unknown }).chat, line, issues, { error: requiredMessage });
  if (issues.length === 0 && options.prometheusMode === 'azure-monitor')
    issues.push(
      ...providerIssues(services, options.prometheusMode, (name, rel) => {
        const source = sourceOf(map, name, rel, defaults, file.services[name] as Plain);
        return { path: formatPath(source.path), line: source.line };
      }),
    );
  if (issues.length > 0) fail(fileName, issues);
  return { version: 1, services, ...(chat && { chat }) };
}
