import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../cli/main.js';
import { FileConfigSource } from '../../../shared/adapters/config-file.js';
import type { PipelinePlan } from '../../../shared/contracts/plan.js';
import { captured } from '../loopback.js';
import { startRegistry } from '../../sandbox/registry-harness.js';

/** `gantry sandbox push` against the sandbox's real control API and registry (deliveries recorded). */
const config = FileConfigSource.load('config/gantry.example.yaml');
let sandbox: Awaited<ReturnType<typeof startRegistry>>;
beforeAll(async () => {
  sandbox = await startRegistry({ plans: config.services().map((s) => config.plan(s) as PipelinePlan) });
});
afterAll(() => sandbox.close());

async function gantry(argv: string[], env: Record<string, string> = {}) {
  const { stdout, stderr } = captured(false);
  const code = await run({
    argv,
    env,
    stdout,
    stderr,
    readFile: () => undefined,
    now: () => 0,
    sleep: async () => {},
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('gantry sandbox push', () => {
  it('pushes, lets the registry deliver the events, and names the deployment', async () => {
    sandbox.deliveries.length = 0;
    const r = await gantry(
      ['sandbox', 'push', 'api-gateway:7.0.0', '--platform', 'linux/amd64,linux/arm64'],
      {
        GANTRY_SANDBOX_URL: sandbox.control.url,
      },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Pushed hearloveen\.azurecr\.io\/api-gateway:7\.0\.0@sha256:[0-9a-f]{64}\n/);
    expect(r.stdout).toMatch(/Gantry received the push: deployment apigateway-[0-9a-f]{12}\./);
    expect(sandbox.deliveries).toHaveLength(3);
  });

  it('passes revision, source and --no-deliver through; --json prints the answer', async () => {
    sandbox.deliveries.length = 0;
    const rev = 'acb5820ced9479c074f688cc328bf03f341a511d';
    const r = await gantry([
      'sandbox',
      'push',
      'team/app:1',
      '--revision',
      rev,
      '--source',
      'https://github.com/team/app',
      '--no-deliver',
      '--json',
      '--sandbox-url',
      sandbox.control.url,
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ revision: rev, delivered: false });
    expect(sandbox.deliveries).toEqual([]);
  });

  it.each([
    [['sandbox', 'pull', 'api-gateway:1'], "Unknown sandbox action 'pull'"],
    [['sandbox', 'push', 'api-gateway'], "'api-gateway' is not <repository>:<tag>"],
    [['sandbox', 'push', 'a:1', '--sandbox-url', 'http://example.com:7085'], 'only listens on loopback'],
  ])('%j is a usage error', async (argv, message) => {
    const r = await gantry(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it('reports what the sandbox refused', async () => {
    const r = await gantry([
      'sandbox',
      'push',
      'api-gateway:1',
      '--revision',
      'main',
      '--sandbox-url',
      sandbox.control.url,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("'revision' must be a commit SHA");
  });
});
