import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Reply {
  /** 0 drops the connection without an answer. */
  status: number;
  /** An object is sent as JSON; a string as it is. */
  body?: unknown;
  contentType?: string;
}

export interface Loopback {
  url: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

/** A scripted HTTP server on 127.0.0.1 standing in for Gantry, recording what the CLI sent. */
export async function startLoopback(reply: (req: SeenRequest) => Reply | undefined): Promise<Loopback> {
  const requests: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://loopback');
      const seen = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(seen);
      const r = reply(seen);
      if (!r) return; // never answer: the client's timeout is what is tested
      if (r.status === 0) {
        req.socket.destroy(); // a host going away mid-request
        return;
      }
      const text = typeof r.body === 'string' ? r.body : r.body === undefined ? '' : JSON.stringify(r.body);
      res.writeHead(r.status, { 'content-type': r.contentType ?? 'application/json' });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Collects what a command writes, as the in-process `run()` sees stdout and stderr. */
export function captured(isTTY = false): {
  stdout: { write(s: string): boolean; isTTY: boolean; columns: number; text: string };
  stderr: { write(s: string): boolean; isTTY: boolean; text: string };
} {
  const stdout = {
    text: '',
    isTTY,
    columns: 120,
    write(s: string) {
      stdout.text += s;
      return true;
    },
  };
  const stderr = {
    text: '',
    isTTY: false,
    write(s: string) {
      stderr.text += s;
      return true;
    },
  };
  return { stdout, stderr };
}
