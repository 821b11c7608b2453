import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { nodesNamed, parsePromql } from '../../shared/analysis/promql-tree.js';
import { answer, readParams, send, sendError } from '../../sandbox/prometheus.js';
import { parseDuration } from '../../sandbox/promql-parse.js';
import { loadOpenMetrics, SeriesStore, type Labels } from '../../sandbox/series.js';

/**
 * A loopback stand-in for an Azure Monitor workspace's Prometheus query endpoint
 * (`https://<workspace>.<region>.prometheus.monitor.azure.com/api/v1/query[_range]`). It enforces what
 * the service documents beyond Prometheus ("Query Prometheus metrics using the API and PromQL", API
 * limitations and Case sensitivity) and otherwise answers as Prometheus does (the sandbox's evaluator):
 * - 401 without a bearer token whose audience is `https://prometheus.monitor.azure.com`;
 * - 400 `bad_data` for a selector without exactly one metric name (`__name__`), and for a query_range
 *   whose range plus the query's own range selectors exceeds 32 days;
 * - label matching ignores case (series are stored and matched case-folded).
 * Tokens are unsigned JWTs: the stand-in checks the claims the service checks, not Entra's signature.
 */

export const AUDIENCE = 'https://prometheus.monitor.azure.com';
const MAX_RANGE_MS = 32 * 86_400_000;

/** An unsigned JWT with `aud`; what a test credential hands out in place of Entra's token. */
export function testToken(aud = AUDIENCE, expiresInS = 3600): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const exp = Math.floor(Date.now() / 1000) + expiresInS;
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ aud, exp })}.`;
}

/** The service stores one casing per series; matching is case-insensitive, so the stand-in folds both. */
class CaseFoldingStore extends SeriesStore {
  override append(labels: Labels, t: number, v: number): void {
    const folded: Labels = {};
    for (const [name, value] of Object.entries(labels)) folded[name.toLowerCase()] = value.toLowerCase();
    super.append(folded, t, v);
  }
}

function audienceOf(header: string | undefined): string | undefined {
  const token = /^Bearer (\S+)$/.exec(header ?? '')?.[1];
  const payload = token?.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      aud?: string;
      exp?: number;
    };
    return (claims.exp ?? 0) * 1000 > Date.now() ? claims.aud : undefined;
  } catch {
    return undefined;
  }
}

class Refused extends Error {}

function enforce(query: string, rangeMs: number): void {
  const tree = parsePromql(query);
  const text = (n: { from: number; to: number }) => query.slice(n.from, n.to);
  for (const selector of nodesNamed(tree, 'VectorSelector')) {
    const matchers = selector.getChild('LabelMatchers');
    const named = matchers ? matchers.getChildren('UnquotedLabelMatcher') : [];
    const names = named.filter((m) => text(m.getChild('LabelName') ?? m) === '__name__');
    const count = (selector.getChild('Identifier') ? 1 : 0) + names.length;
    if (count !== 1 || names.some((m) => text(m.getChild('MatchOp') ?? m) !== '='))
      throw new Refused('query must be scoped to a single metric: one __name__ label matcher per selector');
  }
  const ranges = nodesNamed(tree, 'MatrixSelector').map(
    (m) => parseDuration(text(m.getChild('DurationExpr') ?? m)) ?? 0,
  );
  if (rangeMs + Math.max(0, ...ranges) > MAX_RANGE_MS)
    throw new Refused('the time range (including range selectors) exceeds the maximum of 32 days');
}

/** Lower-cases what the service compares case-insensitively: metric names, label names and values. */
function foldQuery(query: string): string {
  const tree = parsePromql(query);
  const spans = ['StringLiteral', 'LabelName', 'Identifier']
    .flatMap((name) => nodesNamed(tree, name))
    .sort((a, b) => b.from - a.from);
  let out = query;
  for (const n of spans) out = out.slice(0, n.from) + out.slice(n.from, n.to).toLowerCase() + out.slice(n.to);
  return out;
}

const seconds = (raw: string | null) =>
  raw && /^\d+(\.\d+)?$/.test(raw) ? Number(raw) * 1000 : Date.parse(raw ?? '');

export interface AzureMonitorStandIn {
  url: string;
  /** Requests refused for want of a token for the right audience. */
  unauthorized: number;
  /** Every query received (after authentication), as sent. */
  queries: string[];
  close(): Promise<void>;
}

export async function startAzureMonitorPrometheus(openMetrics?: string): Promise<AzureMonitorStandIn> {
  const store = new CaseFoldingStore();
  if (openMetrics) loadOpenMetrics(store, openMetrics);
  const state = { unauthorized: 0, queries: [] as string[] };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://workspace');
    if (url.pathname !== '/api/v1/query' && url.pathname !== '/api/v1/query_range')
      return send(res, 404, { status: 'error', errorType: 'not_found', error: 'not found' });
    const aud = audienceOf(req.headers.authorization);
    if (aud !== AUDIENCE && aud !== `${AUDIENCE}/`) {
      state.unauthorized++;
      return send(res, 401, { error: { code: 'InvalidAuthenticationToken', message: 'Unauthorized' } });
    }
    readParams(req, url)
      .then((params) => {
        const query = params.get('query') ?? '';
        state.queries.push(query);
        const range = url.pathname.endsWith('_range')
          ? seconds(params.get('end')) - seconds(params.get('start'))
          : 0;
        enforce(query, Number.isFinite(range) ? range : 0);
        params.set('query', foldQuery(query));
        send(res, 200, { status: 'success', data: answer(url.pathname, params, store, Date.now()) });
      })
      .catch((error: unknown) =>
        error instanceof Refused
          ? send(res, 400, { status: 'error', errorType: 'bad_data', error: error.message })
          : sendError(res, error),
      );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get unauthorized() {
      return state.unauthorized;
    },
    queries: state.queries,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
