/**
 * A stand-in Table Storage endpoint that proves no record leaves memory: the composition root builds no
 * store when the test seam provides one, so nothing should reach this endpoint at all. It answers
 * `POST /Tables` with 409 TableAlreadyExists (taken as success) and refuses and counts everything else;
 * the benchmark fails if the count is not 0.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Azurite's well-known development account (public, documented; not a secret). */
const ACCOUNT = 'devstoreaccount1';
const KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface StorageStub {
  /** A connection string for GANTRY_STORAGE that points at the stub. */
  connectionString: string;
  /** Requests other than table creation (each one would have been a real read or write). */
  dataRequests(): number;
  close(): Promise<void>;
}

export async function startStorageStub(): Promise<StorageStub> {
  let data = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    const creating = req.method === 'POST' && /\/Tables(\?|$)/.test(req.url ?? '');
    if (!creating) data++;
    const code = creating ? 'TableAlreadyExists' : 'NotImplemented';
    res.writeHead(creating ? 409 : 501, { 'content-type': 'application/json;odata=minimalmetadata' });
    res.end(JSON.stringify({ 'odata.error': { code, message: { lang: 'en-US', value: code } } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${KEY};` +
      `TableEndpoint=http://127.0.0.1:${port}/${ACCOUNT};`,
    dataRequests: () => data,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
