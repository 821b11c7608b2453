/** Shared setup for the raw-HTTP tests of the Durable routes: a fake engine behind a real server. */
import { request as httpRequest } from 'node:http';
import { createDurableRoutes } from '../../../devhost/durable/management-http.js';
import type { DurableRoutesOptions } from '../../../devhost/durable/management-http.js';
import { FakeDurableManagement } from '../../fakes/fake-durable-management.js';
import { startRouteServer } from '../../fakes/route-server.js';
import type { RouteServer } from '../../fakes/route-server.js';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

export interface Harness {
  fake: FakeDurableManagement;
  server: RouteServer;
  send(
    method: string,
    path: string,
    init?: { body?: string; headers?: Record<string, string> },
  ): Promise<RawResponse>;
}

/** One server per test file; `reset()` swaps in a fresh fake engine for each test. */
export async function startHarness(options: DurableRoutesOptions = {}): Promise<Harness & { reset(): void }> {
  const harness = { fake: new FakeDurableManagement() } as Harness & { reset(): void };
  const engine = new Proxy({} as FakeDurableManagement, {
    get: (_target, key) => {
      const value = Reflect.get(harness.fake, key) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(harness.fake) : value;
    },
  });
  harness.server = await startRouteServer(createDurableRoutes(engine, options));
  harness.reset = () => {
    harness.fake = new FakeDurableManagement();
  };
  harness.send = (method, path, init = {}) => send(harness.server.port, method, path, init);
  return harness;
}

/** node:http rather than fetch: fetch cannot set Host or send bodies with arbitrary methods. */
function send(
  port: number,
  method: string,
  path: string,
  init: { body?: string; headers?: Record<string, string> },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    // Node sends GET/DELETE bodies without framing unless the length is given.
    const length = init.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(init.body)) };
    const headers = { ...length, ...init.headers };
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text === '' ? undefined : JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

export const JSON_HEADERS = { 'content-type': 'application/json' };
