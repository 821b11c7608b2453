import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/** The determinism override in eslint.config.mjs must reject what breaks replay in orchestrations/. */
describe('orchestrator lint rules', () => {
  const eslint = new ESLint({ cwd: process.cwd() });
  const lint = async (code: string, file = 'orchestrations/example.ts') => {
    const [result] = await eslint.lintText(code, { filePath: file });
    return (result?.messages ?? []).map((m) => m.ruleId);
  };

  it.each([
    ['Date.now()', 'export const t = Date.now();\n', 'no-restricted-properties'],
    ['new Date()', 'export const t = new Date();\n', 'no-restricted-syntax'],
    ['Math.random()', 'export const r = Math.random();\n', 'no-restricted-properties'],
    ['process.env', 'export const e = process.env.X;\n', 'no-restricted-globals'],
    ['setTimeout', 'setTimeout(() => undefined, 1);\n', 'no-restricted-globals'],
    ['fetch', "export const f = fetch('http://x');\n", 'no-restricted-globals'],
    ['an adapter import', "export { x } from '../shared/adapters/argocd.js';\n", 'no-restricted-imports'],
    ['node I/O', "export { readFileSync } from 'node:fs';\n", 'no-restricted-imports'],
  ])('rejects %s', async (_what, code, rule) => {
    expect(await lint(code)).toContain(rule);
  });

  it('allows deterministic dates and the same code outside orchestrations', async () => {
    expect(await lint('export const d = (ms: number) => new Date(ms);\n')).toEqual([]);
    expect(await lint('export const t = Date.now();\n', 'shared/example.ts')).toEqual([]);
  });
});
