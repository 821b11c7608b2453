import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { settleArgoCd } from './argocd-ops.js';
import { evaluate, type Value } from './promql-eval.js';
import { parseDuration, parseQuery, QueryError } from './promql-parse.js';
import { loadOpenMetrics, SeriesStore, type Labels } from './series.js';
import { TrafficModel, type TrafficOptions } from './traffic.js';
import type { SandboxWorld } from './world.js';

/**
 * A loopback stand-in for the Prometheus HTTP API (`/api/v1/query`, `/api/v1/query_range`, GET or POST
 * form), answering with Prometheus's exact envelopes and error shapes. Its data is the traffic model's
 * series (driven by the world's router weights and fault profiles) plus any OpenMetrics text loaded.
 */

export interface PrometheusSandboxOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Traffic model settings, or `false` to serve loaded data only. */
  traffic?: TrafficOptions | false;
  /** OpenMetrics text (as fed to `promtool tsdb create-blocks-from openmetrics`) loaded at start. */
  openMetrics?: string;
}

export interface PrometheusSandbox {
  url: string;
  store: SeriesStore;
  /** Loads OpenMetrics text; returns the number of samples. */
  load(openMetrics: string): number;
  close(): Promise<void>;
}

const MAX_POINTS = 11_000;

/** Go's `strconv.FormatFloat(v, 'f', -1, 64)`: shortest round-trip digits, never an exponent. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  const text = String(v);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!m) return text;
  const [, sign, lead, frac = '', exp] = m;
  const digits = `${lead}${frac}`;
  const point = 1 + Number(exp);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  return `${sign}${digits.padEnd(point, '0')}`;
}

/** `time`/`start`/`end`: unix seconds (float) or RFC 3339, as Prometheus's `parseTime` accepts. */
function parseTime(raw: string): number | undefined {
  if (/^[+-]?\d+(\.\d+)?$/.test(raw)) return Math.round(Number(raw) * 1000);
  if (!/^\d{4}-\d\d-\d\dT/.test(raw)) return undefined;
  const ms = Date.parse(raw);
  return Number.isFinite(ms) ? ms : undefined;
}

function parseStep(raw: string): number | undefined {
  if (/^\d+(\.\d+)?$/.test(raw)) return Math.round(Number(raw) * 1000);
  return parseDuration(raw);
}

class BadData extends Error {}

function param(
  params: URLSearchParams,
  name: string,
  parse: (raw: string) => number | undefined,
  what: string,
): number {
  const raw = params.get(name) ?? '';
  const value = parse(raw);
  if (value === undefined)
    throw new BadData(`invalid parameter "${name}": cannot parse "${raw}" to a valid ${what}`);
  return value;
}

export function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export function sendError(res: ServerResponse, error: unknown): void {
  if (error instanceof QueryError)
    return send(res, 400, {
      status: 'error',
      errorType: 'bad_data',
      error: `invalid parameter "query": ${error.message}`,
    });
  if (error instanceof BadData)
    return send(res, 400, { status: 'error', errorType: 'bad_data', error: error.message });
  send(res, 500, { status: 'error', errorType: 'internal', error: String(error) });
}

const sampleLabels = (labels: Labels): Labels => ({ ...labels });

function instantData(value: Value, at: number): unknown {
  if (value.kind === 'scalar') return { resultType: 'scalar', result: [at / 1000, formatValue(value.v)] };
  const result = value.samples.map((s) => ({
    metric: sampleLabels(s.labels),
    value: [at / 1000, formatValue(s.v)],
  }));
  return { resultType: 'vector', result };
}

function rangeData(query: string, store: SeriesStore, start: number, end: number, step: number): unknown {
  const expr = parseQuery(query);
  const series = new Map<string, { metric: Labels; values: Array<[number, string]> }>();
  for (let t = start; t <= end; t += step) {
    const value = evaluate(expr, store, t);
    const samples = value.kind === 'scalar' ? [{ labels: {}, v: value.v }] : value.samples;
    for (const s of samples) {
      const key = JSON.stringify(Object.entries(s.labels).sort());
      const entry = series.get(key) ?? { metric: sampleLabels(s.labels), values: [] };
      entry.values.push([t / 1000, formatValue(s.v)]);
      series.set(key, entry);
    }
  }
  return { resultType: 'matrix', result: [...series.values()] };
}

export async function readParams(req: IncomingMessage, url: URL): Promise<URLSearchParams> {
  const params = new URLSearchParams(url.search);
  if (req.method !== 'POST') return params;
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return params;
  // Form values take precedence over the URL's, as Go's Request.FormValue does.
  for (const [k, v] of new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) params.set(k, v);
  return params;
}

export function answer(path: string, params: URLSearchParams, store: SeriesStore, now: number): unknown {
  if (params.has('timeout')) param(params, 'timeout', parseDuration, 'duration');
  const query = params.get('query') ?? '';
  if (path === '/api/v1/query') {
    const raw = params.get('time') ?? '';
    const at = raw === '' ? now : parseTime(raw);
    if (at === undefined)
      throw new BadData(
        `invalid parameter "time": Invalid time value for 'time': cannot parse "${raw}" to a valid timestamp`,
      );
    return instantData(evaluate(parseQuery(query), store, at), at);
  }
  const start = param(params, 'start', parseTime, 'timestamp');
  const end = param(params, 'end', parseTime, 'timestamp');
  if (end < start) throw new BadData('invalid parameter "end": end timestamp must not be before start time');
  const step = param(params, 'step', parseStep, 'duration');
  if (step <= 0)
    throw new BadData(
      'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer',
    );
  if ((end - start) / step > MAX_POINTS)
    throw new BadData(
      'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
    );
  return rangeData(query, store, start, end, step);
}

export async function startPrometheusSandbox(
  world: SandboxWorld,
  options: PrometheusSandboxOptions = {},
): Promise<PrometheusSandbox> {
  const store = new SeriesStore();
  if (options.openMetrics) loadOpenMetrics(store, options.openMetrics);
  // One Prometheus for every cluster (as a central one fed by each cluster's scrapes): one traffic model
  // per cluster, each labelling its series with its `cluster`.
  const models =
    options.traffic === false
      ? []
      : [...world.root.clusters.values()].map(
          (w) => new TrafficModel(w, store, options.traffic || undefined),
        );

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    if (url.pathname === '/-/ready' || url.pathname === '/-/healthy') {
      res
        .writeHead(200, { 'content-type': 'text/plain; charset=utf-8' })
        .end('Prometheus Server is Ready.\n');
      return;
    }
    if (url.pathname !== '/api/v1/query' && url.pathname !== '/api/v1/query_range') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'POST') {
      res.writeHead(405, { allow: 'GET, OPTIONS, POST', 'content-type': 'text/plain; charset=utf-8' });
      res.end('Method Not Allowed\n');
      return;
    }
    readParams(req, url)
      .then((params) => {
        // Argo CD operations complete lazily: apply finished syncs first so promoted images serve traffic.
        settleArgoCd(world);
        for (const model of models) model.advance();
        send(res, 200, { status: 'success', data: answer(url.pathname, params, store, world.now()) });
      })
      .catch((error: unknown) => sendError(res, error));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    load: (text) => loadOpenMetrics(store, text),
    close: () => {
      for (const model of models) model.close();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
