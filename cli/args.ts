import { usageError } from './errors.js';

export interface FlagSpec {
  name: string;
  short?: string;
  /** A boolean flag takes no value; a string flag takes exactly one. */
  kind: 'boolean' | 'string';
  /** Shown in help, e.g. `<url>`. */
  value?: string;
  description: string;
}

export type FlagValues = Record<string, string | boolean>;

export interface ParsedCommandLine {
  /** The first positional word, when there is one. */
  command?: string;
  positionals: string[];
  flags: FlagValues;
}

const describe = (f: FlagSpec): string => (f.short ? `--${f.name} (-${f.short})` : `--${f.name}`);

function lookup(specs: readonly FlagSpec[], token: string): { spec?: FlagSpec; inline?: string } {
  if (token.startsWith('--')) {
    const eq = token.indexOf('=');
    const name = eq === -1 ? token.slice(2) : token.slice(2, eq);
    return { spec: specs.find((s) => s.name === name), inline: eq === -1 ? undefined : token.slice(eq + 1) };
  }
  // Short flags: `-m value`, `-mvalue` or `-m=value`; booleans may not be bundled (`-hj`), to stay simple.
  const spec = specs.find((s) => s.short === token[1]);
  const rest = token.slice(2);
  return { spec, inline: rest === '' ? undefined : rest.replace(/^=/, '') };
}

/**
 * Parses a command line against the global flags, and once the command word is known, the command's
 * flags as well (`commandFlags` returns undefined for an unknown command, which the caller reports).
 * Flags may come before or after positionals; `--` ends flags.
 */
export function parseCommandLine(
  argv: readonly string[],
  globals: readonly FlagSpec[],
  commandFlags: (command: string) => readonly FlagSpec[] | undefined,
): ParsedCommandLine {
  const out: ParsedCommandLine = { positionals: [], flags: {} };
  let specs = globals;
  let flagsEnded = false;
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    if (flagsEnded || token === '-' || !token.startsWith('-')) {
      if (out.command === undefined) {
        out.command = token;
        specs = [...globals, ...(commandFlags(token) ?? [])];
      } else out.positionals.push(token);
      continue;
    }
    if (token === '--') {
      flagsEnded = true;
      continue;
    }
    const { spec, inline } = lookup(specs, token);
    if (!spec) {
      const where = out.command ? ` for '${out.command}'` : '';
      throw usageError(`Unknown flag ${token.split('=')[0]}${where}. See --help.`, { flag: token });
    }
    if (spec.name in out.flags) throw usageError(`${describe(spec)} is given more than once.`);
    if (spec.kind === 'boolean') {
      if (inline !== undefined) throw usageError(`${describe(spec)} takes no value.`);
      out.flags[spec.name] = true;
      continue;
    }
    const value = inline ?? argv[i + 1];
    // `-m --json` is almost always a forgotten value, not a message that starts with dashes.
    if (value === undefined || (inline === undefined && value.startsWith('--')))
      throw usageError(`${describe(spec)} needs a value${spec.value ? ` ${spec.value}` : ''}.`);
    if (inline === undefined) i++;
    out.flags[spec.name] = value;
  }
  return out;
}

export const stringFlag = (flags: FlagValues, name: string): string | undefined => {
  const v = flags[name];
  return typeof v === 'string' ? v : undefined;
};

/** A whole number flag within bounds; anything else is a usage error naming the flag. */
export function intFlag(flags: FlagValues, name: string, min: number, max: number): number | undefined {
  const raw = stringFlag(flags, name);
  if (raw === undefined) return undefined;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < min || Number(raw) > max)
    throw usageError(`--${name} must be a whole number from ${min} to ${max} (got '${raw}').`, {
      flag: name,
    });
  return Number(raw);
}

/** A duration flag: `500ms`, `2s`, `1.5s`, `5m`, `2h`, `3d`, or plain seconds; returns milliseconds. */
export function durationFlag(flags: FlagValues, name: string): number | undefined {
  const raw = stringFlag(flags, name);
  if (raw === undefined) return undefined;
  const ms = parseDuration(raw);
  if (ms === undefined || ms <= 0)
    throw usageError(`--${name} must be a duration such as 30s, 5m or 2h (got '${raw}').`, { flag: name });
  return ms;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(raw: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(raw.trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * (UNIT_MS[m[2] ?? 's'] ?? 1000));
}

/** Exactly the positionals a command takes; a missing or extra one is a usage error naming it. */
export function positionals(
  command: string,
  values: readonly string[],
  names: readonly string[],
  optional: readonly string[] = [],
): Record<string, string | undefined> {
  if (values.length < names.length)
    throw usageError(`'${command}' needs <${names[values.length]}>. See gantry ${command} --help.`);
  if (values.length > names.length + optional.length)
    throw usageError(
      `'${command}' takes ${names.length + optional.length} argument(s); got '${values.join(' ')}'.`,
    );
  const all = [...names, ...optional];
  return Object.fromEntries(all.map((n, i) => [n, values[i]]));
}

/** Edit distance, for "did you mean" on a mistyped command. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const distance = (a: string, b: string): number => {
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const row = [i];
      for (let j = 1; j <= b.length; j++)
        row[j] = Math.min(
          (prev[j] ?? 0) + 1,
          (row[j - 1] ?? 0) + 1,
          (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
        );
      prev = row;
    }
    return prev[b.length] ?? Infinity;
  };
  const scored = candidates.map((c) => ({ c, d: distance(word, c) })).sort((x, y) => x.d - y.d);
  const best = scored[0];
  return best && best.d <= Math.max(1, Math.floor(word.length / 3)) ? best.c : undefined;
}
