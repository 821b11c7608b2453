import path from 'node:path';
import { packageRoot } from './dashboard-files.js';

/**
 * A file shipped inside the app's package, such as the pipeline file (`GANTRY_CONFIG_PATH`): a relative
 * path is taken from the package root (the folder holding package.json), not from the working directory,
 * which in Azure is whatever the Functions host gave the worker. An absolute path is kept.
 */
export function appFile(file: string, root: string = packageRoot()): string {
  return path.resolve(root, file);
}
