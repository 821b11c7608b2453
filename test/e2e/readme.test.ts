import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePorts } from '../sandbox/launcher.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The README's quick start, run literally: the commands of the two `sh` blocks after the `quickstart`
 * marker, extracted from README.md, each through bash, against `npm start`'s own launcher
 * (`dist/sandbox/start.js`: embedded Azurite, the sandbox and the dev host with the example settings).
 * The only differences from a user's terminal are the ones a test needs: free ports instead of the
 * defaults (the settings and the CLI's GANTRY_URL point there; `localhost:7071`/`7085` in curl commands are
 * rewritten to them), and a clock 300 times faster starting on a Monday morning (outside the auto-approve
 * window, so the approval step is real). A `# exits N` comment states a command's expected exit code.
 */

const MARKER = '<!-- quickstart: test/e2e/readme.test.ts';
const SCALE = '300';
const START = '2026-01-05T10:00:00Z';

interface Step {
  command: string;
  exit: number;
}

/** The commands of the two sh blocks after the marker: `\` continuations joined, comments read. */
export function quickstartSteps(readme: string): Step[] {
  const at = readme.indexOf(MARKER);
  if (at < 0) throw new Error('README.md has no quickstart marker');
  const blocks = [...readme.slice(at).matchAll(/```sh\n([\s\S]*?)```/g)].slice(0, 2).map((m) => m[1] ?? '');
  const lines = blocks
    .join('\n')
    .replace(/\\\n\s*/g, ' ')
    .split('\n');
  return lines
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const comment = / {2,}# (.*)$/.exec(line);
      const exit = /exits (\d+)/.exec(comment?.[1] ?? '')?.[1];
      return { command: comment ? line.slice(0, comment.index).trim() : line, exit: Number(exit ?? 0) };
    });
}

let app: ChildProcess | undefined;
let home: string;
let urls: { host: string; control: string };
let output = '';

beforeAll(async () => {
  const [host, kube, argo, prom, github, web, control, registry, slack, teams] = (await freePorts(
    10,
  )) as number[] & [number, number, number, number, number, number, number, number, number, number];
  const loop = (port: number) => `http://127.0.0.1:${port}`;
  urls = { host: loop(host), control: loop(control) };
  home = mkdtempSync(path.join(tmpdir(), 'gantry-readme-'));
  app = spawn(
    process.execPath,
    [
      'dist/sandbox/start.js',
      '--port',
      String(host),
      '--time-scale',
      SCALE,
      '--start-time',
      START,
      '--azurite-in-memory',
    ],
    {
      cwd: process.cwd(),
      env: {
        PATH: process.env.PATH,
        HOME: home,
        GANTRY_TABLE_PREFIX: 'Readme',
        GANTRY_KUBE_SERVER: loop(kube),
        GANTRY_ARGOCD_URL: loop(argo),
        GANTRY_PROMETHEUS_URL: loop(prom),
        GANTRY_GITHUB_API_URL: loop(github),
        GANTRY_SMOKE_HOST_MAP: JSON.stringify({ 'staging.hearloveen.example': loop(web) }),
        GANTRY_SANDBOX_CONTROL_URL: loop(control),
        GANTRY_REGISTRY_HOST_MAP: JSON.stringify({ 'hearloveen.azurecr.io': loop(registry) }),
        GANTRY_SLACK_API_URL: `${loop(slack)}/api/`,
        GANTRY_TEAMS_WEBHOOK_SANDBOX: `${loop(teams)}/workflows/sandbox`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    const seen = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('Sandbox cluster')) resolve();
    };
    app?.stdout?.on('data', seen);
    app?.stderr?.on('data', (c: Buffer) => (output += c.toString('utf8')));
    app?.once('exit', (code) => reject(new Error(`npm start's launcher exited ${code}:\n${output}`)));
  });
}, 60_000);

afterAll(async () => {
  if (app && app.exitCode === null) {
    const exited = new Promise((r) => app?.once('exit', r));
    app.kill('SIGINT');
    await exited;
  }
  rmSync(home, { recursive: true, force: true });
});

describe('the README quick start', () => {
  const steps = quickstartSteps(readFileSync('README.md', 'utf8'));

  it('has the push, approve and watch steps it promises', () => {
    expect(steps.map((s) => s.command.split(' ').slice(0, 3).join(' '))).toEqual([
      'npx gantry sandbox',
      'npx gantry watch',
      'curl -s localhost:7071/api/deployments/apigateway-22fb0e92c0b2',
      'npx gantry approve',
      'npx gantry watch',
      'curl -s -X',
      'npx gantry sandbox',
      'npx gantry watch',
      'npx gantry approve',
      'npx gantry watch',
    ]);
    expect(steps.map((s) => s.exit)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 11]);
  });

  it('runs literally: a release reaches Succeeded, the faulty image is rolled back', () => {
    for (const step of steps) {
      const command = step.command
        .replaceAll('localhost:7071', urls.host.slice('http://'.length))
        .replaceAll('localhost:7085', urls.control.slice('http://'.length));
      const run = spawnSync('bash', ['-c', command], {
        cwd: process.cwd(),
        env: {
          PATH: process.env.PATH,
          HOME: home,
          NO_COLOR: '1',
          GANTRY_URL: urls.host,
          GANTRY_SANDBOX_URL: urls.control,
        },
        encoding: 'utf8',
        timeout: 120_000,
      });
      const said = `$ ${step.command}\n${run.stdout}${run.stderr}`;
      expect(run.status, said).toBe(step.exit);
      if (step.command.includes('sandbox push api-gateway:1.4.0'))
        expect(run.stdout).toContain('deployment apigateway-22fb0e92c0b2');
      if (step.exit === 0 && step.command.endsWith('watch apigateway-22fb0e92c0b2'))
        expect(run.stdout).toMatch(/apigateway-22fb0e92c0b2 finished Succeeded: released \(exit 0\)/);
      if (step.exit === 11) expect(run.stdout).toMatch(/apigateway-644b99db525d finished RolledBack: /);
    }
  }, 300_000);
});
