#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writePrivateFile, writePublicFile } from './files.js';
import { run } from './main.js';

const readFile = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/** The package's version, from the package.json two levels above dist/cli/. */
function version(): string | undefined {
  const text = readFile(join(__dirname, '..', '..', 'package.json'));
  return text ? (JSON.parse(text) as { version?: string }).version : undefined;
}

// The CLI reads its environment once, here, and hands it down: nothing below touches process.env.
void run({
  argv: process.argv.slice(2),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  readFile,
  writeFile: writePrivateFile,
  writeOutputFile: writePublicFile,
  version: version(),
}).then((code) => {
  process.exitCode = code;
});
