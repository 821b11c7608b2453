#!/usr/bin/env node
// azd predeploy: the pipeline file (GANTRY_CONFIG_PATH, default config/gantry.yaml) travels inside the
// deployed package, so it must exist, lie inside the project, and not be left out by .funcignore. When a
// local build exists (dist/), the file is also loaded with the app's own loader, so a broken pipeline
// fails here instead of at the app's start in Azure.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Whether a .funcignore (gitignore-like: globs, `dir/` and `!negation`) leaves `file` out. */
export function ignoredBy(patterns, file) {
  const segments = file.split('/');
  let ignored = false;
  for (const raw of patterns) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    const pattern = (negate ? line.slice(1) : line).replace(/\/$/, '').replace(/^\//, '');
    const re = globToRegExp(pattern);
    const prefixes = segments.map((_, i) => segments.slice(0, i + 1).join('/'));
    const hit = pattern.includes('/') ? prefixes.some((p) => re.test(p)) : segments.some((s) => re.test(s));
    if (hit) ignored = !negate;
  }
  return ignored;
}

function globToRegExp(glob) {
  let out = '';
  for (let i = 0; i < glob.length; i += 1) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      out += '.*';
      i += 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

export async function check(root, env) {
  const relative = (env.GANTRY_CONFIG_PATH || 'config/gantry.yaml').replace(/\\/g, '/');
  if (path.isAbsolute(relative) || relative.split('/').includes('..'))
    return `GANTRY_CONFIG_PATH=${relative} must be a path inside the project (it is deployed with the package).`;
  const file = path.join(root, relative);
  if (!existsSync(file))
    return `${relative} does not exist: copy config/gantry.example.yaml to ${relative} and describe your services (docs/configuration.md).`;
  const funcignore = path.join(root, '.funcignore');
  const patterns = existsSync(funcignore) ? readFileSync(funcignore, 'utf8').split(/\r?\n/) : [];
  if (ignoredBy(patterns, relative))
    return `${relative} is excluded by .funcignore, so it would not be deployed.`;
  const loader = path.join(root, 'dist/shared/config/load.js');
  if (!existsSync(loader))
    return { note: `${relative} found (not validated: run npm run build to check it here).` };
  const { loadConfig } = await import(pathToFileURL(loader).href);
  try {
    loadConfig(readFileSync(file, 'utf8'), relative);
  } catch (error) {
    return `${relative} is not a valid Gantry pipeline:\n${error.message}`;
  }
  return { note: `${relative} is valid and will be deployed with the package.` };
}

if (process.argv[1]?.endsWith('predeploy.mjs')) {
  check(process.cwd(), process.env).then((result) => {
    if (typeof result === 'string') {
      process.stderr.write(`predeploy: ${result}\n`);
      process.exit(1);
    }
    process.stdout.write(`predeploy: ${result.note}\n`);
  });
}
