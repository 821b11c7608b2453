import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appFile } from '../../../shared/adapters/app-files.js';

const ROOT = path.resolve(__dirname, '../../..');

describe('appFile', () => {
  const cwd = process.cwd();
  let elsewhere: string | undefined;
  afterEach(() => {
    process.chdir(cwd);
    if (elsewhere) rmSync(elsewhere, { recursive: true, force: true });
  });

  it('finds a packaged file from the package root, whatever the working directory', () => {
    elsewhere = mkdtempSync(path.join(tmpdir(), 'gantry-cwd-'));
    process.chdir(elsewhere);
    const file = appFile('config/gantry.example.yaml');
    expect(file).toBe(path.join(ROOT, 'config/gantry.example.yaml'));
    expect(existsSync(file)).toBe(true);
  });

  it('keeps an absolute path, and resolves against a given root', () => {
    expect(appFile('/etc/gantry.yaml')).toBe('/etc/gantry.yaml');
    expect(appFile('config/x.yaml', '/home/site/wwwroot')).toBe('/home/site/wwwroot/config/x.yaml');
  });
});
