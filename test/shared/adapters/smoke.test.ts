import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpSmokeRunner } from '../../../shared/adapters/smoke.js';
import type { SmokeCheck } from '../../../shared/contracts/plan.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** A loopback health endpoint driven by a per-request script. */
async function serve(
  handler: (n: number, req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ origin: string; seen: string[] }> {
  const seen: string[] = [];
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    handler(seen.length, req, res);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const check = (url: string, extra: Partial<SmokeCheck> = {}): SmokeCheck => ({
  name: 'gateway-health',
  url,
  expectStatus: 200,
  retries: 3,
  timeout: 2000,
  ...extra,
});

/** Injected time: each reading advances 7 ms; sleeps are recorded, not waited. */
function runner() {
  let t = 0;
  const sleeps: number[] = [];
  const smoke = new HttpSmokeRunner({
    sleep: async (ms) => void sleeps.push(ms),
    backoffMs: (n) => n * 100,
    now: () => (t += 7),
  });
  return { smoke, sleeps };
}

describe('HttpSmokeRunner', () => {
  it('retries an unexpected status and a reset connection, then succeeds', async () => {
    const { origin, seen } = await serve((n, _req, res) => {
      if (n === 1) res.writeHead(503, { 'content-type': 'text/plain' }).end('warming up');
      else if (n === 2) res.socket?.destroy();
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"Healthy"}');
    });
    const { smoke, sleeps } = runner();
    const result = await smoke.run(check(`${origin}/api-gateway/health`));
    expect(result).toEqual({
      check: 'gateway-health',
      ok: true,
      status: 200,
      attempts: 3,
      latencyMs: 7,
      url: `${origin}/api-gateway/health`,
    });
    expect(sleeps).toEqual([100, 200]);
    expect(seen).toEqual(Array(3).fill('GET /api-gateway/health'));
  });

  it('fails after retries + 1 attempts, with the last status and no secrets in the evidence', async () => {
    const { origin, seen } = await serve((_n, _req, res) => res.writeHead(502).end());
    const { smoke } = runner();
    const result = await smoke.run(check(`${origin}/health?code=SECRET-FUNCTION-KEY`, { retries: 2 }));
    expect(result).toMatchObject({
      ok: false,
      status: 502,
      attempts: 3,
      error: 'expected HTTP 200, got 502',
      url: `${origin}/health`,
    });
    expect(JSON.stringify(result)).not.toContain('SECRET');
    expect(seen).toHaveLength(3);
    expect(seen[0]).toBe('GET /health?code=SECRET-FUNCTION-KEY'); // the real request still carries it
  });

  it('honours a non-200 expected status and the default', async () => {
    const { origin } = await serve((_n, _req, res) => res.writeHead(204).end());
    const { smoke } = runner();
    expect(await smoke.run(check(origin, { expectStatus: 204, retries: 0 }))).toMatchObject({
      ok: true,
      status: 204,
      attempts: 1,
    });
    expect(await smoke.run(check(origin, { expectStatus: 0, retries: 0 }))).toMatchObject({
      ok: false,
      error: 'expected HTTP 200, got 204',
    });
  });

  it('judges a success answer by its status even when its JSON is malformed', async () => {
    const { origin } = await serve((_n, _req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{oops'),
    );
    const { smoke } = runner();
    expect(await smoke.run(check(origin, { retries: 0 }))).toMatchObject({ ok: true, status: 200 });
    expect(await smoke.run(check(origin, { retries: 0, expectStatus: 204 }))).toMatchObject({
      ok: false,
      status: 200,
    });
  });

  it('reports a refused connection and a timeout as failed checks, not errors', async () => {
    const { smoke } = runner();
    const refused = await smoke.run(check('http://127.0.0.1:1/health?sig=SECRET', { retries: 1 }));
    expect(refused).toMatchObject({
      ok: false,
      attempts: 2,
      error: 'GET http://127.0.0.1:1/health failed to connect',
    });
    expect(refused).not.toHaveProperty('status');
    expect(JSON.stringify(refused)).not.toContain('SECRET');

    const { origin } = await serve(() => undefined); // never answers
    const slow = await smoke.run(check(`${origin}/health`, { retries: 0, timeout: 50 }));
    expect(slow).toMatchObject({ ok: false, attempts: 1, error: `GET ${origin}/health timed out` });
  });

  it('refuses non-http URLs without a request', async () => {
    const { smoke } = runner();
    expect(await smoke.run(check('file:///etc/passwd'))).toMatchObject({
      ok: false,
      attempts: 0,
      error: 'the URL is not an http(s) URL',
    });
    expect(await smoke.run(check('not a url'))).toMatchObject({
      ok: false,
      attempts: 0,
      url: '<invalid url>',
    });
  });

  it('backs off exponentially up to 15 s by default', async () => {
    const { origin } = await serve((_n, _req, res) => res.writeHead(503).end());
    const sleeps: number[] = [];
    const smoke = new HttpSmokeRunner({ sleep: async (ms) => void sleeps.push(ms) });
    const result = await smoke.run(check(origin, { retries: 5 }));
    expect(result).toMatchObject({ ok: false, attempts: 6 });
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    expect(sleeps).toEqual([1000, 2000, 4000, 8000, 15000]);
  });
});
