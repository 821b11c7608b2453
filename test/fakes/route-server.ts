/**
 * A minimal node:http server that adapts IncomingMessage → HostRequest and runs HostRoutes, so route
 * modules can be driven over real HTTP (and by real SDK clients) before the dev host's server exists.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HostRequest, HostRoute } from '../../devhost/http/types.js';

export interface RouteServer {
  port: number;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  close(): Promise<void>;
}

async function toHostRequest(req: IncomingMessage): Promise<HostRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const origin = `http://${req.headers.host ?? 'localhost'}`;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return {
    method: req.method ?? 'GET',
    url: new URL(req.url ?? '/', origin),
    origin,
    headers,
    body: Buffer.concat(chunks),
    ...(req.socket.remoteAddress === undefined ? {} : { remoteAddress: req.socket.remoteAddress }),
  };
}

async function handle(routes: HostRoute[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  const request = await toHostRequest(req);
  for (const route of routes) {
    const response = await route(request);
    if (response) {
      res.writeHead(response.status, response.headers);
      res.end(response.body);
      return;
    }
  }
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end('no route');
}

export async function startRouteServer(routes: HostRoute[]): Promise<RouteServer> {
  const server = createServer((req, res) => {
    handle(routes, req, res).catch((err: unknown) => {
      res.writeHead(599);
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
