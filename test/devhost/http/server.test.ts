import { afterEach, describe, expect, it } from 'vitest';
import { startHttpServer, type RunningHttpServer } from '../../../devhost/http/server.js';
import { jsonResponse, type HostRequest, type HostRoute } from '../../../devhost/http/types.js';
import { memoryLogger } from '../host-test-helpers.js';

let server: RunningHttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('startHttpServer', () => {
  it('builds a HostRequest and tries routes in order until one answers', async () => {
    const seen: HostRequest[] = [];
    const routes: HostRoute[] = [
      (req) => {
        seen.push(req);
        return undefined;
      },
      async (req) =>
        req.url.pathname === '/hit' ? jsonResponse(200, { body: req.body.toString() }) : undefined,
      () => ({ status: 204, headers: { 'set-cookie': ['a=1', 'b=2'] } }),
    ];
    server = await startHttpServer({ routes });
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    const hit = await fetch(`${server.url}/hit?q=1`, {
      method: 'post',
      body: 'payload',
      headers: { 'X-Thing': 'v' },
    });
    expect(hit.status).toBe(200);
    expect(await hit.json()).toEqual({ body: 'payload' });
    const [req] = seen;
    expect(req?.method).toBe('POST');
    expect(req?.origin).toBe(server.url);
    expect(req?.url.href).toBe(`${server.url}/hit?q=1`);
    expect(req?.headers['x-thing']).toBe('v');
    const other = await fetch(`${server.url}/other`);
    expect(other.status).toBe(204);
    expect(other.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
  });

  it('answers 404 with the JSON error envelope when no route matches', async () => {
    server = await startHttpServer({ routes: [] });
    const res = await fetch(`${server.url}/nowhere`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: { code: 'not-found', message: 'No route matches GET /nowhere' },
    });
  });

  it('answers 500 and logs when a route throws', async () => {
    const logger = memoryLogger();
    server = await startHttpServer({
      routes: [
        () => {
          throw new Error('route bug');
        },
      ],
      logger,
    });
    const res = await fetch(`${server.url}/x`);
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('internal-error');
    expect(logger.lines[0]?.text).toMatch(/Unhandled error serving GET \/x: Error: route bug/);
  });

  it('refuses bodies over the limit with 413, declared or streamed', async () => {
    let called = 0;
    server = await startHttpServer({
      routes: [() => ({ status: 200, body: String(++called) })],
      maxBodyBytes: 1024,
    });
    const declared = await fetch(`${server.url}/up`, { method: 'POST', body: Buffer.alloc(2048) });
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as { error: { code: string } }).error.code).toBe('payload-too-large');
    const chunks = [Buffer.alloc(600), Buffer.alloc(600)];
    const stream = new ReadableStream({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    const streamed = await fetch(`${server.url}/up`, {
      method: 'POST',
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    const fine = await fetch(`${server.url}/up`, { method: 'POST', body: Buffer.alloc(1024) });
    expect(fine.status).toBe(200);
    expect(called).toBe(1);
  });

  it('fails to start on a port in use', async () => {
    server = await startHttpServer({ routes: [] });
    await expect(startHttpServer({ routes: [], port: server.port })).rejects.toThrow(/EADDRINUSE/);
  });
});
