#!/usr/bin/env node
// azd postprovision: asks for Gantry's secrets and stores them in the Key Vault, without echoing them and
// without putting them on a command line (`ps` shows arguments): each value goes to `az keyvault secret
// set --file` through a private temporary file that is removed at once. Secrets already in the vault are
// kept unless named with --rotate. Runs on any OS with Node (posix and windows hooks in azure.yaml).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Names agree with `secretNames` in infra/app/keyvault.bicep (test/infra/hooks.test.ts checks). */
export const SECRETS = [
  { name: 'argocd-token', prompt: 'Argo CD API token', kind: 'value' },
  {
    name: 'github-token',
    prompt: 'GitHub fine-grained token (GANTRY_GITHUB_TOKEN)',
    kind: 'value',
  },
  { name: 'github-app-key', prompt: 'Path of the GitHub App private key (.pem); empty: skip', kind: 'file' },
  { name: 'github-webhook-secret', prompt: 'GitHub webhook secret; empty: generate one', kind: 'generated' },
  {
    name: 'acr-webhook-secret',
    prompt: 'ACR webhook secret (x-acr-key); empty: generate one',
    kind: 'generated',
  },
];

const USAGE = `usage: node infra/hooks/postprovision.mjs [--vault <name>] [--rotate <name,...>] [--only <name,...>]
  Stores Gantry's secrets in Key Vault (default vault: $AZURE_KEY_VAULT_NAME, an azd output).
  --rotate  ask again for these secrets even if the vault has them
  --only    ask only for these secrets
  Set GANTRY_SKIP_SECRETS=1 to skip (non-interactive runs, e.g. CI); missing secrets are listed.
  Secret names: ${SECRETS.map((s) => s.name).join(', ')}`;

class UsageError extends Error {}

export function parseArgs(argv, env) {
  const options = { vault: env.AZURE_KEY_VAULT_NAME ?? '', rotate: [], only: [] };
  const names = (value, flag) => {
    if (!value || value.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    const list = value.split(',').map((x) => x.trim());
    const unknown = list.filter((n) => !SECRETS.some((s) => s.name === n));
    if (unknown.length) throw new UsageError(`unknown secret name(s): ${unknown.join(', ')}`);
    return list;
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--vault') {
      options.vault = argv[i + 1] ?? '';
      if (!options.vault || options.vault.startsWith('--')) throw new UsageError('--vault needs a value');
      i += 1;
    } else if (arg === '--rotate' || arg === '--only') {
      options[arg.slice(2)] = names(argv[i + 1], arg);
      i += 1;
    } else if (arg === '--help' || arg === '-h') options.help = true;
    else throw new UsageError(`unknown argument ${arg}`);
  }
  if (!options.help && !options.vault)
    throw new UsageError('no Key Vault name: run from azd (AZURE_KEY_VAULT_NAME) or pass --vault <name>');
  if (!options.help && !/^[A-Za-z][A-Za-z0-9-]{1,22}[A-Za-z0-9]$/.test(options.vault))
    throw new UsageError(`not a Key Vault name: ${options.vault}`);
  return options;
}

function az(args) {
  const windows = process.platform === 'win32';
  const argv = windows ? args.map((a) => (/[\s"&|<>^]/.test(a) ? `"${a.replace(/"/g, '""')}"` : a)) : args;
  const result = spawnSync('az', argv, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    // az is a .cmd on Windows, which needs a shell; the arguments hold names and paths, never secrets.
    shell: windows,
  });
  if (result.error) throw new Error(`cannot run az: ${result.error.message}`);
  if (result.status !== 0)
    throw new Error(`az ${args.slice(0, 3).join(' ')} failed: ${result.stderr.trim()}`);
  return result.stdout;
}

function existingSecrets(vault) {
  const out = az([
    'keyvault',
    'secret',
    'list',
    '--vault-name',
    vault,
    '--query',
    '[].name',
    '--output',
    'tsv',
  ]);
  return new Set(
    out
      .split(/\r?\n/)
      .map((x) => x.trim())
      .filter(Boolean),
  );
}

/**
 * The vault's secret names, waiting while the Secrets Officer role granted by the same `azd provision` is
 * still propagating (Azure RBAC takes minutes; until then Key Vault answers 403 Forbidden).
 * GANTRY_RBAC_RETRY = "<attempts>,<seconds between>", default 21 attempts 15 s apart (5 minutes).
 */
async function existingSecretsOnceAllowed(vault, env, log) {
  const [attempts, seconds] = (env.GANTRY_RBAC_RETRY || '21,15').split(',').map(Number);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return existingSecrets(vault);
    } catch (error) {
      if (!/Forbidden/i.test(error.message) || attempt >= attempts) throw error;
      if (attempt === 1)
        log(`Waiting for the Key Vault role assignment on ${vault} to apply (403 so far)...`);
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    }
  }
}

/** Stores a value through a file only this user can read, removed whatever happens. */
function storeValue(vault, name, value) {
  const dir = mkdtempSync(path.join(tmpdir(), 'gantry-secret-'));
  const file = path.join(dir, 'value');
  try {
    writeFileSync(file, value, { mode: 0o600 });
    storeFile(vault, name, file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function storeFile(vault, name, file) {
  az([
    'keyvault',
    'secret',
    'set',
    '--vault-name',
    vault,
    '--name',
    name,
    '--file',
    file,
    '--encoding',
    'utf-8',
    '--output',
    'none',
  ]);
}

/** Reads one line; on a terminal nothing typed is echoed. */
export function createReader(input, output) {
  const pending = [];
  const waiting = [];
  let buffer = '';
  let ended = false;
  const deliver = (line) => (waiting.length ? waiting.shift()(line) : pending.push(line));
  if (input.isTTY) input.setRawMode(true);
  input.setEncoding('utf8');
  input.on('data', (chunk) => {
    for (const c of chunk) {
      if (c === '\u0003') {
        output.write('\n');
        process.exit(130);
      } else if (c === '\r' || c === '\n') {
        if (input.isTTY) output.write('\n');
        deliver(buffer);
        buffer = '';
      } else if (c === '\u007f' || c === '\b') buffer = buffer.slice(0, -1);
      else buffer += c;
    }
  });
  input.on('end', () => {
    ended = true;
    if (buffer) deliver(buffer);
    while (waiting.length) waiting.shift()(undefined);
  });
  return {
    line(prompt) {
      output.write(`${prompt}: `);
      if (pending.length) return Promise.resolve(pending.shift());
      if (ended) return Promise.resolve(undefined);
      return new Promise((resolve) => waiting.push(resolve));
    },
    close() {
      if (input.isTTY) input.setRawMode(false);
      input.pause();
    },
  };
}

async function ask(reader, secret, vault, log) {
  const answer = ((await reader.line(`  ${secret.prompt}`)) ?? '').trim();
  if (secret.kind === 'file') {
    if (!answer) return log(`  ${secret.name}: skipped`);
    if (!existsSync(answer)) throw new Error(`${secret.name}: no such file ${answer}`);
    storeFile(vault, secret.name, answer);
  } else if (!answer && secret.kind === 'generated') {
    storeValue(vault, secret.name, randomBytes(32).toString('hex'));
    return log(
      `  ${secret.name}: generated and stored (read it with: az keyvault secret show --vault-name ${vault} --name ${secret.name} --query value -o tsv)`,
    );
  } else if (!answer) return log(`  ${secret.name}: skipped (the app fails closed until it is set)`);
  else storeValue(vault, secret.name, answer);
  log(`  ${secret.name}: stored`);
}

export async function main(argv, env, io) {
  const log = (line) => io.output.write(`${line}\n`);
  let options;
  try {
    options = parseArgs(argv, env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.error.write(`${error.message}\n${USAGE}\n`);
    return 2;
  }
  if (options.help) return (log(USAGE), 0);
  try {
    const have = await existingSecretsOnceAllowed(options.vault, env, log);
    const wanted = SECRETS.filter((s) => options.only.length === 0 || options.only.includes(s.name));
    const todo = wanted.filter((s) => !have.has(s.name) || options.rotate.includes(s.name));
    for (const s of wanted.filter((x) => !todo.includes(x)))
      log(`  ${s.name}: already set (rotate with --rotate ${s.name})`);
    if (todo.length === 0) return 0;
    if (env.GANTRY_SKIP_SECRETS === '1') {
      log(
        `Not asking (GANTRY_SKIP_SECRETS=1); missing in ${options.vault}: ${todo.map((s) => s.name).join(', ')}`,
      );
      return 0;
    }
    log(`Gantry secrets for Key Vault ${options.vault} (input is not shown):`);
    const reader = createReader(io.input, io.output);
    try {
      for (const secret of todo) await ask(reader, secret, options.vault, log);
    } finally {
      reader.close();
    }
    return 0;
  } catch (error) {
    io.error.write(`postprovision: ${error.message}\n`);
    return 1;
  }
}

if (process.argv[1]?.endsWith('postprovision.mjs')) {
  main(process.argv.slice(2), process.env, {
    input: process.stdin,
    output: process.stdout,
    error: process.stderr,
  }).then((code) => process.exit(code));
}
