import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dashboardFiles, packageRoot, readDashboardFiles } from '../../../shared/adapters/dashboard-files.js';

/** Whether gitignore-style patterns (as `.funcignore` uses them) drop a file; the last match wins. */
function ignored(patterns: readonly string[], file: string): boolean {
  let out = false;
  for (const line of patterns) {
    const negate = line.startsWith('!');
    const pattern = (negate ? line.slice(1) : line).replace(/^\//, '');
    const dirOnly = pattern.endsWith('/');
    const body = dirOnly ? pattern.slice(0, -1) : pattern;
    const glob = body
      .split('**')
      .map((part) =>
        part
          .split('*')
          .map((t) => t.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
          .join('[^/]*'),
      )
      .join('.*');
    const regex = new RegExp(`^${glob}${dirOnly ? '/' : '(/|$)'}`);
    // A pattern without a slash matches at any depth; one with a slash is relative to the root.
    const parts = file.split('/');
    const candidates = body.includes('/') ? [file] : parts.map((_, i) => parts.slice(i).join('/'));
    if (candidates.some((c) => regex.test(c))) out = !negate;
  }
  return out;
}

const root = mkdtempSync(path.join(tmpdir(), 'gantry-dashboard-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('dashboard files', () => {
  it('finds the app root from source and from dist alike', () => {
    const repo = path.resolve('.');
    expect(packageRoot(path.join(repo, 'shared', 'adapters'))).toBe(repo);
    expect(packageRoot(path.join(repo, 'dist', 'shared', 'adapters'))).toBe(repo);
    expect(() => packageRoot(path.parse(repo).root)).toThrow('no package.json');
  });

  it('reads the compiled modules from dist/dashboard and the stylesheet and icon from dashboard/', async () => {
    mkdirSync(path.join(root, 'dist', 'dashboard'), { recursive: true });
    mkdirSync(path.join(root, 'dashboard'), { recursive: true });
    writeFileSync(path.join(root, 'dist', 'dashboard', 'app.js'), 'export {};');
    writeFileSync(path.join(root, 'dist', 'dashboard', 'app.d.ts'), 'not served');
    writeFileSync(path.join(root, 'dashboard', 'app.ts'), 'not served: the source');
    writeFileSync(path.join(root, 'dashboard', 'dashboard.css'), 'body{}');
    writeFileSync(path.join(root, 'dashboard', 'icon.svg'), '<svg/>');
    const files = await readDashboardFiles(root);
    expect(files.map((f) => [f.name, Buffer.from(f.bytes).toString()])).toEqual([
      ['app.js', 'export {};'],
      ['dashboard.css', 'body{}'],
      ['icon.svg', '<svg/>'],
    ]);
  });

  it('fails loudly when the bundle was not built', async () => {
    await expect(readDashboardFiles(path.join(root, 'missing'))).rejects.toThrow(/ENOENT/);
  });

  it('ships with the function app: .funcignore uploads what the remote build compiles the bundle from', () => {
    // azure.yaml deploys with remoteBuild: the platform runs `npm run build`, which writes dist/dashboard.
    const patterns = readFileSync('.funcignore', 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    const shipped = [
      'dashboard/app.ts',
      'dashboard/tsconfig.json',
      'dashboard/dashboard.css',
      'dashboard/deployment.css',
      'dashboard/icon.svg',
    ];
    const dropped = ['dist/dashboard/app.js', 'test/dashboard/harness.ts', 'docs/images/dashboard.png'];
    expect(shipped.filter((f) => ignored(patterns, f))).toEqual([]);
    expect(dropped.filter((f) => !ignored(patterns, f))).toEqual([]);
  });

  it('reads the real bundle the build produced, once per process', async () => {
    const first = dashboardFiles();
    expect(dashboardFiles()).toBe(first);
    const names = (await first).map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(['app.js', 'chart.js', 'dashboard.css', 'icon.svg']));
  });
});
