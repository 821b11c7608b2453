import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ArgoCdError, ArgoCdGitOps, type ArgoCdOptions } from '../../../shared/adapters/argocd.js';
import type { ImageBinding, ImageRef } from '../../../shared/contracts/plan.js';

/**
 * The adapter against small scripted loopback servers: the exact requests it sends and how every
 * failure Argo CD (or a proxy in front of it) can answer is mapped to a coded error.
 */

const TOKEN = 'tok-SECRET-4f1c9a';
const DIGEST = `sha256:${'a'.repeat(64)}`;
const IMAGE: ImageRef = { registry: 'reg.example.io', repository: 'web', tag: 'v2', digest: DIGEST };
const HELM: ImageBinding = { kind: 'helm-parameter', parameter: 'image.tag' };
const JSON_TYPE = { 'content-type': 'application/json' };

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}
type Reply = [number, Record<string, string>, string] | 'hang';
type Script = (req: Seen, index: number) => Reply;

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString();
  return text ? JSON.parse(text) : undefined;
}

async function serve(script: Script): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const entry = {
        method: req.method ?? '',
        url: req.url ?? '',
        authorization: req.headers.authorization,
        body,
      };
      seen.push(entry);
      const reply = script(entry, seen.length - 1);
      if (reply !== 'hang') res.writeHead(reply[0], reply[1]).end(reply[2]);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const grpc = (status: number, code: number, message: string): Reply => [
  status,
  JSON_TYPE,
  JSON.stringify({ error: message, code, message }),
];
const APP = {
  metadata: { name: 'web' },
  spec: { source: { helm: { parameters: [{ name: 'x', value: '1' }] } } },
};
const ok = (value: unknown = APP): Reply => [200, JSON_TYPE, JSON.stringify(value)];

function client(url: string, extra: Partial<ArgoCdOptions> = {}) {
  const sleeps: number[] = [];
  const argo = new ArgoCdGitOps({
    baseUrl: url,
    token: () => TOKEN,
    sleep: async (ms) => void sleeps.push(ms),
    ...extra,
  });
  return { argo, sleeps };
}

async function caught(promise: Promise<unknown>): Promise<ArgoCdError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ArgoCdError);
  const e = error as ArgoCdError;
  for (const text of [e.message, JSON.stringify(e), String(e.stack)]) expect(text).not.toContain(TOKEN);
  return e;
}

describe('ArgoCdGitOps on the wire', () => {
  it('sends a double-encoded merge patch and a hook sync carrying the app sync options', async () => {
    const app = { ...APP, spec: { ...APP.spec, syncPolicy: { syncOptions: ['CreateNamespace=true'] } } };
    const { url, seen } = await serve(() => ok(app));
    await client(`${url}/argocd/`, { project: 'shop' }).argo.deployImage('team/web', HELM, IMAGE);
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'GET /argocd/api/v1/applications/web?appNamespace=team&project=shop',
      'PATCH /argocd/api/v1/applications/web',
      'POST /argocd/api/v1/applications/web/sync',
    ]);
    expect(seen.every((s) => s.authorization === `Bearer ${TOKEN}`)).toBe(true);
    const patch = seen[1]!.body;
    expect(patch).toMatchObject({ name: 'web', patchType: 'merge', appNamespace: 'team', project: 'shop' });
    expect(typeof patch.patch).toBe('string');
    expect(JSON.parse(patch.patch)).toEqual({
      spec: {
        source: {
          helm: {
            parameters: [
              { name: 'x', value: '1' },
              { name: 'image.tag', value: `v2@${DIGEST}`, forceString: true },
            ],
          },
        },
      },
    });
    expect(seen[2]!.body).toEqual({
      name: 'web',
      prune: false,
      strategy: { hook: {} },
      syncOptions: { items: ['CreateNamespace=true'] },
      appNamespace: 'team',
      project: 'shop',
    });
  });

  it('rolls back with { name, id } to the entry before a successful bad release', async () => {
    const app = {
      metadata: { name: 'web' },
      spec: {
        source: { targetRevision: 'main', helm: { parameters: [{ name: 'image.tag', value: 'bad' }] } },
      },
      status: {
        history: [
          {
            id: 4,
            source: { targetRevision: 'main', helm: { parameters: [{ name: 'image.tag', value: 'good' }] } },
          },
          {
            id: 5,
            source: { helm: { parameters: [{ name: 'image.tag', value: 'bad' }] }, targetRevision: 'main' },
          },
        ],
      },
    };
    const { url, seen } = await serve(() => ok(app));
    await client(url).argo.rollback('web');
    expect(seen[1]).toMatchObject({
      method: 'POST',
      url: '/api/v1/applications/web/rollback',
      body: { name: 'web', id: 4, prune: false, dryRun: false },
    });
  });

  it.each([
    [grpc(401, 16, 'invalid session: token is expired'), 'token-expired', false],
    [grpc(403, 7, 'permission denied'), 'permission-denied', false],
    [grpc(404, 5, 'applications.argoproj.io "web" not found'), 'app-not-found', false],
    [grpc(409, 10, 'the object has been modified'), 'operation-in-progress', true],
    [grpc(400, 3, 'application spec for web is invalid'), 'invalid-request', false],
    [grpc(501, 12, 'Not Implemented'), 'unavailable', true],
    [[502, { 'content-type': 'text/html' }, '<html>bad gateway</html>'], 'unavailable', true],
    [[200, JSON_TYPE, '{"metadata": {'], 'unavailable', true],
    [[200, { 'content-type': 'text/html' }, '<html>login</html>'], 'unavailable', true],
  ] as Array<[Reply, string, boolean]>)('maps %j to %s', async (reply, code, retryable) => {
    const { url } = await serve(() => reply);
    const error = await caught(client(url).argo.status('web'));
    expect(error).toMatchObject({ code, retryable });
  });

  it('retries 429 and 5xx with Retry-After honoured, without sleeping', async () => {
    const { url, seen } = await serve((_req, i) =>
      i === 0
        ? [429, { ...JSON_TYPE, 'retry-after': '7' }, '{"code":8,"message":"slow down"}']
        : i === 1
          ? grpc(503, 14, 'unavailable')
          : ok({ ...APP, status: { sync: { status: 'Synced' }, health: { status: 'Healthy' } } }),
    );
    const { argo, sleeps } = client(url, { backoffMs: () => 11 });
    expect(await argo.status('web')).toEqual({ phase: 'None', sync: 'Synced', health: 'Healthy' });
    expect(sleeps).toEqual([7_000, 11]);
    expect(seen).toHaveLength(3);
  });

  it('gives up after the configured attempts with unavailable', async () => {
    const { url, seen } = await serve(() => grpc(500, 2, 'boom'));
    const error = await caught(client(url, { attempts: 2 }).argo.status('web'));
    expect(error).toMatchObject({ code: 'unavailable', status: 500, retryable: true });
    expect(error.message).toContain('boom');
    expect(seen).toHaveLength(2);
  });

  it('maps a timeout to unavailable', async () => {
    const { url } = await serve(() => 'hang');
    const error = await caught(client(url, { timeoutMs: 50, attempts: 1 }).argo.status('web'));
    expect(error).toMatchObject({ code: 'unavailable', retryable: true });
    expect(error.message).toContain('timed out');
  });

  it('maps the 400 for rollback with auto-sync and for a busy app', async () => {
    const history = {
      status: {
        history: [
          { id: 1, source: { a: 1 } },
          { id: 2, source: { a: 2 } },
        ],
      },
    };
    const { url } = await serve((req) =>
      req.method === 'GET'
        ? ok({ ...APP, ...history })
        : req.url.endsWith('/rollback')
          ? grpc(400, 9, 'rollback cannot be initiated when auto-sync is enabled')
          : grpc(400, 9, 'another operation is already in progress'),
    );
    const { argo } = client(url);
    expect(await caught(argo.rollback('web', 1))).toMatchObject({ code: 'auto-sync-enabled', status: 400 });
    expect(await caught(argo.deployImage('web', HELM, IMAGE))).toMatchObject({
      code: 'operation-in-progress',
    });
  });

  it('redacts a token a server echoes back', async () => {
    const { url } = await serve(() => grpc(401, 16, `invalid session: bad token ${TOKEN}`));
    const error = await caught(client(url).argo.status('web'));
    expect(error.message).toContain('[redacted]');
  });

  it('refuses unusable tokens and reports a failing token source as unavailable', async () => {
    const { url, seen } = await serve(() => ok());
    const blank = await caught(client(url, { token: () => '  ' }).argo.status('web'));
    expect(blank.code).toBe('token-expired');
    const split = await caught(client(url, { token: () => `${TOKEN}\r\nx: y` }).argo.status('web'));
    expect(split.code).toBe('token-expired');
    const vault = await caught(
      client(url, { token: () => Promise.reject(new Error('Key Vault unreachable')) }).argo.status('web'),
    );
    expect(vault).toMatchObject({ code: 'unavailable', message: expect.stringContaining('Key Vault') });
    expect(seen).toHaveLength(0);
  });

  it('refuses an invalid app name or an untagged image for a tag parameter without calling Argo CD', async () => {
    const { url, seen } = await serve(() => ok());
    const { argo } = client(url);
    const untagged = { ...IMAGE, tag: undefined };
    expect(await caught(argo.deployImage('web', HELM, untagged))).toMatchObject({ code: 'invalid-request' });
    expect(await caught(argo.rollback('web..x'))).toMatchObject({ code: 'invalid-request' });
    expect(seen).toHaveLength(0);
  });

  it('refuses a base URL that is not http(s)', () => {
    expect(() => new ArgoCdGitOps({ baseUrl: 'not a url', token: () => TOKEN })).toThrow(ArgoCdError);
    expect(() => new ArgoCdGitOps({ baseUrl: 'ftp://argo', token: () => TOKEN })).toThrow('http(s)');
  });
});
