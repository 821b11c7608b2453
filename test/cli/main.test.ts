import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../cli/commands/index.js';
import { run, type Io } from '../../cli/main.js';
import { captured } from './loopback.js';

type Call = { url: string; init?: RequestInit };

/** Runs the CLI in-process; `answer` stands in for Gantry and every request is recorded. */
async function cli(argv: string[], answer?: (url: string) => Response, env: Record<string, string> = {}) {
  const { stdout, stderr } = captured();
  const calls: Call[] = [];
  const io: Io = {
    argv,
    env,
    stdout,
    stderr,
    readFile: () => undefined,
    version: '9.8.7',
    fetch: (async (url: URL, init?: RequestInit) => {
      calls.push({ url: String(url), init });
      if (!answer) throw new Error('no request expected');
      return answer(String(url));
    }) as typeof fetch,
  };
  const code = await run(io);
  return { code, stdout: stdout.text, stderr: stderr.text, calls };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('help and usage', () => {
  it('prints the version', async () => {
    expect(await cli(['--version'])).toMatchObject({ code: 0, stdout: 'gantry 9.8.7\n' });
  });

  it('lists every command on --help, and sends bare `gantry` help to stderr with exit 2', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    for (const c of COMMANDS) expect(help.stdout).toContain(`  ${c.name} `);
    expect(help.stdout).toContain('11 RolledBack');
    const bare = await cli([]);
    expect([bare.code, bare.stdout]).toEqual([2, '']);
    expect(bare.stderr).toContain('Usage: gantry <command>');
  });

  it.each(COMMANDS.map((c) => [c.name]))('%s --help shows its usage, flags and examples', async (name) => {
    const command = COMMANDS.find((c) => c.name === name);
    const viaFlag = await cli([name, '--help']);
    const viaHelp = await cli(['help', name]);
    expect(viaFlag.code).toBe(0);
    expect(viaFlag.stdout).toBe(viaHelp.stdout);
    expect(viaFlag.stdout.split('\n')[0]).toBe(command?.usage);
    for (const f of command?.flags ?? []) expect(viaFlag.stdout).toContain(`--${f.name}`);
    expect(viaFlag.stdout).toContain('--url <url>');
    expect(viaFlag.calls).toEqual([]);
  });

  it.each<[string[], RegExp]>([
    [['stauts', 'x'], /Unknown command 'stauts'\. Did you mean 'status'\?/],
    [['help', 'nope'], /No help for 'nope'/],
    [['reject', 'apigateway-111111111111'], /'reject' needs a reason: -m "<text>"/],
    [['rollback', 'ApiGateway'], /'rollback' needs a reason/],
    [['skip-analysis', 'apigateway-111111111111', '-m', '  '], /'skip-analysis' needs a reason/],
    [['status'], /'status' needs <id>/],
    [['list', '--limit', '0'], /--limit must be a whole number from 1 to 100000/],
    [['list', '--limit', '5', '--all'], /either --limit or --all/],
    [['watch', 'x', '--interval', '5ms'], /at least 10ms/],
    [['rejudge', 'x'], /needs --config <file>/],
    [['rejudge', 'x', '--config', 'missing.yaml'], /Cannot read missing.yaml/],
    [['list', '--url', 'ftp://x'], /http:\/\/ or https:\/\//],
    [['status', '..'], /'\.\.' is not a deployment id/],
    [['watch', '%2E'], /'%2E' is not a deployment id/],
    [['status', ''], /'' is not a deployment id/],
    [['releases', '.'], /'\.' is not a service name/],
  ])('%j is a usage error (exit 2) and sends nothing', async (argv, message) => {
    const r = await cli(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^gantry: error: /);
    expect(r.stderr).toMatch(message);
    expect(r.calls).toEqual([]);
  });

  it('reports errors as JSON on stderr with --json, keeping stdout clean', async () => {
    const usage = await cli(['status', '--json']);
    expect(usage.stdout).toBe('');
    expect(JSON.parse(usage.stderr)).toEqual({
      error: { code: 'usage', message: expect.stringMatching(/needs <id>/), details: {}, exitCode: 2 },
    });
    const api = await cli(['status', 'apigateway-000000000000', '--json'], () =>
      json(404, { error: { code: 'deployment-not-found', message: "No deployment 'x'.", details: {} } }),
    );
    expect(api.code).toBe(1);
    expect(JSON.parse(api.stderr).error).toMatchObject({
      status: 404,
      code: 'deployment-not-found',
      exitCode: 1,
    });
  });
});

describe('API errors for people', () => {
  it('shows status, code, message and each detail', async () => {
    const r = await cli(['list', '--status', 'Running'], () =>
      json(400, {
        error: {
          code: 'invalid-parameter',
          message: "'status' must be one of …",
          details: { parameter: 'status' },
        },
      }),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "gantry: error: HTTP 400 invalid-parameter: 'status' must be one of …\n  parameter: status\n",
    );
    expect(new URL(r.calls[0]?.url ?? '').searchParams.get('status')).toBe('Running');
  });

  it('escapes path segments, so an id cannot reach another route', async () => {
    const r = await cli(['approve', '../../services/x/rollback'], () =>
      json(400, { error: { code: 'invalid-deployment-id', message: 'Not a deployment id.', details: {} } }),
    );
    expect(r.code).toBe(1);
    expect(r.calls[0]?.url).toBe(
      'http://localhost:7071/api/deployments/..%2F..%2Fservices%2Fx%2Frollback/approve',
    );
  });
});

describe('config', () => {
  it('shows where settings come from and never the secrets', async () => {
    const r = await cli(['config', '--token', 's3cr3t'], undefined, { GANTRY_PRINCIPAL: 'ada:devops-team' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('url           http://localhost:7071 (from the default)');
    expect(r.stdout).toContain('token         set (from a flag)');
    expect(r.stdout).toContain('principal     ada [devops-team] (from the environment)');
    expect(r.stdout).not.toContain('s3cr3t');
    const asJson = JSON.parse((await cli(['config', '--json', '--token', 's3cr3t'])).stdout);
    expect(asJson).toMatchObject({ url: 'http://localhost:7071', token: 'set', functionKey: 'not set' });
  });
});
