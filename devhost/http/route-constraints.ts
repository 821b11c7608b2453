/** A compiled inline route constraint: true when the (decoded) parameter value satisfies it. */
export type Constraint = (value: string) => boolean;

const INT32 = [-(2 ** 31), 2 ** 31 - 1] as const;
const INT64 = [-(2n ** 63n), 2n ** 63n - 1n] as const;
const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const GUID_HEX = /^[0-9a-f]{32}$/i;
const GUID_D = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function inRange(value: string, [lo, hi]: readonly [bigint, bigint]): boolean {
  if (!INTEGER.test(value)) return false;
  const n = BigInt(value);
  return n >= lo && n <= hi;
}

/** Guid.TryParse formats N, D, B and P (`{...}` / `(...)` around D). */
function isGuid(value: string): boolean {
  const inner = /^\{.*\}$|^\(.*\)$/s.test(value) ? value.slice(1, -1) : value;
  if (inner !== value) return GUID_D.test(inner);
  return GUID_D.test(value) || GUID_HEX.test(value);
}

const SIMPLE: Record<string, Constraint> = {
  int: (v) => inRange(v, [BigInt(INT32[0]), BigInt(INT32[1])]),
  long: (v) => inRange(v, INT64),
  bool: (v) => /^(true|false)$/i.test(v),
  alpha: (v) => /^[a-z]+$/i.test(v),
  guid: isGuid,
  double: (v) => NUMBER.test(v),
  float: (v) => NUMBER.test(v),
  decimal: (v) => NUMBER.test(v.trim()) && !/e/i.test(v),
  datetime: (v) => !Number.isNaN(Date.parse(v)),
  required: (v) => v !== '',
};

const NEEDS_ARGS = new Set(['length', 'minlength', 'maxlength', 'min', 'max', 'range', 'regex']);

function intArgs(args: string[], count: number, where: string, name: string): number[] {
  const nums = args.map((a) => Number(a.trim()));
  if (nums.length !== count || nums.some((n) => !Number.isInteger(n))) {
    throw new Error(`${where}: constraint "${name}" needs ${count} integer argument(s).`);
  }
  return nums;
}

function withArgs(name: string, args: string[], raw: string, where: string): Constraint {
  switch (name) {
    case 'length': {
      if (args.length === 1) {
        const [n] = intArgs(args, 1, where, name) as [number];
        return (v) => v.length === n;
      }
      const [lo, hi] = intArgs(args, 2, where, name) as [number, number];
      return (v) => v.length >= lo && v.length <= hi;
    }
    case 'minlength': {
      const [n] = intArgs(args, 1, where, name) as [number];
      return (v) => v.length >= n;
    }
    case 'maxlength': {
      const [n] = intArgs(args, 1, where, name) as [number];
      return (v) => v.length <= n;
    }
    case 'min': {
      const [n] = intArgs(args, 1, where, name) as [number];
      return (v) => inRange(v, INT64) && BigInt(v) >= BigInt(n);
    }
    case 'max': {
      const [n] = intArgs(args, 1, where, name) as [number];
      return (v) => inRange(v, INT64) && BigInt(v) <= BigInt(n);
    }
    case 'range': {
      const [lo, hi] = intArgs(args, 2, where, name) as [number, number];
      return (v) => inRange(v, [BigInt(lo), BigInt(hi)]);
    }
    case 'regex': {
      // ASP.NET: case-insensitive, not implicitly anchored (authors add ^...$ themselves).
      let regex: RegExp;
      try {
        regex = new RegExp(raw, 'i');
      } catch (err) {
        throw new Error(`${where}: invalid regex(${raw}): ${(err as Error).message}`, { cause: err });
      }
      return (v) => regex.test(v);
    }
    default:
      throw new Error(`${where}: unknown route constraint "${name}".`);
  }
}

/** Compiles `int`, `length(3)`, `range(1,10)`, `regex(^a+$)`, ... (names are case-insensitive). */
export function compileConstraint(text: string, where: string): Constraint {
  const m = /^([A-Za-z]+)(?:\((.*)\))?$/s.exec(text.trim());
  if (!m) throw new Error(`${where}: malformed route constraint "${text}".`);
  const name = (m[1] as string).toLowerCase();
  const raw = m[2];
  if (raw === undefined) {
    const simple = SIMPLE[name];
    if (!simple && NEEDS_ARGS.has(name))
      throw new Error(`${where}: route constraint "${name}" needs arguments.`);
    if (!simple) throw new Error(`${where}: unknown route constraint "${name}".`);
    return simple;
  }
  return withArgs(name, raw.split(','), raw, where);
}
