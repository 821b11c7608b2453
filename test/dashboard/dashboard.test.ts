import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TableRunStore } from '../../shared/adapters/table-store.js';
import { appServicePrincipalHeaders } from '../../shared/app/principal.js';
import { pipelineInstanceId } from '../../shared/contracts/events.js';
import { checkedAgainstOpenApi } from '../e2e/openapi-check.js';
import { contrastFailures, focused, tabSequence } from './a11y.js';
import { ada, ARTEFACTS, BROWSER_MISSING, canaryChecked, DashboardWorld, mallory, rita } from './harness.js';

/** Monday 10:00 UTC: outside the 02:00-06:00 auto-approve window, so production waits for a reviewer. */
const MONDAY_10 = Date.UTC(2026, 0, 5, 10, 0, 0);

let world: DashboardWorld;
let gateway: string;
let audio: string;
/** UserService pushed without a commit: Failed at the ci-status gate. */
let failed: string;
let doraAnswers = false;

const shot = async (page: Page, name: string): Promise<void> => {
  await page.screenshot({ path: path.join(ARTEFACTS, `${name}.png`), fullPage: true });
};
const points = (page: Page, metric: string) => page.locator(`figure[data-metric="${metric}"] .point`);
/** The page polls every 2 s (with backoff on errors): wait on the DOM condition, never on a timer. */
const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 10_000, interval: 50 });
const step = (s: Record<string, unknown>) => String(s.step ?? '');
const ANIMATION = "getComputedStyle(document.querySelector('.live-dot')).animationName";

/**
 * The gateway run in its canary with a check on record. In file order the approve and canary tests
 * have taken it there (then nothing moves); a test run on its own approves it and runs time itself.
 */
async function gatewayInCanary(): Promise<void> {
  const canary = await world.phase(gateway, 'canary');
  if (canary.runtimeStatus === 'Running' && canaryChecked(canary.status)) return;
  const approval = await world.phase(gateway, 'approval');
  if (String(approval.status.waitingFor ?? '').startsWith('approval by'))
    expect(await world.approve(gateway, ada)).toBe(202);
  await world.until(gateway, 'canary', canaryChecked);
}

beforeAll(async () => {
  world = await DashboardWorld.start(MONDAY_10);
  gateway = await world.push('ApiGateway', 'api-gateway', '2.1.0');
  audio = await world.push('AudioService', 'audio-service', '1.4.0');
  failed = await world.push('UserService', 'user-service', '0.9.1', false);
  for (const id of [gateway, audio])
    await world.until(id, 'approval', (s) => String(s.waitingFor ?? '').startsWith('approval by'));
  await world.host.waitForCompletion(pipelineInstanceId(failed));
  const dora = await world.host.request('/api/metrics/dora?service=ApiGateway', {
    headers: appServicePrincipalHeaders(rita),
  });
  doraAnswers = dora.status === 200;
});

afterAll(async () => {
  await world?.close();
});

describe('the dashboard routes', () => {
  const request = () => checkedAgainstOpenApi(world.host.request);

  it('serves the page under a strict CSP and its assets as immutable, content-versioned files', async () => {
    const page = await request()('/api/dashboard');
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
    const again = await request()('/api/dashboard', {
      headers: { 'if-none-match': page.headers.get('etag') ?? '' },
    });
    expect(again.status).toBe(304);

    const entry = /src="(\/api\/dashboard\/assets\/([0-9a-f]{16})\/app\.js)"/.exec(html);
    expect(entry).not.toBeNull();
    const [, url = '', version = ''] = entry ?? [];
    const js = await request()(url);
    expect([js.status, js.headers.get('content-type')]).toEqual([200, 'text/javascript; charset=utf-8']);
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect(await js.text()).toContain("from './deployment-page.js'");
    const cached = await request()(url, { headers: { 'if-none-match': js.headers.get('etag') ?? '' } });
    expect(cached.status).toBe(304);

    const error = async (p: string) => {
      const res = await request()(p);
      return [res.status, ((await res.json()) as { error: { code: string } }).error.code];
    };
    expect(await error(`/api/dashboard/assets/${'0'.repeat(16)}/app.js`)).toEqual([404, 'asset-not-found']);
    expect(await error(`/api/dashboard/assets/${version}/nope.js`)).toEqual([404, 'asset-not-found']);
    expect(await error(`/api/dashboard/assets/${version}/..%2Fpackage.json`)).toEqual([
      400,
      'invalid-parameter',
    ]);
    expect(await error(`/api/dashboard/assets/${version}/app.exe`)).toEqual([400, 'invalid-parameter']);
  });

  it('answers who the caller is and which decisions the policy would accept', async () => {
    interface Caller {
      authenticated: boolean;
      principal: unknown;
      serverTime: string;
      deployment: { state: string; actions: Record<string, { allowed: boolean; reason?: string }> };
    }
    const me = async (user?: typeof ada, query = '') => {
      const res = await request()(`/api/me${query}`, {
        headers: user ? appServicePrincipalHeaders(user) : {},
      });
      return { status: res.status, body: (await res.json()) as Caller };
    };
    const anonymous = await me();
    expect(anonymous.body).toMatchObject({ authenticated: false, principal: null });
    expect(new Date(anonymous.body.serverTime).getTime()).toBeGreaterThanOrEqual(MONDAY_10);
    // A deployment is a read: nobody gets its state without signing in as a reader.
    expect((await me(undefined, `?deployment=${gateway}`)).status).toBe(401);

    const reader = await me(rita, `?deployment=${gateway}`);
    expect(reader.body.principal).toMatchObject({ name: 'rita', roles: ['Gantry.Reader'] });
    expect(reader.body.deployment.actions.abort).toEqual({
      allowed: false,
      reason: 'abort needs the Gantry.Operator role',
    });
    const reviewer = await me(ada, `?deployment=${gateway}`);
    expect(reviewer.body.principal).toEqual({
      name: 'ada',
      groups: ['devops-team'],
      roles: ['Gantry.Reader', 'Gantry.Operator', 'Gantry.Approver'],
      source: 'app-service',
    });
    expect(reviewer.body.deployment).toMatchObject({
      state: 'AwaitingApproval',
      actions: { approve: { allowed: true }, reject: { allowed: true }, abort: { allowed: true } },
    });
    const outsider = await me(mallory, `?deployment=${gateway}`);
    expect(outsider.body.deployment.actions.approve?.allowed).toBe(false);
    expect(outsider.body.deployment.actions.approve?.reason).toContain('not-a-reviewer');

    expect((await me(ada, '?deployment=nope')).status).toBe(400);
    expect((await me(ada, '?deployment=apigateway-000000000000')).status).toBe(404);
  });
});

describe.skipIf(BROWSER_MISSING)('the dashboard in Chromium', () => {
  it('lists deployments and filters them by service and status', async () => {
    const page = await world.page(ada);
    await page.goto(world.url());
    const rows = page.locator('table.deployments tbody tr');
    await eventually(() => rows.count()).toBe(3);
    const row = rows.filter({ hasText: 'ApiGateway' });
    expect((await row.locator('td').allTextContents()).map((t) => t.trim())).toEqual([
      'ApiGateway',
      `2.1.0 ${gateway.slice(-12)}`,
      'Awaiting approval',
      'in progress',
      expect.stringMatching(/ ago$|^just now$/),
    ]);
    await eventually(() => page.locator('#who').textContent()).toBe(
      'Signed in as ada · Reader, Operator, Approver',
    );
    const outcome = rows.filter({ hasText: 'UserService' }).locator('.badge');
    expect(await outcome.textContent()).toBe('Failed');
    expect(await outcome.getAttribute('title')).toContain('gate ci-status failed');

    await page.selectOption('#f-service', 'AudioService');
    await eventually(() => rows.allTextContents()).toEqual([expect.stringContaining('AudioService')]);
    expect(page.url()).toContain('#/?service=AudioService');
    // DORA numbers appear when the endpoint answers, and the panel stays out of the way when it does not.
    if (doraAnswers) await page.locator('section.dora dl').waitFor();
    else expect(await page.locator('section.dora').isHidden()).toBe(true);
    await shot(page, 'list-filtered');

    await page.selectOption('#f-status', 'Succeeded');
    await page.locator('p.empty').waitFor();
    await page.selectOption('#f-service', '');
    await page.selectOption('#f-status', '');
    await eventually(() => rows.count()).toBe(3);
    await shot(page, 'list');
    await page.context().close();
  });

  it('shows the service board: live versions read back, the run in flight, its hold, linked to it', async () => {
    const page = await world.page(rita);
    await page.goto(world.url());
    await page.locator('table.deployments a[href="#/services/ApiGateway"]').click();
    await eventually(() => page.evaluate('location.hash')).toBe('#/services/ApiGateway');
    const staging = page.locator('section[data-environment="staging"]');
    // Staging runs the pushed image, as Argo CD reports it; Gantry records production releases only.
    await eventually(() => staging.locator('.board-live').textContent()).toBe(
      `Live now: 2.1.0 ${gateway.slice(-12)} not released by Gantry`,
    );
    const production = page.locator('section[data-environment="production"]');
    await eventually(() => production.locator('[data-probe]').allTextContents()).toEqual([
      expect.stringMatching(/^Argo CD: api-gateway-prod · /),
      expect.stringMatching(/^Cluster: api-gateway · \d+\/\d+ ready$/),
      'Canary weight: 0%',
    ]);
    expect(await production.locator('.board-live').textContent()).not.toContain(gateway.slice(-12));
    const flight = page.locator('.board-row', { hasText: 'In flight' });
    expect(await flight.textContent()).toBe(`In flight2.1.0 ${gateway.slice(-12)} · Awaiting approval · 0%`);
    expect(await page.locator('[data-hold]').allTextContents()).toEqual([`${gateway} waits for approval.`]);
    expect(await page.locator('[data-hold]').getAttribute('data-hold')).toBe('approval');
    await shot(page, 'service-board');
    await flight.locator('a').click();
    await eventually(() => page.evaluate('location.hash')).toBe(`#/deployments/${gateway}`);
    await page.context().close();
  });

  it('offers decisions only to callers the policy accepts', async () => {
    const outsider = await world.page(mallory);
    await outsider.goto(world.url(`#/deployments/${gateway}`));
    await outsider.locator('section.actions button[data-action="abort"]').waitFor();
    expect(await outsider.locator('button[data-action="approve"]').isHidden()).toBe(true);
    expect(await outsider.locator('.actions-note').textContent()).toContain(
      'You cannot approve: not-a-reviewer',
    );

    const reader = await world.page(rita);
    await reader.goto(world.url(`#/deployments/${gateway}`));
    await eventually(() => reader.locator('#who').textContent()).toBe('Signed in as rita · Reader');
    await reader.locator('.stage').first().waitFor();
    expect(await reader.locator('section.actions').isHidden()).toBe(true);

    const before = world.problems.length;
    const anonymous = await world.page();
    await anonymous.goto(world.url(`#/deployments/${gateway}`));
    await eventually(() => anonymous.locator('#who').textContent()).toBe('Not signed in');
    await eventually(() => anonymous.locator('.page-error').textContent()).toContain('(unauthenticated)');
    expect(await anonymous.locator('.live').textContent()).toMatch(/^Refused by Gantry; retrying in \d+ s$/);
    await Promise.all([outsider.context().close(), reader.context().close(), anonymous.context().close()]);
    // The browser logs each refused read as a failed resource; those 401s are this check's point.
    const refusals = world.problems.slice(before).filter((p) => !p.text.includes('401'));
    world.problems.splice(before, Infinity, ...refusals);
  });

  it('approves a waiting deployment with the button and shows the decision', async () => {
    const page = await world.page(ada);
    await page.goto(world.url(`#/deployments/${gateway}`));
    const approve = page.locator('button[data-action="approve"]');
    await approve.waitFor();
    const stops = await tabSequence(page, 7);
    expect(stops).toEqual([
      'a "Skip to content"',
      'a "Gantry"',
      'a "Deployments"',
      'a "All deployments"',
      'textarea#action-comment "Comment"',
      'button "Approve"',
      'button "Reject"',
    ]);
    await page.fill('#action-comment', '<img src=x onerror="window.__xss=1">looks good');
    await approve.click();
    const approval = page.locator('.stage', { has: page.locator('h3', { hasText: 'Approval' }) });
    await approval.locator('li', { hasText: 'Approved' }).waitFor();
    expect(await approval.locator('li', { hasText: 'Approved' }).textContent()).toContain('by ada');
    // The comment is shown as text: no element was created from it and nothing ran.
    expect(await approval.locator('q.comment').last().textContent()).toBe(
      '<img src=x onerror="window.__xss=1">looks good',
    );
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    await approve.waitFor({ state: 'hidden' });
    await eventually(() => page.locator('.summary').textContent()).toContain('wait timer');
    await shot(page, 'approved');
    await page.context().close();
  });

  it('draws each canary metric and its checks as virtual time advances', async () => {
    const page = await world.page(ada);
    await page.goto(world.url(`#/deployments/${gateway}`));
    await world.until(gateway, 'canary', (s) => step(s).startsWith('1/3 check 2/'));
    await eventually(() => page.locator('.summary .badge').textContent()).toBe('Canary');
    const success = points(page, 'request-success-rate');
    await eventually(() => success.count()).toBeGreaterThanOrEqual(1);
    const before = await success.count();

    await world.until(gateway, 'canary', (s) => step(s).startsWith('2/3 check 2/'));
    await eventually(() => success.count()).toBeGreaterThan(before + 4);
    const figure = page.locator('figure[data-metric="request-success-rate"]');
    const count = await success.count();
    expect(await figure.locator('tbody tr').count()).toBe(count);
    expect(await figure.locator('.threshold-label').allTextContents()).toEqual(['min 99']);
    expect(
      await page.locator('figure[data-metric="request-duration-p95"] .threshold-label').textContent(),
    ).toBe('max 500');
    expect(await figure.locator('svg title').first().textContent()).toBe('request-success-rate over time');
    expect(await figure.locator('svg desc').textContent()).toMatch(
      /checks: \d+ pass, 0 fail.*Canary traffic 10% → 25%/,
    );
    expect(await figure.locator('path.weight-line').getAttribute('d')).toMatch(
      /^M[\d.]+ [\d.]+H[\d.]+V[\d.]+/,
    );
    expect(await page.locator('.summary').textContent()).toContain('25%');

    // The rendered query as recorded: on each data row's tooltip, and on the Query label on hover or focus.
    const view = (await (
      await world.host.request(`/api/deployments/${gateway}`, { headers: appServicePrincipalHeaders(rita) })
    ).json()) as {
      timeline: Array<{ title: string; evidence?: { query?: string } }>;
    };
    const queries = view.timeline
      .filter((e) => e.title === 'check:request-success-rate')
      .map((e) => e.evidence?.query);
    expect(queries[0]).toContain('ingress="api-gateway"');
    expect(await figure.locator('tbody tr').first().getAttribute('title')).toBe(queries[0]);
    const tooltip = figure.locator('.tooltip');
    expect(await tooltip.isVisible()).toBe(false);
    await figure.locator('.query-trigger').focus();
    expect(await tooltip.isVisible()).toBe(true);
    expect(await tooltip.textContent()).toBe(queries[queries.length - 1]);
    await page.evaluate('document.activeElement.blur()');
    await shot(page, 'deployment');
    if (process.env.GANTRY_UPDATE_SCREENSHOTS === '1') {
      mkdirSync('docs/images', { recursive: true });
      await page.screenshot({ path: 'docs/images/dashboard.png', fullPage: true });
    }
    await page.context().close();
  });

  it('is keyboard navigable, readable and calm under reduced motion', async () => {
    await gatewayInCanary();
    const page = await world.page(ada);
    await page.goto(world.url());
    await page.locator('table.deployments tbody tr').first().waitFor();
    expect(await tabSequence(page, 7)).toEqual([
      'a "Skip to content"',
      'a "Gantry"',
      'a "Deployments"',
      'select#f-service "Service"',
      'select#f-status "Status"',
      'a "ApiGateway"', // the service board
      `a "2.1.0 ${gateway.slice(-12)}"`,
    ]);
    await page.keyboard.press('Enter');
    await eventually(() => focused(page)).toMatch(/^h1#page-title "ApiGateway 2\.1\.0"/);
    expect(await contrastFailures(page)).toEqual([]);
    await page.goto(world.url(`#/deployments/${gateway}`));
    await points(page, 'request-success-rate').first().waitFor();
    expect(await contrastFailures(page)).toEqual([]);
    await page.focus('.skip-link');
    await page.keyboard.press('Enter');
    expect(await focused(page)).toMatch(/^main#main /);
    expect(await page.evaluate(ANIMATION)).toBe('pulse');

    const calm = await world.page(ada, { reducedMotion: 'reduce' });
    await calm.goto(world.url());
    await calm.locator('.live-dot').waitFor();
    expect(await calm.evaluate(ANIMATION)).toBe('none');
    await Promise.all([page.context().close(), calm.context().close()]);
  });

  it('retries a failed run with its button, opens the new run, and links the two', async () => {
    // A reader sees the failed run but is offered no retry: retrying is an operator's action.
    const reader = await world.page(rita);
    await reader.goto(world.url(`#/deployments/${failed}`));
    await reader.locator('.stage').first().waitFor();
    expect(await reader.locator('section.actions').isHidden()).toBe(true);

    const page = await world.page(ada);
    await page.goto(world.url(`#/deployments/${failed}`));
    const retry = page.locator('button[data-action="retry"]');
    await retry.waitFor();
    expect(await page.locator('button[data-action="abort"]').isHidden()).toBe(true);
    await page.fill('#action-comment', 'second try');
    await retry.click();
    const run = `${failed}-r1`;
    await eventually(() => page.evaluate('location.hash')).toBe(`#/deployments/${run}`);
    const retryOf = page.locator('.summary a', { hasText: failed });
    await retryOf.waitFor();
    expect(await retryOf.getAttribute('href')).toBe(`#/deployments/${failed}`);
    expect(await page.locator('.stage li', { hasText: 'by ada' }).first().textContent()).toContain(
      'second try',
    );
    await retryOf.click();
    await eventually(() => page.locator('.summary a', { hasText: run }).count()).toBe(1);
    // Retried once: the old run no longer offers it.
    await eventually(() => page.locator('button[data-action="retry"]').isHidden()).toBe(true);
    await shot(page, 'retried');
    await Promise.all([page.context().close(), reader.context().close()]);
  });

  it('shows quarantined digests and the lane hold on the service board, and lets an Operator lift them', async () => {
    // Rows as a rollback writes them (the flow itself is covered by test/e2e/quarantine.test.ts).
    const store = await TableRunStore.create({
      connectionString: world.azurite.connectionString,
      tablePrefix: process.env.GANTRY_TABLE_PREFIX ?? '',
    });
    const digest = `sha256:${'c'.repeat(64)}`;
    const run = 'audioservice-cccccccccccc';
    const at = new Date(MONDAY_10).toISOString();
    await store.putQuarantine({
      service: 'AudioService',
      digest,
      deploymentId: run,
      reason: 'error-rate 7 > max 1',
      cause: 'automatic',
      at,
    });
    await store.putHold({
      service: 'AudioService',
      environment: 'production',
      deploymentId: run,
      reason: `automatic rollback of ${run}`,
      at,
    });
    const reader = await world.page(rita);
    await reader.goto(world.url('#/services/AudioService'));
    const item = reader.locator(`[data-quarantined="${digest}"]`);
    await eventually(() => item.textContent()).toContain(`rolled back in ${run} · error-rate 7 > max 1`);
    await reader.locator('[data-lane-hold]').waitFor();
    expect(await reader.locator('button[data-lift]').count()).toBe(0);

    const page = await world.page(ada);
    await page.goto(world.url('#/services/AudioService'));
    const lift = page.locator(`button[data-lift="${digest}"]`);
    await lift.click();
    await eventually(() => page.locator(`[data-quarantined="${digest}"] [role="alert"]`).textContent()).toBe(
      'A reason is required to lift.',
    );
    await shot(page, 'service-quarantine');
    await page.fill(`input[data-lift-reason="${digest}"]`, 'false alarm');
    await lift.click();
    await eventually(() => page.locator(`[data-lifted="${digest}"]`).textContent()).toBe(
      `${digest.slice(7, 19)} lifted by ada: false alarm`,
    );
    expect(await page.locator(`[data-quarantined="${digest}"]`).count()).toBe(0);
    await page.fill('input[data-lift-reason="hold"]', 'root cause fixed');
    await page.locator('button[data-lift="hold"]').click();
    await eventually(() => page.locator('.board-quarantine').textContent()).toContain(
      'Hold lifted by ada: root cause fixed',
    );
    expect(await page.locator('[data-lane-hold]').count()).toBe(0);
    expect((await store.getQuarantine('AudioService', digest))?.lifted).toMatchObject({ by: 'ada' });
    await Promise.all([page.context().close(), reader.context().close()]);
  });

  it('logged no console errors, uncaught exceptions or CSP violations on any page', () => {
    // Without a DORA endpoint the browser logs its 404 once; the page itself stays quiet.
    const unexpected = world.problems.filter(
      (p) => doraAnswers || !(p.text.includes('404') && p.url.includes('/api/metrics/dora')),
    );
    expect(unexpected).toEqual([]);
  });
});
