import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appServicePrincipalHeaders } from '../../shared/app/principal.js';
import { pipelineInstanceId } from '../../shared/contracts/events.js';
import { checkedAgainstOpenApi } from '../e2e/openapi-check.js';
import { contrastFailures } from './a11y.js';
import { ARTEFACTS, BROWSER_MISSING, DashboardWorld, rita } from './harness.js';

/** Monday 03:00 UTC: inside the auto-approve window, so the faulty release reaches its canary alone. */
const MONDAY_03 = Date.UTC(2026, 0, 5, 3, 0, 0);

let world: DashboardWorld;
let window: { from: string; to: string };

/** A release whose canary answers only errors, rolled back in the sandbox; its canary window is kept. */
beforeAll(async () => {
  world = await DashboardWorld.start(MONDAY_03);
  const digest = `sha256:${randomBytes(32).toString('hex')}`;
  expect(await world.fault(digest, { errorRate: 1 })).toBe(200);
  const id = await world.push('ApiGateway', 'api-gateway', '2.3.0', true, digest);
  await world.host.waitForCompletion(pipelineInstanceId(id));
  await world.host.idle();
  const res = await world.host.request(`/api/deployments/${id}`, {
    headers: appServicePrincipalHeaders(rita),
  });
  const view = (await res.json()) as { timeline: Array<{ title: string; at: string }> };
  const on = view.timeline.find((e) => /^weight:[1-9]/.test(e.title));
  const off = view.timeline.find((e) => e.title === 'weight:0');
  window = { from: on?.at ?? '', to: off?.at ?? '' };
});

afterAll(async () => {
  await world?.close();
});

type Backtest = { outcome: string; at?: string; checks: Array<{ verdict: string; round: string }> };

describe('the backtest view', () => {
  it.skipIf(BROWSER_MISSING)(
    'shows the decision, the verdict table and the charts of the window',
    async () => {
      const res = await checkedAgainstOpenApi(world.host.request)('/api/analysis/backtest', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...appServicePrincipalHeaders(rita) },
        body: JSON.stringify({ service: 'ApiGateway', ...window }),
      });
      expect(res.status).toBe(200);
      const api = (await res.json()) as Backtest;
      // The sandbox's canary fails from its first check on: the backtest rolls it back inside the window.
      expect(api.outcome).toBe('rolled-back');
      expect(api.at).toBe(window.to);

      const page = await world.page(rita);
      await page.goto(world.url('#/services/ApiGateway'));
      await page.getByRole('link', { name: 'Backtest the canary spec' }).click();
      await expect.poll(() => page.locator('h1#page-title').textContent()).toBe('Backtest of ApiGateway');
      await page.fill('#bt-from', window.from);
      await page.fill('#bt-to', window.to);
      await page.getByRole('button', { name: 'Backtest' }).click();
      const summary = page.locator('.backtest-summary');
      await expect.poll(() => summary.count(), { timeout: 10_000, interval: 50 }).toBe(1);
      const text = (await summary.textContent()) ?? '';
      expect(text).toContain('rolled-back');
      const rows = page.locator('table.backtest-checks tbody tr');
      const shown = api.checks.filter((c) => c.round === 'interval' || c.verdict !== 'pass');
      expect(await rows.count()).toBe(shown.length);
      expect(await page.locator('table.backtest-checks .verdict-fail').count()).toBeGreaterThan(0);
      const charts = page.locator('.charts figure');
      expect(await charts.count()).toBeGreaterThan(0);
      expect(await charts.first().locator('.point').count()).toBeGreaterThan(0);
      expect(await contrastFailures(page)).toEqual([]);

      await page.screenshot({ path: path.join(ARTEFACTS, 'backtest.png'), fullPage: true });

      // A refusal is shown, not swallowed: a window ending in the future.
      await page.fill('#bt-to', '2099-01-01T00:00:00Z');
      await page.getByRole('button', { name: 'Backtest' }).click();
      await expect
        .poll(() => page.locator('.page-error').textContent(), { timeout: 10_000, interval: 50 })
        .toContain('(invalid-field)');
      await page.context().close();
      // The one refusal the test asked for is the only problem the browser saw.
      expect(world.problems).toEqual([
        expect.objectContaining({ kind: 'console', text: expect.stringContaining('status of 400') }),
      ]);
    },
  );
});
