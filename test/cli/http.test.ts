import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, CliError, EXIT } from '../../cli/errors.js';
import { ApiClient, authHeaders } from '../../cli/http.js';
import { resolveSettings, type Settings } from '../../cli/settings.js';
import { principalFrom } from '../../shared/app/principal.js';
import { trustFor } from '../../shared/app/trust.js';
import { closedPort } from './harness.js';
import { startLoopback, type Loopback, type Reply } from './loopback.js';

let server: Loopback | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const settingsFor = (url: string, flags: Record<string, string> = {}): Settings =>
  resolveSettings({ url, ...flags }, {}, () => undefined);

async function clientAnswering(reply: Reply | undefined, flags?: Record<string, string>, timeoutMs?: number) {
  server = await startLoopback(() => reply);
  return new ApiClient(settingsFor(server.url, flags), fetch, timeoutMs);
}

async function failure(p: Promise<unknown>): Promise<CliError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CliError);
  return error as CliError;
}

describe('ApiClient', () => {
  it('sends JSON with query parameters encoded, under the base path', async () => {
    server = await startLoopback(() => ({ status: 200, body: { ok: true } }));
    const api = new ApiClient(settingsFor(`${server.url}/gantry/`));
    const res = await api.get<{ ok: boolean }>('/api/deployments', {
      service: 'a&b',
      since: undefined,
      pageSize: 5,
    });
    expect(res).toEqual({ status: 200, body: { ok: true } });
    await api.post('/api/x', { comment: 'ünïcode' });
    const [get, post] = server.requests;
    expect(get?.path).toBe('/gantry/api/deployments');
    expect([...(get?.query.entries() ?? [])]).toEqual([
      ['service', 'a&b'],
      ['pageSize', '5'],
    ]);
    expect(post?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(post?.body ?? '')).toEqual({ comment: 'ünïcode' });
    expect(get?.headers['user-agent']).toBe('gantry-cli');
  });

  it('turns a Gantry error body into an ApiError with status, code, message and details', async () => {
    const api = await clientAnswering({
      status: 400,
      body: {
        error: {
          code: 'invalid-parameter',
          message: "'pageSize' is bad.",
          details: { parameter: 'pageSize' },
        },
      },
    });
    const error = await failure(api.get('/api/deployments'));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 400,
      code: 'invalid-parameter',
      message: "'pageSize' is bad.",
      details: { parameter: 'pageSize' },
      exitCode: EXIT.api,
    });
  });

  it.each<[string, Reply, RegExp]>([
    [
      'a proxy error page',
      { status: 502, body: '<html><h1>Bad Gateway</h1></html>', contentType: 'text/html' },
      /answered without a Gantry error body: Bad Gateway\./,
    ],
    [
      'Easy Auth refusing an anonymous caller',
      { status: 401, body: 'You do not have permission.', contentType: 'text/plain' },
      /pass a token with --token or GANTRY_TOKEN/,
    ],
    [
      'a redirect to a sign-in page',
      { status: 302, body: '' },
      /without a Gantry error body\. It wants a signed-in caller/,
    ],
    ['a success without a body', { status: 204 }, /without a Gantry error body/],
  ])('reports %s with its status', async (_name, reply, message) => {
    const error = await failure((await clientAnswering(reply)).get('/api/health'));
    expect(error).toMatchObject({ status: reply.status, code: 'http-error', exitCode: EXIT.api });
    expect(error.message).toMatch(message);
  });

  it('names the URL when nothing listens there', async () => {
    const port = await closedPort();
    const api = new ApiClient(settingsFor(`http://127.0.0.1:${port}`));
    const error = await failure(api.get('/api/health'));
    expect(error).toMatchObject({ code: 'unreachable', exitCode: EXIT.unreachable });
    expect(error.message).toBe(
      `Cannot reach Gantry at http://127.0.0.1:${port} (connection refused). Is it running? Set the URL with --url or GANTRY_URL.`,
    );
  });

  it('gives up on a server that never answers', async () => {
    const api = await clientAnswering(undefined, {}, 200);
    const error = await failure(api.get('/api/health'));
    expect(error).toMatchObject({ code: 'timeout', exitCode: EXIT.unreachable });
    expect(error.message).toMatch(/No answer from http:\/\/127\.0\.0\.1:\d+\/api\/health within 0\.2s/);
  });
});

describe('authentication headers', () => {
  it('sends the bearer token, the function key and a principal the API decodes back', async () => {
    const api = await clientAnswering(
      { status: 200, body: {} },
      {
        token: 'eyJ.tok.en',
        principal: 'ada:devops-team,tech-lead:Operator,Gantry.Approver',
        'function-key': 'fk_123==',
      },
    );
    await api.get('/api/health');
    const headers = server?.requests[0]?.headers ?? {};
    expect(headers.authorization).toBe('Bearer eyJ.tok.en');
    expect(headers['x-functions-key']).toBe('fk_123==');
    const devHost = trustFor({ azureMarkers: [], appServiceAuth: false, development: true });
    const principal = principalFrom(
      { get: (n) => (headers[n] as string | undefined) ?? null },
      undefined,
      devHost,
    );
    expect(principal).toMatchObject({
      name: 'ada',
      groups: ['devops-team', 'tech-lead'],
      roles: ['Gantry.Reader', 'Gantry.Operator', 'Gantry.Approver'],
      source: 'app-service',
    });
  });

  it('sends nothing it was not given', () => {
    expect(authHeaders({ ...settingsFor('http://localhost:7071'), as: 'reviewer@localhost' })).toEqual({
      'x-gantry-dev-principal': 'reviewer@localhost',
    });
    expect(authHeaders(settingsFor('http://localhost:7071'))).toEqual({});
  });

  it('keeps secrets out of error messages', async () => {
    const port = await closedPort();
    const api = new ApiClient(settingsFor(`http://127.0.0.1:${port}`, { token: 'secret-token' }));
    const error = await failure(api.get('/api/health'));
    expect(JSON.stringify({ m: error.message, d: error.details })).not.toContain('secret-token');
  });
});
