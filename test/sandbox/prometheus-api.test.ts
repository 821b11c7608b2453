import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../devhost/durable/clock.js';
import { startPrometheusSandbox, type PrometheusSandbox } from '../../sandbox/prometheus.js';
import { SUPPORTED } from '../../sandbox/promql-parse.js';
import { SandboxWorld } from '../../sandbox/world.js';

/** The sandbox's HTTP surface: Prometheus's envelopes, parameters and error shapes, on loaded data. */

const T = 1_795_000_020; // unix seconds, a whole minute
const DATA = [
  '# TYPE req unknown',
  `req{job="a",code="200",empty=""} 0 ${T}`,
  `req{job="a",code="200",empty=""} 60 ${T + 60}`,
  `req{job="a",code="500"} 0 ${T}`,
  `req{job="a",code="500"} 6 ${T + 60}`,
  `req{job="b\\"q\\\\\\n",code="200"} 1 ${T + 60}`,
  '# TYPE g gauge',
  `g 0.5 ${T + 60}`,
  '# EOF',
  '',
].join('\n');

let sandbox: PrometheusSandbox;

beforeAll(async () => {
  const world = new SandboxWorld(new VirtualClock((T + 90) * 1000));
  sandbox = await startPrometheusSandbox(world, { traffic: false, openMetrics: DATA });
});
afterAll(async () => {
  await sandbox.close();
});

async function get(path: string): Promise<{ status: number; body: unknown; type: string | null }> {
  const response = await fetch(`${sandbox.url}${path}`);
  const text = await response.text();
  const type = response.headers.get('content-type');
  return { status: response.status, type, body: type?.includes('json') ? JSON.parse(text) : text };
}
const query = (q: string, extra = '') => get(`/api/v1/query?query=${encodeURIComponent(q)}${extra}`);

describe('sandbox Prometheus: HTTP API', () => {
  it('answers instant vectors with Prometheus’s envelope (labels, float-second times, string values)', async () => {
    expect(await query('req{code="200"}', `&time=${T + 60}`)).toEqual({
      status: 200,
      type: 'application/json',
      body: {
        status: 'success',
        data: {
          resultType: 'vector',
          result: [
            { metric: { __name__: 'req', job: 'a', code: '200' }, value: [T + 60, '60'] },
            { metric: { __name__: 'req', job: 'b"q\\\n', code: '200' }, value: [T + 60, '1'] },
          ],
        },
      },
    });
  });

  it('evaluates rates, sums, ratios, or, scalars and special values', async () => {
    const at = `&time=${T + 60}`;
    const value = async (q: string) =>
      ((await query(q, at)).body as { data: { result: unknown } }).data.result as Array<{
        value: [number, string];
      }>;
    expect((await value('sum(rate(req{job="a"}[1m]))'))[0]?.value).toEqual([T + 60, '1.1']);
    expect((await value('sum by (code) (rate(req{job=~"a|z"}[1m]))')).map((r) => r.value[1])).toEqual([
      '1',
      '0.1',
    ]);
    expect((await value('sum(rate(req{job="nope"}[1m])) or vector(0)'))[0]?.value[1]).toBe('0');
    expect((await value('100 * sum(rate(req{code!~"5.."}[1m])) / sum(rate(req[1m]))'))[0]?.value[1]).toBe(
      String((100 * 1) / 1.1),
    );
    expect((await value('g - 0.5 + 2 * 3'))[0]?.value[1]).toBe('6');
    expect((await query('1/0')).body).toMatchObject({
      data: { resultType: 'scalar', result: [T + 90, '+Inf'] },
    });
    expect((await query('0/0', '&time=2026-11-27T00:00:00Z')).body).toMatchObject({
      data: { resultType: 'scalar', result: [Date.parse('2026-11-27T00:00:00Z') / 1000, 'NaN'] },
    });
    expect((await query('-Inf')).body).toMatchObject({ data: { result: [T + 90, '-Inf'] } });
  });

  it('accepts POST forms, with form values over URL values', async () => {
    const response = await fetch(`${sandbox.url}/api/v1/query?query=2`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query: '3', time: String(T) }).toString(),
    });
    expect(await response.json()).toEqual({
      status: 'success',
      data: { resultType: 'scalar', result: [T, '3'] },
    });
  });

  it('answers range queries as matrices', async () => {
    const range = await get(
      `/api/v1/query_range?query=${encodeURIComponent('sum(req)')}&start=${T}&end=${T + 90}&step=30s`,
    );
    expect(range.body).toEqual({
      status: 'success',
      data: {
        resultType: 'matrix',
        result: [
          {
            metric: {},
            values: [
              [T, '0'],
              [T + 30, '0'],
              [T + 60, '67'],
              [T + 90, '67'],
            ],
          },
        ],
      },
    });
  });

  it.each([
    ['/api/v1/query?query=sum(', 'invalid parameter "query": 1:5: parse error: no expression found in input'],
    ['/api/v1/query', 'invalid parameter "query": 1:1: parse error: no expression found in input'],
    [
      '/api/v1/query?query=up&time=abc',
      'invalid parameter "time": Invalid time value for \'time\': cannot parse "abc" to a valid timestamp',
    ],
    [
      '/api/v1/query?query=up&timeout=xx',
      'invalid parameter "timeout": cannot parse "xx" to a valid duration',
    ],
    [
      '/api/v1/query_range?query=up&start=x&end=5&step=1',
      'invalid parameter "start": cannot parse "x" to a valid timestamp',
    ],
    [
      '/api/v1/query_range?query=up&start=10&end=5&step=1',
      'invalid parameter "end": end timestamp must not be before start time',
    ],
    [
      '/api/v1/query_range?query=up&start=1&end=5&step=',
      'invalid parameter "step": cannot parse "" to a valid duration',
    ],
    [
      '/api/v1/query_range?query=up&start=1&end=5&step=0',
      'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer',
    ],
    [
      '/api/v1/query_range?query=up&start=10&end=50000&step=1',
      'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
    ],
  ])('answers %s with 400 bad_data like Prometheus', async (path, error) => {
    expect(await get(path)).toEqual({
      status: 400,
      type: 'application/json',
      body: { status: 'error', errorType: 'bad_data', error },
    });
  });

  it.each([
    'avg(req)',
    'foo(req)',
    'req offset 1m',
    'rate(req[1m] @ 5)',
    'sum without (a) (req)',
    'req + on(a) req',
    '{job="a"}',
    'count(req)',
  ])('refuses %s, naming the supported subset', async (q) => {
    const { status, body } = await query(q);
    expect(status).toBe(400);
    expect(body).toMatchObject({ errorType: 'bad_data' });
    expect((body as { error: string }).error).toContain(SUPPORTED);
  });

  it.each([
    ['rate(req)', /range vector selector/],
    ['req[1m]', /only supported inside rate/],
    ['req{a="1"', /expected/],
    ['req{a~"1"}', /label matching operator/],
    ['req{a="\\q"}', /unknown escape sequence/],
    ['req{a="x\ny"}', /unterminated quoted string/],
    ['req{a=~"("}', /invalid regular expression/],
    ['sum(req) by (', /label name/],
    ['vector(req)', /expects a scalar/],
    ['histogram_quantile(req, req)', /scalar quantile/],
    ['1 or 2', /vectors on both sides/],
    ['sum(1)', /instant vector/],
    ['rate(req[x])', /bad range duration/],
    ['req )', /unexpected/],
  ])('reports %s as a parse or type error', async (q, message) => {
    const { status, body } = await query(q);
    expect(status).toBe(400);
    expect((body as { error: string }).error).toMatch(message);
  });

  it('serves readiness, 404 and 405 like Prometheus', async () => {
    expect(await get('/-/ready')).toMatchObject({ status: 200 });
    expect(await get('/api/v1/labels')).toEqual({
      status: 404,
      type: 'text/plain; charset=utf-8',
      body: '404 page not found\n',
    });
    const put = await fetch(`${sandbox.url}/api/v1/query`, { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, OPTIONS, POST');
  });
});
