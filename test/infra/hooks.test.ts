import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ROOT, objectLiterals, readInfra, varExpression } from './bicep.js';

/**
 * The azd postprovision hook (infra/hooks/postprovision.mjs) run as azd runs it, with a stand-in `az` first
 * on PATH that records every invocation's arguments and what it would store. Secrets must reach the vault
 * through files, never through arguments (which `ps` shows to every user of the machine).
 */

const SCRIPT = path.join(ROOT, 'infra/hooks/postprovision.mjs');

/** A POSIX `az` that logs its argv as JSON lines and keeps copies of the files given to `secret set`. */
const STUB = `#!/bin/sh
log="$STUB_DIR/calls.jsonl"
node -e 'process.stdout.write(JSON.stringify(process.argv.slice(1)) + "\\n")' -- "$@" >> "$log"
case "$1 $2 $3" in
  "keyvault secret list") cat "$STUB_DIR/existing" 2>/dev/null; exit 0 ;;
  "keyvault secret set")
    name=""; file=""
    while [ $# -gt 0 ]; do
      case "$1" in --name) name="$2"; shift ;; --file) file="$2"; shift ;; esac
      shift
    done
    [ -f "$file" ] || { echo "no such file $file" >&2; exit 1; }
    cp "$file" "$STUB_DIR/stored-$name"
    ls -l "$file" | cut -c1-10 > "$STUB_DIR/mode-$name"
    exit 0 ;;
esac
echo "unexpected az call" >&2
exit 3
`;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  calls: string[][];
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'gantry-hook-'));
  writeFileSync(path.join(dir, 'az'), STUB);
  chmodSync(path.join(dir, 'az'), 0o755);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], input: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SCRIPT, ...args], {
      env: {
        PATH: `${dir}:${process.env.PATH ?? ''}`,
        STUB_DIR: dir,
        AZURE_KEY_VAULT_NAME: 'kv-gantrytest',
        ...env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const log = path.join(dir, 'calls.jsonl');
      const calls = existsSync(log)
        ? readFileSync(log, 'utf8')
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l) as string[])
        : [];
      resolve({ code, stdout, stderr, calls });
    });
    child.stdin.end(input);
  });
}

const stored = (name: string): string | undefined => {
  const f = path.join(dir, `stored-${name}`);
  return existsSync(f) ? readFileSync(f, 'utf8') : undefined;
};

describe('postprovision hook: secrets into Key Vault', () => {
  const ARGO = 'argo-Secret-0123456789abcdef';
  const GITHUB = 'github_pat_ABCDEFGHIJKLMNOP0123';
  const HOOK = 'hook-secret-that-is-long-enough';

  it('stores each answer through a private file that is gone afterwards, never in argv or output', async () => {
    const pem = path.join(dir, 'app.pem');
    writeFileSync(pem, '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n');
    const r = await run([], `${ARGO}\n${GITHUB}\n${pem}\n${HOOK}\n\n`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(stored('argocd-token')).toBe(ARGO);
    expect(stored('github-token')).toBe(GITHUB);
    expect(stored('github-app-key')).toContain('BEGIN PRIVATE KEY');
    expect(stored('github-webhook-secret')).toBe(HOOK);
    const generated = stored('acr-webhook-secret') ?? '';
    expect(generated).toMatch(/^[0-9a-f]{64}$/);
    for (const name of ['argocd-token', 'github-token', 'github-webhook-secret', 'acr-webhook-secret'])
      expect(readFileSync(path.join(dir, `mode-${name}`), 'utf8').trim()).toBe('-rw-------');

    const argv = r.calls.flat().join(' ');
    for (const secret of [ARGO, GITHUB, HOOK, generated]) {
      expect(argv).not.toContain(secret);
      expect(r.stdout).not.toContain(secret);
    }
    const sets = r.calls.filter((c) => c[2] === 'set');
    expect(sets).toHaveLength(5);
    for (const c of sets) {
      expect(c).toEqual(expect.arrayContaining(['--vault-name', 'kv-gantrytest', '--file']));
      const file = c[c.indexOf('--file') + 1] ?? '';
      if (!file.endsWith('app.pem')) expect(existsSync(file), file).toBe(false);
    }
  });

  it('keeps secrets the vault already has, and asks again only for those named with --rotate', async () => {
    writeFileSync(
      path.join(dir, 'existing'),
      'argocd-token\ngithub-token\ngithub-app-key\nacr-webhook-secret\n',
    );
    const r = await run(['--rotate', 'github-token'], `${GITHUB}\n${HOOK}\n`);
    expect(r.code).toBe(0);
    expect(r.calls.filter((c) => c[2] === 'set').map((c) => c[c.indexOf('--name') + 1])).toEqual([
      'github-token',
      'github-webhook-secret',
    ]);
    expect(r.stdout).toContain('argocd-token: already set');
    expect(r.stdout).toContain('acr-webhook-secret: already set');
  });

  it('skips an empty answer for a required value (the app fails closed) and an empty key path', async () => {
    const r = await run(['--only', 'argocd-token,github-app-key'], '\n\n');
    expect(r.code).toBe(0);
    expect(r.calls.filter((c) => c[2] === 'set')).toEqual([]);
    expect(r.stdout).toContain('argocd-token: skipped');
    expect(r.stdout).toContain('github-app-key: skipped');
  });

  it('asks nothing when told not to, naming what is missing', async () => {
    const r = await run([], '', { GANTRY_SKIP_SECRETS: '1' });
    expect(r.code).toBe(0);
    expect(r.calls.map((c) => c.slice(0, 3).join(' '))).toEqual(['keyvault secret list']);
    expect(r.stdout).toContain('missing in kv-gantrytest: argocd-token, github-token');
  });

  it.each([
    [['--bogus'], {}, 'unknown argument --bogus'],
    [['--vault'], {}, '--vault needs a value'],
    [['--rotate', 'argocd'], {}, 'unknown secret name(s): argocd'],
    [[], { AZURE_KEY_VAULT_NAME: '' }, 'no Key Vault name'],
    [['--vault', 'bad name;rm'], {}, 'not a Key Vault name: bad name;rm'],
  ])('refuses %j before calling az', async (args, env, message) => {
    const r = await run(args, '', env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.calls).toEqual([]);
  });

  it('waits while the Secrets Officer role is still propagating (403), then asks', async () => {
    // Forbidden twice, as Key Vault answers until the new role assignment applies, then the normal stub.
    const normal = readFileSync(path.join(dir, 'az'), 'utf8');
    writeFileSync(path.join(dir, 'az.normal'), normal);
    chmodSync(path.join(dir, 'az.normal'), 0o755);
    writeFileSync(
      path.join(dir, 'az'),
      '#!/bin/sh\nn=$(cat "$STUB_DIR/count" 2>/dev/null || echo 0); echo $((n+1)) > "$STUB_DIR/count"\n' +
        'if [ "$n" -lt 2 ]; then echo "(Forbidden) Caller is not authorized (ForbiddenByRbac)" >&2; exit 1; fi\n' +
        'exec "$STUB_DIR/az.normal" "$@"\n',
    );
    const r = await run(['--only', 'argocd-token'], `${ARGO}\n`, { GANTRY_RBAC_RETRY: '3,0' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Waiting for the Key Vault role assignment on kv-gantrytest to apply');
    expect(stored('argocd-token')).toBe(ARGO);
  });

  it('gives up after the last attempt, naming the refusal', async () => {
    writeFileSync(path.join(dir, 'az'), '#!/bin/sh\necho "(Forbidden) ForbiddenByRbac" >&2\nexit 1\n');
    const r = await run([], '', { GANTRY_RBAC_RETRY: '2,0' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('az keyvault secret list failed: (Forbidden) ForbiddenByRbac');
  });

  it('reports a failing az without the value it was storing', async () => {
    writeFileSync(
      path.join(dir, 'az'),
      '#!/bin/sh\n[ "$3" = list ] && exit 0\necho "Forbidden" >&2\nexit 1\n',
    );
    const r = await run(['--only', 'argocd-token'], `${ARGO}\n`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('az keyvault secret set failed: Forbidden');
    expect(r.stderr + r.stdout).not.toContain(ARGO);
  });
});

/** util-linux `script` gives the hook a real terminal, as azd's interactive hooks do. */
const HAS_SCRIPT = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

describe('postprovision hook on a terminal', () => {
  it.runIf(HAS_SCRIPT)('does not echo what is typed', async () => {
    const SECRET = 'typed-Secret-0123456789';
    const child = spawn(
      'script',
      ['-qec', `"${process.execPath}" "${SCRIPT}" --only argocd-token`, '/dev/null'],
      {
        env: {
          PATH: `${dir}:${process.env.PATH ?? ''}`,
          STUB_DIR: dir,
          AZURE_KEY_VAULT_NAME: 'kv-gantrytest',
        },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let output = '';
    let typed = false;
    const done = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      // Type only once the prompt is shown, as a person would: the terminal is in raw mode by then.
      if (!typed && output.includes('Argo CD API token: ')) {
        typed = true;
        child.stdin.write(`${SECRET}\r`);
      }
    });
    expect(await done).toBe(0);
    expect(stored('argocd-token')).toBe(SECRET);
    expect(output).toContain('argocd-token: stored');
    expect(output).not.toContain(SECRET);
  });
});

describe('the hook is wired and agrees with the vault', () => {
  it('asks for exactly the secret names keyvault.bicep declares', () => {
    const declared = [
      ...(objectLiterals(varExpression(readInfra('app/keyvault.bicep'), 'secretNames'))[0] ?? '').matchAll(
        /: '([a-z-]+)'/g,
      ),
    ].map((m) => m[1]);
    const script = readFileSync(SCRIPT, 'utf8');
    const asked = [...script.matchAll(/name: '([a-z-]+)',\s*prompt:/g)].map((m) => m[1]);
    expect([...asked].sort()).toEqual([...declared].sort());
  });

  it('runs after provisioning, interactively, on both shells', () => {
    const azure = parseYaml(readFileSync(path.join(ROOT, 'azure.yaml'), 'utf8')) as {
      hooks: Record<string, Record<string, { run: string; interactive: boolean }>>;
    };
    for (const os of ['posix', 'windows']) {
      expect(azure.hooks.postprovision?.[os]).toMatchObject({
        run: 'node ./infra/hooks/postprovision.mjs',
        interactive: true,
      });
    }
  });
});
