import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HostLogger } from '../functions/types.js';
import { errorResponse, type HostRequest, type HostResponse, type HostRoute } from './types.js';

/** The real host's default `maxRequestBodySize` (100 MB). */
export const DEFAULT_MAX_BODY_BYTES = 100 * 1024 * 1024;

export interface HttpServerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Interface to bind; loopback by default so the dev host is not exposed on the network. */
  host?: string;
  /** Tried in order; the first that answers wins. Read on every request, so it may be appended to. */
  routes: HostRoute[];
  logger?: HostLogger;
  maxBodyBytes?: number;
}

export interface RunningHttpServer {
  /** e.g. `http://127.0.0.1:51234` */
  url: string;
  port: number;
  close(): Promise<void>;
}

class BodyTooLargeError extends Error {}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger ?? (() => {});
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const server = createServer((req, res) => {
    void handle(req, res, options.routes, limit, logger);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // fetch keeps connections alive; without this close() would wait for them to time out.
        server.closeAllConnections();
      }),
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  routes: HostRoute[],
  limit: number,
  logger: HostLogger,
): Promise<void> {
  let response: HostResponse;
  try {
    const request = await toHostRequest(req, limit);
    response = (await route(request, routes)) ?? notFound(request);
  } catch (err) {
    if (err instanceof BodyTooLargeError) {
      response = errorResponse(413, 'payload-too-large', err.message);
      res.setHeader('connection', 'close');
    } else {
      logger(
        'error',
        `Unhandled error serving ${req.method} ${req.url}:`,
        err instanceof Error ? err.stack : err,
      );
      response = errorResponse(500, 'internal-error', 'The dev host failed to process the request.');
    }
  }
  writeResponse(res, response);
}

async function route(request: HostRequest, routes: HostRoute[]): Promise<HostResponse | undefined> {
  for (const candidate of [...routes]) {
    const response = await candidate(request);
    if (response) return response;
  }
  return undefined;
}

function notFound(request: HostRequest): HostResponse {
  return errorResponse(404, 'not-found', `No route matches ${request.method} ${request.url.pathname}`);
}

async function toHostRequest(req: IncomingMessage, limit: number): Promise<HostRequest> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  // The origin the client used: the SDK copies it into check-status links (contract 4.3).
  const origin = `http://${headers.host ?? `${req.socket.localAddress}:${req.socket.localPort}`}`;
  const body = await readBody(req, limit);
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    url: new URL(req.url ?? '/', origin),
    origin,
    headers,
    body,
    remoteAddress: req.socket.remoteAddress,
  };
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const tooLarge = () => new BodyTooLargeError(`The request body exceeds the limit of ${limit} bytes.`);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume(); // discard the upload so the client can read the 413
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        chunks.length = 0;
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function writeResponse(res: ServerResponse, response: HostResponse): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  for (const [name, value] of Object.entries(response.headers ?? {})) res.setHeader(name, value);
  res.statusCode = response.status;
  res.end(response.body ?? '');
}
