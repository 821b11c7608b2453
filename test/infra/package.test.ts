import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ROOT, paramDefaults, readInfra } from './bicep.js';

/**
 * What `azd deploy` uploads: the remote build needs the TypeScript sources, and the pipeline file
 * (GANTRY_CONFIG_PATH) must travel in the package. infra/hooks/predeploy.mjs checks the latter before
 * every deployment; here it runs as azd runs it, in a scratch project.
 */

const HOOK = path.join(ROOT, 'infra/hooks/predeploy.mjs');
const FUNCIGNORE = readFileSync(path.join(ROOT, '.funcignore'), 'utf8');
const LOADER = path.join(ROOT, 'dist/shared/config/load.js');

let project: string;
beforeEach(() => {
  project = mkdtempSync(path.join(tmpdir(), 'gantry-package-'));
  writeFileSync(path.join(project, '.funcignore'), FUNCIGNORE);
  mkdirSync(path.join(project, 'config'));
});
afterEach(() => rmSync(project, { recursive: true, force: true }));

function predeploy(env: Record<string, string> = {}): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [HOOK], {
    cwd: project,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** Whether the repository's .funcignore leaves a path out, as the hook decides it. */
function ignored(file: string): boolean {
  const example = path.join(project, file);
  mkdirSync(path.dirname(example), { recursive: true });
  writeFileSync(example, 'x');
  return predeploy({ GANTRY_CONFIG_PATH: file }).out.includes('excluded by .funcignore');
}

describe('the deployed package', () => {
  it('uploads what the remote build compiles, and neither node_modules nor a local dist', () => {
    const azure = parseYaml(readFileSync(path.join(ROOT, 'azure.yaml'), 'utf8')) as {
      services: { api: { remoteBuild: boolean } };
    };
    expect(azure.services.api.remoteBuild).toBe(true);
    for (const kept of [
      'functions/http/health.ts',
      'shared/config.ts',
      'tsconfig.json',
      'dashboard/app.ts',
      'package.json',
      'host.json',
    ])
      expect(ignored(kept), kept).toBe(false);
    for (const left of [
      'node_modules/x/index.js',
      'dist/functions/x.js',
      'local.settings.json',
      'test/x.test.ts',
      'infra/main.bicep',
    ])
      expect(ignored(left), left).toBe(true);
  });

  it('carries the pipeline file the Bicep points GANTRY_CONFIG_PATH at', () => {
    const configured = paramDefaults(readInfra('main.bicep')).get('gantryConfigPath');
    expect(configured).toBe('config/gantry.yaml');
    expect(ignored(configured ?? '')).toBe(false);
  });
});

describe('predeploy hook: the pipeline file', () => {
  it('stops a deployment without the pipeline file, saying how to make one', () => {
    const r = predeploy();
    expect(r.code).toBe(1);
    expect(r.out).toContain('config/gantry.yaml does not exist: copy config/gantry.example.yaml');
  });

  it.each([['/etc/gantry.yaml'], ['../gantry.yaml']])('refuses a path outside the package: %s', (p) => {
    const r = predeploy({ GANTRY_CONFIG_PATH: p });
    expect(r.code).toBe(1);
    expect(r.out).toContain('must be a path inside the project');
  });

  it('refuses a pipeline file .funcignore would leave out', () => {
    mkdirSync(path.join(project, 'docs'));
    writeFileSync(path.join(project, 'docs/pipeline.yaml'), 'services: {}');
    const r = predeploy({ GANTRY_CONFIG_PATH: 'docs/pipeline.yaml' });
    expect(r.code).toBe(1);
    expect(r.out).toContain('docs/pipeline.yaml is excluded by .funcignore');
  });

  it('accepts a present file, saying it was not validated without a build', () => {
    writeFileSync(path.join(project, 'config/gantry.yaml'), 'x: 1\n');
    const r = predeploy();
    expect(r.code).toBe(0);
    expect(r.out).toContain('not validated: run npm run build');
  });

  // Needs the compiled app (npm run build, as `npm test` does first): the hook loads it with the app's loader.
  it.runIf(existsSync(LOADER))(
    'validates the file with the built loader: the example passes, a typo fails',
    () => {
      symlinkSync(path.join(ROOT, 'dist'), path.join(project, 'dist'), 'dir');
      symlinkSync(path.join(ROOT, 'node_modules'), path.join(project, 'node_modules'), 'dir');
      writeFileSync(path.join(project, 'package.json'), readFileSync(path.join(ROOT, 'package.json')));
      cpSync(path.join(ROOT, 'config/gantry.example.yaml'), path.join(project, 'config/gantry.yaml'));
      expect(predeploy()).toMatchObject({ code: 0 });
      writeFileSync(path.join(project, 'config/gantry.yaml'), 'servicez: {}\n');
      const r = predeploy();
      expect(r.code).toBe(1);
      expect(r.out).toContain('config/gantry.yaml is not a valid Gantry pipeline');
    },
  );
});
