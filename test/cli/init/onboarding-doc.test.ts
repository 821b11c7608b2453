import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { writePublicFile } from '../../../cli/files.js';
import { run } from '../../../cli/main.js';
import { captured } from '../loopback.js';

/**
 * docs/onboarding.md taken literally with the example pipeline file: its ApiGateway entry is the one
 * the example has, and its `gantry init` command, run in a fresh checkout whose `config/gantry.yaml` is a
 * copy of `config/gantry.example.yaml` (docs/deploy.md), writes every `deploy/api-gateway/…` path the
 * later steps use, with no warning.
 */

const DOC = readFileSync('docs/onboarding.md', 'utf8');
const EXAMPLE = 'config/gantry.example.yaml';
const ID = '3f2c1b4a-0d9e-4c6b-8a7f-112233445566';

const blocks = (lang: string): string[] =>
  [...DOC.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1] ?? '');

type Entry = Record<string, unknown>;

describe('docs/onboarding.md with config/gantry.example.yaml', () => {
  it("shows the example file's ApiGateway entry, bound by Kustomize image in both stages", () => {
    const shown = (parse(blocks('yaml')[0] ?? '') as { services: Record<string, Entry> }).services;
    const example = (parse(readFileSync(EXAMPLE, 'utf8')) as { services: Record<string, Entry> }).services;
    expect(Object.keys(shown)).toEqual(['ApiGateway']);
    expect(shown.ApiGateway).toMatchObject({
      staging: { image: { kustomizeImage: 'hearloveen.azurecr.io/api-gateway' } },
      production: { image: { kustomizeImage: 'hearloveen.azurecr.io/api-gateway' } },
    });
    expect(example.ApiGateway).toMatchObject(shown.ApiGateway as Entry);
  });

  it('runs its init command as written and writes every file the later steps name', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'gantry-onboarding-doc-'));
    mkdirSync(join(cwd, 'config'));
    copyFileSync(EXAMPLE, join(cwd, 'config/gantry.yaml'));
    const shell = blocks('sh').join('\n');
    const line = shell.split('\n').find((l) => l.startsWith('npx gantry init '));
    expect(line).toBe(
      'npx gantry init ApiGateway --config config/gantry.yaml --out deploy/api-gateway --principal-id "$OBJECT_ID"',
    );
    const argv = (line as string).replace('"$OBJECT_ID"', ID).split(' ').slice(2);
    const { stdout, stderr } = captured();
    const code = await run({
      argv,
      env: {},
      stdout,
      stderr,
      readFile: (p) => {
        try {
          return readFileSync(resolve(cwd, p), 'utf8');
        } catch {
          return undefined;
        }
      },
      writeOutputFile: (p, text) => writePublicFile(resolve(cwd, p), text),
      fetch: (() => {
        throw new Error('init sends no request');
      }) as typeof fetch,
    });
    expect({ code, stderr: stderr.text }).toEqual({ code: 0, stderr: '' });
    expect(readFileSync(join(cwd, 'deploy/api-gateway/cluster/gantry-rbac.yaml'), 'utf8')).toContain(ID);
    const named = [...new Set(shell.match(/deploy\/api-gateway\/[\w./-]+/g))];
    expect(named.length).toBeGreaterThan(3);
    for (const path of named) expect(existsSync(join(cwd, path.replace(/\/\*$/, ''))), path).toBe(true);
    const build = /--workflow (\S+)/.exec(shell)?.[1];
    expect(existsSync(join(cwd, 'deploy/api-gateway/.github/workflows', build ?? '?'))).toBe(true);
    const apps = /argocd app sync (\S+) (\S+)/.exec(shell)?.slice(1) ?? [];
    const names = ['staging', 'production'].map(
      (stage) =>
        (
          parse(readFileSync(join(cwd, `deploy/api-gateway/argocd/application-${stage}.yaml`), 'utf8')) as {
            metadata: { name: string };
          }
        ).metadata.name,
    );
    expect(apps).toEqual(names);
  });
});
