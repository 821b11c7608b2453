import type { TokenCredential } from '@azure/core-auth';
import { describe, expect, it } from 'vitest';
import { PROMETHEUS_SCOPE, PrometheusError } from '../../../shared/adapters/prometheus.js';
import { AT, QUERY, T, usePrometheusDouble, vector } from './prometheus-double.js';

const { replies, requests, base, metrics } = usePrometheusDouble();

describe('PrometheusMetrics: requests', () => {
  it('POSTs the rendered query as a form with the evaluation time and a server timeout', async () => {
    replies.push(vector('12.5'));
    const sample = await metrics({ timeoutMs: 5000 }).query(QUERY);
    expect(sample).toEqual({ query: 'sum(up{namespace="prod"})', value: 12.5, evaluatedAt: AT });
    const [request] = requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/api/v1/query');
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(request?.params ?? [])).toEqual({
      query: 'sum(up{namespace="prod"})',
      time: T.toFixed(3),
      timeout: '4s',
    });
    expect(request?.headers.authorization).toBeUndefined();
  });

  it('GETs with the parameters in the URL and keeps a base path prefix', async () => {
    replies.push(vector('1'));
    await metrics({ baseUrl: `${base()}/prometheus/`, method: 'GET' }).query(QUERY);
    expect(requests[0]?.method).toBe('GET');
    expect(requests[0]?.path).toBe('/prometheus/api/v1/query');
    expect(requests[0]?.params.get('query')).toBe('sum(up{namespace="prod"})');
  });

  it('sends a bearer token, or an Entra token for the managed Prometheus scope', async () => {
    replies.push(vector('1'), vector('1'));
    await metrics({ auth: { kind: 'bearer', token: async () => 's3cret' } }).query(QUERY);
    const scopes: string[] = [];
    const credential: TokenCredential = {
      getToken: async (scope) => {
        scopes.push(String(scope));
        return { token: 'entra-token', expiresOnTimestamp: Date.now() + 3_600_000 };
      },
    };
    await metrics({ auth: { kind: 'entra', credential } }).query(QUERY);
    expect(requests.map((r) => r.headers.authorization)).toEqual(['Bearer s3cret', 'Bearer entra-token']);
    expect(scopes).toEqual([PROMETHEUS_SCOPE]);
  });

  it('issues range queries with start, end and step', async () => {
    replies.push({
      status: 200,
      body: {
        status: 'success',
        data: {
          resultType: 'matrix',
          result: [
            {
              metric: {},
              values: [
                [T, '1'],
                [T + 60, 'NaN'],
              ],
            },
          ],
        },
      },
    });
    const range = await metrics().queryRange(QUERY, {
      start: AT,
      end: new Date(Date.parse(AT) + 60_000).toISOString(),
      stepMs: 60_000,
    });
    expect(requests[0]?.path).toBe('/api/v1/query_range');
    expect(requests[0]?.params.get('step')).toBe('1m');
    expect(requests[0]?.params.get('end')).toBe((T + 60).toFixed(3));
    expect(range.samples).toEqual([
      { at: AT, value: 1 },
      { at: '2026-11-27T00:01:00.000Z', value: NaN },
    ]);
  });
});

describe('PrometheusMetrics: answers', () => {
  it.each([
    ['NaN', NaN],
    ['+Inf', Infinity],
    ['-Inf', -Infinity],
    ['0.0000001', 1e-7],
    ['-3', -3],
  ])('parses the sample value %s', async (raw, value) => {
    replies.push(vector(raw));
    expect((await metrics().query(QUERY)).value).toBe(value);
  });

  it('reads scalars, reports no series as null and surfaces warnings', async () => {
    replies.push({
      status: 200,
      body: { status: 'success', data: { resultType: 'scalar', result: [T + 1, '7'] } },
    });
    replies.push({
      status: 200,
      body: { status: 'success', data: { resultType: 'vector', result: [] }, warnings: ['w1', 3] },
    });
    expect(await metrics().query(QUERY)).toMatchObject({ value: 7, evaluatedAt: '2026-11-27T00:00:01.000Z' });
    expect(await metrics().query(QUERY)).toEqual({
      query: 'sum(up{namespace="prod"})',
      value: null,
      evaluatedAt: AT,
      warnings: ['w1'],
    });
  });

  it.each([
    [vector('1', '2'), 'ambiguous-result', /2 series/],
    [
      { status: 200, body: { status: 'success', data: { resultType: 'string', result: [T, 'x'] } } },
      'unexpected-response',
      /string/,
    ],
    [
      { status: 200, body: { status: 'success', data: { resultType: 'matrix', result: [] } } },
      'unexpected-response',
      /matrix/,
    ],
    [vector('abc'), 'unexpected-response', /malformed sample value/],
    [vector(''), 'unexpected-response', /malformed sample value/],
    [
      {
        status: 200,
        body: { status: 'success', data: { resultType: 'vector', result: [{ value: ['x', '1'] }] } },
      },
      'unexpected-response',
      /malformed sample/,
    ],
    [{ status: 200, body: { status: 'success' } }, 'unexpected-response', /no data/],
    [{ status: 200, body: { hello: 'world' } }, 'unexpected-response', /envelope/],
    [{ status: 200, body: { status: 'error', errorType: 'execution', error: 'boom' } }, 'execution', /boom/],
    [{ status: 200, body: { status: 'error' } }, 'unexpected-response', /unknown/],
  ])('refuses malformed or ambiguous answers (%#)', async (reply, code, message) => {
    replies.push(reply);
    const error = await metrics()
      .query(QUERY)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PrometheusError);
    expect(error).toMatchObject({ code });
    expect((error as Error).message).toMatch(message);
  });

  it('refuses a range answer with several series or no values', async () => {
    const range = { start: AT, end: AT, stepMs: 15_000 };
    replies.push({
      status: 200,
      body: { status: 'success', data: { resultType: 'matrix', result: [{ metric: {} }, { metric: {} }] } },
    });
    await expect(metrics().queryRange(QUERY, range)).rejects.toMatchObject({ code: 'ambiguous-result' });
    replies.push({
      status: 200,
      body: { status: 'success', data: { resultType: 'matrix', result: [{ metric: {} }] } },
    });
    await expect(metrics().queryRange(QUERY, range)).rejects.toMatchObject({ code: 'unexpected-response' });
    replies.push({ status: 200, body: { status: 'success', data: { resultType: 'vector', result: [] } } });
    await expect(metrics().queryRange(QUERY, range)).rejects.toMatchObject({ code: 'unexpected-response' });
  });
});

describe('PrometheusMetrics: firing alerts', () => {
  const alertsVector = (...labels: Array<Record<string, string>>) => ({
    status: 200,
    body: {
      status: 'success',
      data: { resultType: 'vector', result: labels.map((metric) => ({ metric, value: [T, '1'] })) },
    },
  });

  it('asks for ALERTS at the evaluation time with escaped matchers and returns the label sets', async () => {
    replies.push(
      alertsVector(
        { __name__: 'ALERTS', alertname: 'HighErrorRate', alertstate: 'firing', namespace: 'prod' },
        { __name__: 'ALERTS', alertname: 'PodCrashLooping', alertstate: 'firing', pod: 'api-canary-1' },
      ),
    );
    const firing = await metrics().firingAlerts(
      { namespace: '{{ namespace }}', severity: 'crit"ical' },
      { namespace: 'prod' },
      AT,
    );
    const expectedQuery = 'ALERTS{alertstate="firing",namespace="prod",severity="crit\\"ical"}';
    expect(firing).toEqual({
      query: expectedQuery,
      alerts: [
        { alertname: 'HighErrorRate', alertstate: 'firing', namespace: 'prod' },
        { alertname: 'PodCrashLooping', alertstate: 'firing', pod: 'api-canary-1' },
      ],
    });
    expect(requests).toHaveLength(1);
    expect(requests[0]?.path).toBe('/api/v1/query');
    expect(Object.fromEntries(requests[0]?.params ?? [])).toMatchObject({
      query: expectedQuery,
      time: T.toFixed(3),
    });
  });

  it('answers an empty list when nothing fires, and skips non-string labels', async () => {
    replies.push(alertsVector());
    expect((await metrics().firingAlerts({}, {}, AT)).alerts).toEqual([]);
    replies.push({
      status: 200,
      body: {
        status: 'success',
        data: { resultType: 'vector', result: [{ metric: { alertname: 'X', n: 3 }, value: [T, '1'] }, {}] },
      },
    });
    expect((await metrics().firingAlerts({}, {}, AT)).alerts).toEqual([{ alertname: 'X' }, {}]);
  });

  it.each([
    [
      { status: 200, body: { status: 'success', data: { resultType: 'scalar', result: [T, '1'] } } },
      /scalar/,
    ],
    [{ status: 200, body: { status: 'success', data: { resultType: 'matrix', result: [] } } }, /matrix/],
  ])('refuses an answer that is not a vector (%#)', async (reply, message) => {
    replies.push(reply);
    const error = await metrics()
      .firingAlerts({}, {}, AT)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PrometheusError);
    expect(error).toMatchObject({ code: 'unexpected-response', retryable: false });
    expect((error as Error).message).toMatch(message);
  });

  it('refuses bad matchers and times before asking Prometheus', async () => {
    await expect(metrics().firingAlerts({ alertstate: 'pending' }, {}, AT)).rejects.toMatchObject({
      code: 'variable-invalid',
    });
    await expect(metrics().firingAlerts({}, {}, 'yesterday')).rejects.toMatchObject({
      code: 'query-invalid',
    });
    expect(requests).toEqual([]);
  });
});
