import type { TokenCredential } from '@azure/core-auth';
import { describe, expect, it } from 'vitest';
import { PrometheusMetrics } from '../../../shared/adapters/prometheus.js';
import { failure, QUERY, usePrometheusDouble, vector } from './prometheus-double.js';

/** How the adapter reports failures: coded, retried only when worth it, and never with the token. */

const { replies, requests, metrics } = usePrometheusDouble();

describe('PrometheusMetrics: errors', () => {
  it.each([
    [failure(400, 'bad_data', 'parse error'), 'query-invalid', false, 1],
    [failure(422, 'execution', 'many-to-many'), 'execution', false, 1],
    [failure(404, 'not_found', 'nope'), 'not-found', false, 1],
    [failure(406, 'not_acceptable', 'nope'), 'not-acceptable', false, 1],
    [failure(503, 'timeout', 'query timed out'), 'timeout', true, 3],
    [failure(503, 'unavailable', 'starting'), 'unavailable', true, 3],
    [failure(500, 'internal', 'oops'), 'internal', true, 3],
    [failure(499, 'canceled', 'canceled'), 'canceled', true, 1],
    [{ status: 401, body: 'denied' }, 'unauthorized', false, 1],
    [{ status: 403, body: { error: 'forbidden' } }, 'unauthorized', false, 1],
    [{ status: 429, body: {}, headers: { 'retry-after': '0' } }, 'throttled', true, 3],
    [{ status: 502, body: 'bad gateway' }, 'unavailable', true, 3],
    [{ status: 400, body: 'plain' }, 'query-invalid', false, 1],
    [{ status: 422, body: 'plain' }, 'execution', false, 1],
    [{ status: 404, body: 'plain' }, 'not-found', false, 1],
  ] as const)(
    'maps %j to %s (retryable %s) after %d attempt(s)',
    async (reply, code, retryable, attempts) => {
      for (let i = 0; i < 3; i++) replies.push(reply);
      const error = await metrics({ attempts: 3 })
        .query(QUERY)
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code, retryable });
      expect(requests).toHaveLength(attempts);
    },
  );

  it('retries a transient failure and then answers', async () => {
    replies.push(failure(503, 'unavailable', 'starting'), vector('3'));
    expect((await metrics().query(QUERY)).value).toBe(3);
    expect(requests).toHaveLength(2);
  });

  it('never puts the token in an error, even when the server echoes it', async () => {
    replies.push(failure(400, 'bad_data', 'bad header: Bearer s3cret-token'));
    replies.push({
      status: 200,
      body: { status: 'success', data: { resultType: 'vector', result: [] }, warnings: ['saw s3cret-token'] },
    });
    const options = { auth: { kind: 'bearer' as const, token: async () => 's3cret-token' } };
    const error = await metrics(options)
      .query(QUERY)
      .catch((e: unknown) => e);
    expect(String((error as Error).message)).not.toContain('s3cret-token');
    expect((error as Error).message).toContain('<redacted>');
    expect((await metrics(options).query(QUERY)).warnings).toEqual(['saw <redacted>']);
  });

  it('reports token failures by type only', async () => {
    const failing: TokenCredential = {
      getToken: async () => Promise.reject(new Error('secret config detail')),
    };
    const error = await metrics({ auth: { kind: 'entra', credential: failing } })
      .query(QUERY)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'unauthorized', retryable: true });
    expect((error as Error).message).not.toContain('secret config detail');
    const empty: TokenCredential = { getToken: async () => null };
    await expect(metrics({ auth: { kind: 'entra', credential: empty } }).query(QUERY)).rejects.toMatchObject({
      code: 'unauthorized',
    });
    expect(requests).toHaveLength(0);
  });

  it('maps a client timeout and an unreachable server to retryable errors', async () => {
    replies.push('hang');
    await expect(metrics({ timeoutMs: 200, attempts: 1 }).query(QUERY)).rejects.toMatchObject({
      code: 'timeout',
      retryable: true,
    });
    const closed = new PrometheusMetrics({ baseUrl: 'http://127.0.0.1:1', attempts: 1 });
    await expect(closed.query(QUERY)).rejects.toMatchObject({ code: 'unavailable', retryable: true });
  });

  it('refuses a malformed JSON answer', async () => {
    replies.push({ status: 200, body: '{"status":' });
    await expect(metrics({ attempts: 1 }).query(QUERY)).rejects.toMatchObject({
      code: 'unexpected-response',
    });
  });

  it('refuses bad configuration and bad times before sending anything', async () => {
    const token = { kind: 'bearer' as const, token: async () => 't' };
    for (const baseUrl of ['not a url', 'ftp://x', 'https://user:pw@x', 'https://x/?a=1', 'https://x/#f'])
      expect(() => new PrometheusMetrics({ baseUrl })).toThrow(
        expect.objectContaining({ code: 'invalid-configuration' }),
      );
    expect(() => new PrometheusMetrics({ baseUrl: 'http://prometheus:9090', auth: token })).toThrow(/https/);
    expect(() => new PrometheusMetrics({ baseUrl: 'http://localhost:9090', auth: token })).not.toThrow();
    await expect(metrics().query({ ...QUERY, at: 'yesterday' })).rejects.toMatchObject({
      code: 'query-invalid',
    });
    await expect(metrics().query({ ...QUERY, template: '{{ nope }}' })).rejects.toMatchObject({
      code: 'template-invalid',
    });
    expect(requests).toHaveLength(0);
  });
});
