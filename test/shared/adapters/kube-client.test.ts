import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  KubeClients,
  KubeError,
  redact,
  ServerPerCluster,
  StaticKubeConfig,
  toKubeError,
  type KubeConfigSource,
} from '../../../shared/adapters/kube-client.js';
import { KubernetesCluster } from '../../../shared/adapters/kubernetes.js';
import { kubeError, TARGET } from './kube-harness.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** A loopback API server that answers every request with `handler`. */
async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const status = (code: number, reason: string, message: string) =>
  JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  });

/** A KubeConfigSource that counts invalidations. */
function source(url: string): KubeConfigSource & { invalidated: number } {
  const inner = StaticKubeConfig.fromServer({ server: url, token: 'secret-token' });
  return {
    invalidated: 0,
    kubeConfig: () => inner.kubeConfig(),
    invalidate() {
      this.invalidated++;
    },
  };
}

async function rolloutError(url: string, timeoutMs?: number) {
  const kubeconfigs = source(url);
  const cluster = new KubernetesCluster({ kubeconfigs, ...(timeoutMs !== undefined && { timeoutMs }) });
  return { error: await kubeError(cluster.rollout(TARGET, 'web')), invalidated: kubeconfigs.invalidated };
}

describe('Kubernetes error mapping', () => {
  const cases: Array<[number, string, string]> = [
    [403, 'Forbidden', 'forbidden'],
    [404, 'NotFound', 'not-found'],
    [409, 'Conflict', 'conflict'],
    [422, 'Invalid', 'invalid'],
    [429, 'TooManyRequests', 'unavailable'],
    [500, 'InternalError', 'unavailable'],
    [503, 'ServiceUnavailable', 'unavailable'],
  ];
  it.each(cases)('maps %i %s to %s with the Status message', async (code, reason, expected) => {
    const url = await serve((_req, res) => {
      res
        .writeHead(code, { 'content-type': 'application/json' })
        .end(status(code, reason, `${reason} happened`));
    });
    const { error } = await rolloutError(url);
    expect(error).toMatchObject({ code: expected, status: code });
    expect(error.message).toBe(`rollout status of deployment prod/web: ${reason} happened`);
  });

  it('maps 401 to unauthorized and drops cached credentials; the token stays out of the message', async () => {
    const seen: Array<string | undefined> = [];
    const url = await serve((req, res) => {
      seen.push(req.headers.authorization);
      res
        .writeHead(401, { 'content-type': 'application/json' })
        .end(status(401, 'Unauthorized', 'Unauthorized'));
    });
    const { error, invalidated } = await rolloutError(url);
    expect(seen).toEqual(['Bearer secret-token']);
    expect(error).toMatchObject({ code: 'unauthorized', status: 401 });
    expect(error.message).not.toContain('secret-token');
    expect(invalidated).toBe(1);
  });

  it('maps a non-JSON gateway page, malformed JSON, a timeout and a refused connection to unavailable', async () => {
    let url = await serve((_req, res) =>
      res.writeHead(502, { 'content-type': 'text/html' }).end('<html>bad gateway</html>'),
    );
    expect((await rolloutError(url)).error.message).toBe('rollout status of deployment prod/web: HTTP 502');

    url = await serve((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"kind":"Deploy'),
    );
    const malformed = (await rolloutError(url)).error;
    expect(malformed).toMatchObject({ code: 'unavailable' });
    expect(malformed.message).toContain('malformed JSON');

    url = await serve(() => undefined); // never answers
    const slow = (await rolloutError(url, 50)).error;
    expect(slow).toMatchObject({ code: 'unavailable' });
    expect(slow.message).toBe('rollout status of deployment prod/web: timed out');

    const port = (server?.address() as AddressInfo).port;
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
    const refused = (await rolloutError(`http://127.0.0.1:${port}`)).error;
    expect(refused).toMatchObject({ code: 'unavailable' });
    expect(refused.message).toContain('ECONNREFUSED');
  });

  it('lets programming errors through unchanged', () => {
    const bug = new TypeError('x is not a function');
    expect(toKubeError(bug, 'anything')).toBe(bug);
  });
});

describe('StaticKubeConfig and helpers', () => {
  it('reaches each cluster at its own server and refuses a cluster not in the map', async () => {
    const source = new ServerPerCluster(
      { 'aks-weu': 'http://127.0.0.1:7080', 'aks-neu': 'http://127.0.0.1:7090' },
      't',
    );
    const target = (cluster: string) => ({
      subscriptionId: 's',
      resourceGroup: 'rg',
      cluster,
      namespace: 'n',
    });
    expect((await source.kubeConfig(target('aks-neu'))).getCurrentCluster()?.server).toBe(
      'http://127.0.0.1:7090',
    );
    expect((await source.kubeConfig(target('aks-weu'))).getCurrentCluster()?.server).toBe(
      'http://127.0.0.1:7080',
    );
    await expect(source.kubeConfig(target('aks-eus'))).rejects.toMatchObject({
      code: 'invalid',
      message: expect.stringContaining('cluster "aks-eus" has no server in GANTRY_KUBE_SERVERS'),
    });
  });

  it('accepts http(s) servers only; plain http needs client-node skipTLSVerify', async () => {
    expect(() => StaticKubeConfig.fromServer({ server: 'ftp://x' })).toThrow(KubeError);
    expect(() => StaticKubeConfig.fromServer({ server: 'not a url' })).toThrow(/http\(s\) URL/);
    const http = await StaticKubeConfig.fromServer({ server: 'http://127.0.0.1:1', token: 't' }).kubeConfig();
    expect(http.getCurrentCluster()).toMatchObject({ server: 'http://127.0.0.1:1', skipTLSVerify: true });
    const https = await StaticKubeConfig.fromServer({
      server: 'https://k8s.example',
      caData: 'Q0E=',
    }).kubeConfig();
    expect(https.getCurrentCluster()).toMatchObject({ skipTLSVerify: false, caData: 'Q0E=' });
  });

  it('loads a kubeconfig YAML, optionally for another context', async () => {
    const yaml = `apiVersion: v1
kind: Config
clusters:
- name: a
  cluster: { server: https://a.example }
- name: b
  cluster: { server: https://b.example }
users:
- name: u
  user: { token: t }
contexts:
- name: ca
  context: { cluster: a, user: u }
- name: cb
  context: { cluster: b, user: u }
current-context: ca
`;
    expect((await StaticKubeConfig.fromYaml(yaml).kubeConfig()).getCurrentCluster()?.server).toBe(
      'https://a.example',
    );
    expect((await StaticKubeConfig.fromYaml(yaml, 'cb').kubeConfig()).getCurrentCluster()?.server).toBe(
      'https://b.example',
    );
    expect(() => StaticKubeConfig.fromYaml('apiVersion: v1\nkind: Config\n')).toThrow(/no current cluster/);
  });

  it('redacts bearer tokens and JWTs from messages', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    expect(redact(`got ${jwt} and Authorization: Bearer abc.def`)).toBe(
      'got <redacted> and Authorization: Bearer <redacted>',
    );
    expect(new KubeError('invalid', `echo ${jwt}`).message).toBe('echo <redacted>');
  });

  it('reuses API clients per KubeConfig', async () => {
    const clients = new KubeClients(StaticKubeConfig.fromServer({ server: 'http://127.0.0.1:1' }));
    const seen = new Set<unknown>();
    for (let i = 0; i < 2; i++) await clients.call(TARGET, 'probe', async (api) => void seen.add(api.apps));
    expect(seen.size).toBe(1);
  });
});
