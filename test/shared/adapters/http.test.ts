import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { httpRequest, HttpError, retryAfterMs, safeUrl } from '../../../shared/adapters/http.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** A loopback server answering from a script of (status, headers, body) per request. */
async function serve(
  script: Array<[number, Record<string, string>, string]>,
): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = [];
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const [status, headers, body] = script[Math.min(seen.length - 1, script.length - 1)] as [
      number,
      Record<string, string>,
      string,
    ];
    res.writeHead(status, headers).end(body);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const json = { 'content-type': 'application/json' };

describe('httpRequest', () => {
  it('returns parsed JSON and sends JSON bodies', async () => {
    const { url, seen } = await serve([[200, json, '{"ok":true}']]);
    const res = await httpRequest<{ ok: boolean }>(`${url}/x`, { method: 'POST', body: { a: 1 } });
    expect(res.body).toEqual({ ok: true });
    expect(seen).toEqual(['POST /x']);
  });

  it('retries 503 honouring Retry-After, without sleeping for real', async () => {
    const { url, seen } = await serve([
      [503, { ...json, 'retry-after': '2' }, '{"error":"busy"}'],
      [200, json, '{"ok":1}'],
    ]);
    const waits: number[] = [];
    const res = await httpRequest(url, { sleep: async (ms) => void waits.push(ms) });
    expect(res.status).toBe(200);
    expect(waits).toEqual([2000]);
    expect(seen).toHaveLength(2);
  });

  it('does not retry a 404 and keeps the parsed error body', async () => {
    const { url, seen } = await serve([[404, json, '{"message":"nope"}']]);
    const error = await httpRequest(url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({
      code: 'http-status',
      status: 404,
      body: { message: 'nope' },
      retryable: false,
    });
    expect(seen).toHaveLength(1);
  });

  it('accepts listed statuses as answers', async () => {
    const { url } = await serve([[404, json, '{}']]);
    expect((await httpRequest(url, { accept: [404] })).status).toBe(404);
  });

  it('gives up after the attempts and never puts the query string in errors', async () => {
    const { url, seen } = await serve([[500, json, '{}']]);
    const error = (await httpRequest(`${url}/p?sig=SECRET`, { attempts: 2, sleep: async () => {} }).catch(
      (e: unknown) => e,
    )) as Error;
    expect(seen).toHaveLength(2);
    expect(error.message).not.toContain('SECRET');
    expect(error.message).toContain('/p answered 500');
  });

  it('maps malformed JSON on success, and connection failures', async () => {
    const { url } = await serve([[200, json, '{not json']]);
    await expect(httpRequest(url)).rejects.toMatchObject({ code: 'invalid-json' });
    await expect(httpRequest('http://127.0.0.1:1/x', { attempts: 1 })).rejects.toMatchObject({
      code: 'network',
      retryable: true,
    });
  });

  it('times out slow servers', async () => {
    server = createServer(() => undefined);
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await expect(httpRequest(url, { timeoutMs: 50, attempts: 1 })).rejects.toMatchObject({ code: 'timeout' });
    server.closeAllConnections();
  });
});

describe('helpers', () => {
  it.each([
    ['5', 5000],
    ['120', 30_000],
    ['-3', 0],
    ['soon', undefined],
    [null, undefined],
  ])('retryAfterMs(%j) = %j', (header, ms) => {
    expect(retryAfterMs(header)).toBe(ms);
  });

  it('safeUrl drops query and credentials-bearing parts', () => {
    expect(safeUrl('https://a.example/x/y?token=1#f')).toBe('https://a.example/x/y');
    expect(safeUrl('not a url')).toBe('<invalid url>');
  });
});
