import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writePublicFile } from '../../../cli/files.js';
import { run } from '../../../cli/main.js';
import { captured } from '../loopback.js';

const CONFIG = 'config/gantry.example.yaml';

const readFile = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/** The CLI in-process on the real file system; no request may leave it (init is offline). */
async function cli(argv: string[]) {
  const { stdout, stderr } = captured();
  const code = await run({
    argv,
    env: {},
    stdout,
    stderr,
    readFile,
    writeOutputFile: writePublicFile,
    fetch: (() => {
      throw new Error('init sends no request');
    }) as typeof fetch,
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('gantry init', () => {
  it('writes the kit, equal to examples/apigateway, and warns about the Helm binding', async () => {
    const out = mkdtempSync(join(tmpdir(), 'gantry-init-'));
    const result = await cli(['init', 'ApiGateway', '--config', CONFIG, '--out', out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Wrote 22 files for ApiGateway into ${out}:`);
    expect(result.stderr).toMatch(/warning: ApiGateway binds its image by Helm parameter/);
    for (const file of [
      'k8s/base/deployment.yaml',
      'argocd/application-production.yaml',
      '.github/workflows/e2e.yml',
    ])
      expect(readFileSync(join(out, file), 'utf8')).toBe(
        readFileSync(join('examples/apigateway', file), 'utf8'),
      );
  });

  it('refuses to overwrite without --force, and overwrites with it', async () => {
    const out = mkdtempSync(join(tmpdir(), 'gantry-init-'));
    expect((await cli(['init', 'ApiGateway', '-c', CONFIG, '-o', out])).code).toBe(0);
    const again = await cli(['init', 'ApiGateway', '-c', CONFIG, '-o', out, '--json']);
    expect(again.code).toBe(2);
    expect(JSON.parse(again.stderr)).toMatchObject({ error: { code: 'exists', exitCode: 2 } });
    const forced = await cli(['init', 'ApiGateway', '-c', CONFIG, '-o', out, '--force', '--json']);
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({ service: 'ApiGateway', out, files: expect.any(Array) });
  });

  it('puts the principal id into the RBAC subject and the scan names into the cluster objects', async () => {
    const out = mkdtempSync(join(tmpdir(), 'gantry-init-'));
    const id = '3f2c1b4a-0d9e-4c6b-8a7f-112233445566';
    const args = ['--principal-id', id, '--scan-namespace', 'scans', '--scan-service-account', 'trivy'];
    expect((await cli(['init', 'ApiGateway', '-c', CONFIG, '-o', out, ...args])).code).toBe(0);
    const rbac = readFileSync(join(out, 'cluster/gantry-rbac.yaml'), 'utf8');
    expect(rbac).toContain(`name: ${id}`);
    expect(rbac).toContain('namespace: scans');
    expect(readFileSync(join(out, 'cluster/scan.yaml'), 'utf8')).toContain('name: trivy');
  });

  it.each([
    [['init', 'Nope', '-c', CONFIG], 'unknown-service', /has no service 'Nope'/],
    [['init', 'ApiGateway', '-c', 'missing.yaml'], 'usage', /Cannot read missing.yaml/],
    [
      ['init', 'ApiGateway', '-c', CONFIG, '--principal-id', 'ada'],
      'usage',
      /--principal-id 'ada' is not an object id/,
    ],
    [['init', 'ApiGateway', '-c', CONFIG, '--repo-path', '../etc'], 'usage', /--repo-path/],
    [['init', 'ApiGateway', '-c', CONFIG, '--scan-namespace', 'Bad_NS'], 'usage', /--scan-namespace/],
  ])('refuses %j with %s and writes nothing', async (argv, code, message) => {
    const out = mkdtempSync(join(tmpdir(), 'gantry-init-'));
    const result = await cli([...argv, '-o', out, '--json']);
    expect(result.code).toBe(2);
    const error = (JSON.parse(result.stderr) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(existsSync(join(out, 'k8s'))).toBe(false);
  });
});
