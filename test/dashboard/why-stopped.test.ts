import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appServicePrincipalHeaders } from '../../shared/app/principal.js';
import { pipelineInstanceId } from '../../shared/contracts/events.js';
import { checkedAgainstOpenApi } from '../e2e/openapi-check.js';
import { ARTEFACTS, BROWSER_MISSING, DashboardWorld, rita } from './harness.js';

/** Monday 03:00 UTC: inside the auto-approve window, so the faulty release reaches its canary alone. */
const MONDAY_03 = Date.UTC(2026, 0, 5, 3, 0, 0);
const DECIDING = 'request-success-rate (fail-fast)';

let world: DashboardWorld;
let id: string;

beforeAll(async () => {
  world = await DashboardWorld.start(MONDAY_03);
  const digest = `sha256:${randomBytes(32).toString('hex')}`;
  expect(await world.fault(digest, { errorRate: 1 })).toBe(200);
  id = await world.push('ApiGateway', 'api-gateway', '2.2.0', true, digest);
  await world.host.waitForCompletion(pipelineInstanceId(id));
  await world.host.idle();
});

afterAll(async () => {
  await world?.close();
});

describe('a fail-fast rollback', () => {
  it('names the deciding check in the API, against the OpenAPI schema', async () => {
    const res = await checkedAgainstOpenApi(world.host.request)(`/api/deployments/${id}`, {
      headers: appServicePrincipalHeaders(rita),
    });
    const view = (await res.json()) as {
      deployment: { state: string };
      decidedBy?: { kind: string; name: string; value: number; min: number; query: string };
    };
    expect(view.deployment.state).toBe('RolledBack');
    expect(view.decidedBy).toMatchObject({ kind: 'fail-fast', name: 'request-success-rate', min: 95 });
    expect(view.decidedBy?.value).toBeLessThan(95);
    expect(view.decidedBy?.query).toContain('ingress="api-gateway"');
  });

  it.skipIf(BROWSER_MISSING)('shows the deciding check first and charts the fast checks', async () => {
    const page = await world.page(rita);
    await page.goto(world.url(`#/deployments/${id}`));
    const decided = page.locator('section.decided');
    await expect.poll(() => decided.count(), { timeout: 10_000, interval: 50 }).toBe(1);
    // First on the page: before the summary, the stages and the charts.
    const firstPanel = await page.evaluate<string>(
      "document.querySelector('main section.panel, main .summary')?.className ?? ''",
    );
    expect(firstPanel).toContain('decided');
    const text = (await decided.textContent()) ?? '';
    expect(text).toContain('Fail-fast check (hard bound) request-success-rate');
    expect(text).toMatch(/bound: ≥ 95/);
    expect(text).toContain('ingress="api-gateway"');
    const firstChart = page.locator('.charts figure').first();
    expect(await firstChart.getAttribute('data-metric')).toBe(DECIDING);
    expect(await firstChart.locator('.point').count()).toBeGreaterThan(0);
    expect(await page.locator('.charts').textContent()).not.toContain('No canary checks yet');
    await page.screenshot({ path: path.join(ARTEFACTS, 'why-stopped.png'), fullPage: true });
    await page.context().close();
    expect(world.problems).toEqual([]);
  });
});
