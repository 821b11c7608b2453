import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { startAzurite, type AzuriteHandle } from '../../devhost/durable/azurite.js';
import type { TestHost } from '../../devhost/testing.js';
import type { Sandbox } from '../../sandbox/index.js';
import { appServicePrincipalHeaders } from '../../shared/app/principal.js';
import type { Role } from '../../shared/domain/roles.js';
import { phaseInstanceId, type Phase } from '../../shared/contracts/events.js';
import { EXAMPLE_CONFIG, startSandboxRig, type SandboxRig } from '../e2e/sandbox-rig.js';

export interface User {
  name: string;
  groups: string[];
  roles: Role[];
}

export const ci: User = { name: 'ci-bot', groups: [], roles: ['Gantry.Operator'] };
export const ada: User = {
  name: 'ada',
  groups: ['devops-team'],
  roles: ['Gantry.Operator', 'Gantry.Approver'],
};
/** Holds both roles but is in no reviewer group: the approval policy, not a role, refuses her approval. */
export const mallory: User = {
  name: 'mallory',
  groups: ['marketing'],
  roles: ['Gantry.Operator', 'Gantry.Approver'],
};
/** Reads only. */
export const rita: User = { name: 'rita', groups: [], roles: ['Gantry.Reader'] };

export const ARTEFACTS = path.resolve('test-results/dashboard');
export const CHROMIUM = '/usr/bin/chromium';
/** Outside CI a machine without Debian's chromium skips the browser tests; in CI they fail instead. */
export const BROWSER_MISSING = !existsSync(CHROMIUM) && process.env.CI !== 'true';
if (BROWSER_MISSING)
  console.warn(`dashboard: browser tests SKIPPED, ${CHROMIUM} not installed (apt-get install chromium)`);

const customStatus = (s: { customStatus?: string | null } | undefined): Record<string, unknown> =>
  s?.customStatus ? (JSON.parse(s.customStatus) as Record<string, unknown>) : {};

/** Canary status `<step>/<steps> check <n>/<need>`: true once the canary's first check is on record. */
export const canaryChecked = (s: Record<string, unknown>): boolean => {
  const m = /^(\d+)\/\d+ check (\d+)\//.exec(String(s.step ?? ''));
  return m !== null && (Number(m[1]) > 1 || Number(m[2]) > 1);
};

/** A console error, an uncaught exception or a failed request, with the page URL it happened on. */
export interface Problem {
  kind: 'console' | 'pageerror';
  text: string;
  url: string;
}

/**
 * The compiled app in the dev host with its production adapters against the sandbox (Kubernetes, Argo
 * CD, Prometheus, GitHub), records in Azurite, one virtual clock, and headless Debian Chromium.
 */
export class DashboardWorld {
  readonly problems: Problem[] = [];

  readonly sandbox: Sandbox;
  readonly host: TestHost;

  private constructor(
    readonly azurite: AzuriteHandle,
    private readonly rig: SandboxRig,
    private readonly browser: Browser | undefined,
  ) {
    this.sandbox = rig.sandbox;
    this.host = rig.host;
  }

  static async start(startTime: number): Promise<DashboardWorld> {
    const azurite = await startAzurite({ location: undefined });
    // Callers identify with App Service headers, as in Azure; a request without them is anonymous.
    const rig = await startSandboxRig({
      configPath: EXAMPLE_CONFIG,
      storage: azurite.connectionString,
      startTime,
    });
    // Never a downloaded browser: Debian's chromium; launch() gives every run a fresh user-data-dir.
    const browser = BROWSER_MISSING
      ? undefined
      : await chromium.launch({
          executablePath: CHROMIUM,
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        });
    mkdirSync(ARTEFACTS, { recursive: true });
    return new DashboardWorld(azurite, rig, browser);
  }

  async close(): Promise<void> {
    await this.browser?.close();
    await this.rig?.close();
    await this.azurite?.stop();
  }

  /** Submits an image as the CI bot and returns the deployment id; without a commit the CI gate fails. */
  async push(
    service: string,
    repository: string,
    tag: string,
    withCommit = true,
    digest = `sha256:${randomBytes(32).toString('hex')}`,
  ): Promise<string> {
    const image = `hearloveen.azurecr.io/${repository}:${tag}@${digest}`;
    const commitSha = withCommit ? randomBytes(20).toString('hex') : undefined;
    const res = await this.host.request('/api/deployments', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...appServicePrincipalHeaders(ci) },
      body: JSON.stringify({ service, image, commitSha }),
    });
    if (res.status !== 201) throw new Error(`push: HTTP ${res.status} ${await res.text()}`);
    return ((await res.json()) as { deployment: { id: string } }).deployment.id;
  }

  /** Makes the sandbox's traffic for an image misbehave (e.g. `{ errorRate: 1 }`); the HTTP status. */
  fault(digest: string, profile: Parameters<SandboxRig['fault']>[1]): Promise<number> {
    return this.rig.fault(digest, profile);
  }

  /** Runs virtual time until the phase's custom status matches. */
  async until(id: string, phase: Phase, match: (status: Record<string, unknown>) => boolean): Promise<void> {
    await this.host.waitFor(
      phaseInstanceId(id, phase),
      (s) => s.runtimeStatus === 'Running' && match(customStatus(s)),
    );
    await this.host.idle();
  }

  /** A phase's runtime status (undefined before it starts) and custom status, as it is now. */
  async phase(
    id: string,
    phase: Phase,
  ): Promise<{ runtimeStatus?: string; status: Record<string, unknown> }> {
    const s = await this.host.engine.getInstance(phaseInstanceId(id, phase));
    return { runtimeStatus: s?.runtimeStatus, status: customStatus(s) };
  }

  /** Approves a waiting run through the API, as `user`; the HTTP status. */
  async approve(id: string, user: User, comment = 'ok'): Promise<number> {
    const res = await this.host.request(`/api/deployments/${id}/approve`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...appServicePrincipalHeaders(user) },
      body: JSON.stringify({ comment }),
    });
    return res.status;
  }

  /** A page in a fresh context, as `user` (App Service headers) or anonymous; problems are collected. */
  async page(user?: User, options: BrowserContextOptions = {}): Promise<Page> {
    if (!this.browser) throw new Error(`no browser: install Debian chromium (${CHROMIUM})`);
    const context = await this.browser.newContext({
      viewport: { width: 1280, height: 860 },
      extraHTTPHeaders: user ? appServicePrincipalHeaders(user) : {},
      ...options,
    });
    // Fail a missing DOM condition well inside the test's own timeout.
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error')
        this.problems.push({ kind: 'console', text: m.text(), url: m.location().url });
    });
    page.on('pageerror', (e) => this.problems.push({ kind: 'pageerror', text: e.message, url: page.url() }));
    return page;
  }

  url(hash = ''): string {
    return `${this.host.url}/api/dashboard${hash}`;
  }
}
