import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { DashboardFile } from '../app/dashboard-page.js';

/**
 * The dashboard's files as they are deployed: the browser modules `tsc -p dashboard/tsconfig.json`
 * compiles into `dist/dashboard/`, and the hand-written stylesheet and icon in `dashboard/`. Both folders
 * ship with the function app (the remote build compiles the former from the uploaded sources).
 */

/** The nearest folder above `from` holding package.json: the app root, whether running from dist/ or source. */
export function packageRoot(from: string = __dirname): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

async function filesIn(dir: string, extensions: readonly string[]): Promise<DashboardFile[]> {
  const names = (await readdir(dir)).filter((n) => extensions.includes(path.extname(n))).sort();
  return Promise.all(names.map(async (name) => ({ name, bytes: await readFile(path.join(dir, name)) })));
}

/** Reads the bundle; a missing folder is an error (a deployment without its dashboard must fail loudly). */
export async function readDashboardFiles(root: string = packageRoot()): Promise<DashboardFile[]> {
  const [modules, statics] = await Promise.all([
    filesIn(path.join(root, 'dist', 'dashboard'), ['.js']),
    filesIn(path.join(root, 'dashboard'), ['.css', '.svg']),
  ]);
  return [...modules, ...statics];
}

let cached: Promise<DashboardFile[]> | undefined;

/** The files, read once per process (they only change with a deployment); a failed read is retried. */
export function dashboardFiles(): Promise<DashboardFile[]> {
  cached ??= readDashboardFiles().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}
