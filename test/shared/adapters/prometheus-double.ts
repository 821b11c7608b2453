import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { PrometheusMetrics, type PrometheusOptions } from '../../../shared/adapters/prometheus.js';
import type { MetricsQuery } from '../../../shared/ports/metrics.js';

/** A scripted Prometheus double: answers queued responses in order and records what it was asked. */
export interface Recorded {
  method: string;
  path: string;
  params: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
}
export type Reply = { status: number; body: unknown; headers?: Record<string, string> } | 'hang';

export const AT = '2026-11-27T00:00:00.000Z';
export const T = Date.parse(AT) / 1000;
export const QUERY: MetricsQuery = {
  template: 'sum(up{namespace="{{ namespace }}"})',
  variables: { namespace: 'prod' },
  window: 60_000,
  at: AT,
};

export const vector = (...values: string[]) => ({
  status: 200,
  body: {
    status: 'success',
    data: {
      resultType: 'vector',
      result: values.map((v, i) => ({ metric: { i: String(i) }, value: [T, v] })),
    },
  },
});

export const failure = (status: number, errorType: string, error: string) => ({
  status,
  body: { status: 'error', errorType, error },
});

const noSleep = async (): Promise<void> => {};

/** Starts the double for the calling test file (vitest hooks) and resets its script before each test. */
export function usePrometheusDouble(): {
  replies: Reply[];
  requests: Recorded[];
  base: () => string;
  metrics: (options?: Partial<PrometheusOptions>) => PrometheusMetrics;
} {
  let server: Server;
  let base = '';
  const replies: Reply[] = [];
  const requests: Recorded[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://x');
        const params =
          req.method === 'POST' ? new URLSearchParams(Buffer.concat(chunks).toString()) : url.searchParams;
        requests.push({ method: req.method ?? '', path: url.pathname, params, headers: req.headers });
        const reply = replies.shift() ?? { status: 500, body: 'no reply scripted' };
        if (reply === 'hang') return;
        const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers }).end(text);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    replies.length = 0;
    requests.length = 0;
  });
  return {
    replies,
    requests,
    base: () => base,
    metrics: (options = {}) => new PrometheusMetrics({ baseUrl: base, sleep: noSleep, ...options }),
  };
}
