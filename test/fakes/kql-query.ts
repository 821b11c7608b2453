/**
 * The table operators of the Logs query stand-in's evaluator (test/fakes/kql-eval.ts has the
 * expressions): `summarize` with its aggregates, the query pipeline, and values as the service writes them.
 */
import {
  KqlServiceError,
  NULL,
  num,
  Parser,
  tokenize,
  truthy,
  type Agg,
  type ColumnType,
  type Expr,
  type Row,
  type Val,
} from './kql-eval.js';

export { KqlServiceError, type ColumnType, type Row, type Val };

export function summarize(p: Parser, rows: Row[]): { rows: Row[]; columns: string[] } {
  const aggs: Agg[] = [aggregate(p)];
  p.computed = [];
  while (p.peek(',')) {
    p.take(',');
    aggs.push(aggregate(p));
  }
  const by: string[] = [];
  if (p.peek('by')) {
    p.take('by');
    do {
      if (by.length) p.take(',');
      const name = p.name();
      if (!p.columns.has(name))
        throw new KqlServiceError('SemanticError', `Failed to resolve scalar expression named '${name}'`);
      by.push(name);
    } while (p.peek(','));
  }
  const groups = new Map<string, { key: Row; accs: unknown[] }>();
  // Without `by`, an empty input still yields one row (the aggregates' defaults).
  if (by.length === 0) groups.set('[]', { key: {}, accs: aggs.map((a) => a.init()) });
  for (const row of rows) {
    const key = Object.fromEntries(by.map((b) => [b, row[b] ?? NULL]));
    const id = JSON.stringify(by.map((b) => wire(row[b])));
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { key, accs: aggs.map((a) => a.init()) }));
    g.accs = g.accs.map((acc, i) => (aggs[i] as Agg).step(acc, row));
  }
  const out = [...groups.values()].map((g) => ({
    ...g.key,
    ...Object.fromEntries(aggs.map((a, i) => [a.name, a.done(g.accs[i])])),
  }));
  p.computed = aggs.map((a) => a.name);
  return { rows: out, columns: [...by, ...aggs.map((a) => a.name)] };
}

/** `name = agg(...)` or `agg(...)` in a summarize. */
function aggregate(p: Parser): Agg {
  let name: string | undefined;
  if (p.ahead(1)?.text === '=') {
    name = p.name();
    p.take('=');
  }
  const fn = p.name();
  const a = p.args();
  const col = (i: number): Expr => {
    const e = a[i];
    if (!e) throw new KqlServiceError('SemanticError', `aggregate '${fn}': too few arguments`);
    return e;
  };
  const add = (acc: unknown, v: Val) => {
    const s = acc as { t: 'long' | 'real'; v: number };
    const n = num(v);
    return n === null ? s : { t: s.t === 'real' || v.t === 'real' ? 'real' : 'long', v: s.v + n };
  };
  const zero = () => ({ t: 'long', v: 0 });
  const aggs: Record<string, () => Omit<Agg, 'name'>> = {
    count: () => ({
      init: () => 0,
      step: (n) => (n as number) + 1,
      done: (n) => ({ t: 'long', v: n as number }),
    }),
    countif: () => ({
      init: () => 0,
      step: (n, row) => (n as number) + (truthy(col(0)(row)) ? 1 : 0),
      done: (n) => ({ t: 'long', v: n as number }),
    }),
    sum: () => ({ init: zero, step: (s, row) => add(s, col(0)(row)), done: (s) => s as Val }),
    sumif: () => ({
      init: zero,
      step: (s, row) => (truthy(col(1)(row)) ? add(s, col(0)(row)) : s),
      done: (s) => s as Val,
    }),
    percentile: () => percentileAgg(col(0), () => ({ t: 'long', v: 1 }), col(1)),
    percentilew: () => percentileAgg(col(0), col(1), col(2)),
  };
  const make = aggs[fn];
  if (!make) throw new KqlServiceError('SemanticError', `'${fn}' is not a known aggregation function`);
  return { name: name ?? `${fn}_`, ...make() };
}

/** Nearest-rank (weighted) percentile over the group: the value at which the running weight reaches p %. */
function percentileAgg(value: Expr, weight: Expr, pct: Expr): Omit<Agg, 'name'> {
  return {
    init: () => [] as Array<[number, number, number]>,
    step: (acc, row) => {
      const v = num(value(row));
      const w = num(weight(row));
      const p = num(pct(row));
      if (v !== null && w !== null && p !== null) (acc as Array<[number, number, number]>).push([v, w, p]);
      return acc;
    },
    done: (acc) => {
      const items = (acc as Array<[number, number, number]>).sort((x, y) => x[0] - y[0]);
      if (items.length === 0) return NULL;
      const total = items.reduce((s, [, w]) => s + w, 0);
      const target = ((items[0]?.[2] ?? 50) / 100) * total;
      let running = 0;
      for (const [v, w] of items) if ((running += w) >= target) return { t: 'real', v };
      return { t: 'real', v: items[items.length - 1]?.[0] as number };
    },
  };
}

export interface Table {
  columns: Array<{ name: string; type: ColumnType }>;
  rows: Row[];
}

/** Runs `query` over `tables` at `now`; the result as the service's `PrimaryResult` table. */
export function evaluate(query: string, tables: Record<string, Table>, now: number): Table {
  const p = new Parser(tokenize(query), now);
  const source = p.name();
  const table = tables[source];
  if (!table)
    throw new KqlServiceError('SemanticError', `Failed to resolve table expression named '${source}'`);
  let rows = table.rows;
  let columns: string[] = table.columns.map((c) => c.name);
  // Declared types hold until an operator computes the column anew.
  const declared = new Map(table.columns.map((c) => [c.name, c.type]));
  while (!p.done()) {
    p.columns = new Set(columns);
    p.expect('|');
    const op = p.name();
    if (op === 'where') {
      const pred = p.expr();
      rows = rows.filter((r) => truthy(pred(r)));
    } else if (op === 'extend' || op === 'project') {
      const assigns = p.assignments();
      rows = rows.map((r) => {
        const computed = Object.fromEntries(assigns.map(([n, e]) => [n, e(r)]));
        return op === 'extend' ? { ...r, ...computed } : computed;
      });
      const names = assigns.map(([n]) => n);
      p.computed.forEach((n) => declared.delete(n));
      columns = op === 'extend' ? [...columns.filter((c) => !names.includes(c)), ...names] : names;
    } else if (op === 'summarize') {
      ({ rows, columns } = summarize(p, rows));
      p.computed.forEach((n) => declared.delete(n));
    } else throw new KqlServiceError('SemanticError', `'${op}' operator is not supported by the stand-in`);
  }
  return { columns: columns.map((name) => ({ name, type: declared.get(name) ?? typeOf(rows, name) })), rows };
}

function typeOf(rows: Row[], name: string): ColumnType {
  for (const r of rows) {
    const v = r[name];
    if (v && v.t !== 'null') return v.t;
  }
  return 'real';
}

/** A value as the service writes it in JSON: reals' NaN and infinities as strings, datetimes as ISO. */
export function wire(v: Val | undefined): unknown {
  if (!v || v.t === 'null') return null;
  if (v.t === 'real' && !Number.isFinite(v.v)) return String(v.v);
  if (v.t === 'datetime') return new Date(v.v).toISOString();
  if (v.t === 'timespan') return new Date(v.v).toISOString().slice(11, 23);
  if (v.t === 'dynamic') return JSON.stringify(v.v);
  return v.v;
}
