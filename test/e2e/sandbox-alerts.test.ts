import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type AzuriteHandle } from '../../devhost/durable/azurite.js';
import type { SandboxAlertmanager } from '../../sandbox/alertmanager.js';
import { EXAMPLE_CONFIG, startSandboxRig, type SandboxRig } from './sandbox-rig.js';

let azurite: AzuriteHandle;
let rig: SandboxRig;

/**
 * The sandbox's `alert` fault as a real Alertmanager delivers it: a webhook (payload version 4, bearer
 * token) to Gantry's `/api/webhooks/alertmanager`, `group_wait` after the alert starts firing. Gantry's
 * production adapters talk to the sandbox; everything is on one virtual clock.
 */
beforeAll(async () => {
  azurite = await startAzurite({ location: undefined });
  rig = await startSandboxRig({
    configPath: EXAMPLE_CONFIG,
    storage: azurite.connectionString,
    alertmanager: true,
  });
});

afterAll(async () => {
  await rig?.close();
  await azurite?.stop();
});

const am = (): SandboxAlertmanager => rig.sandbox.alertmanager as SandboxAlertmanager;

/** Until the sandbox Alertmanager has made `count` deliveries (each is one HTTP round trip to the host). */
async function delivered(count: number): Promise<void> {
  for (let i = 0; i < 5_000 && am().deliveries.length < count; i++)
    await new Promise((resolve) => setImmediate(resolve));
  expect(am().deliveries.length).toBe(count);
}

async function release(tag: string): Promise<{ id: string; digest: string }> {
  const pushed = await rig.registryPush(`api-gateway:${tag}`);
  expect((await rig.finish(pushed.deploymentId as string)).state).toBe('Succeeded');
  return { id: pushed.deploymentId as string, digest: pushed.digest };
}

const alertTitles = async (id: string): Promise<string[]> =>
  (await rig.view(id)).timeline.filter((e) => e.title.startsWith('alert:')).map((e) => e.title);

describe('the sandbox alert fault delivers an Alertmanager webhook', () => {
  it('10 minutes after a release the alert rolls it back; a second alert does nothing more', async () => {
    const good = await release('2.1.0');
    const bad = await release('2.2.0');
    await rig.host.advance(10 * 60_000);
    expect(await rig.fault(bad.digest, { alert: 'HighErrorRate' })).toBe(200);
    await rig.host.advance(30_000); // group_wait
    await delivered(1);
    expect(am().deliveries[0]).toMatchObject({
      status: 200,
      alerts: 1,
      groupKey: '{}:{alertname="HighErrorRate"}',
    });
    await rig.host.waitForCompletion('rollback:ApiGateway');
    expect(rig.prodImage()).toContain(good.digest);
    const [entry] = (await rig.view(bad.id)).timeline.filter((e) => e.title === 'alert:rolled-back');
    expect(entry?.evidence).toMatchObject({
      labels: { alertname: 'HighErrorRate', namespace: 'hearloveen-prod', deployment: 'api-gateway' },
      annotations: { summary: expect.stringContaining('HighErrorRate') },
    });

    // The rollback took the alerting image out: its alert is sent resolved; a repeat changes nothing.
    await rig.host.advance(30_000);
    await delivered(2);
    expect(await am().resend()).toBe(0);
    // Another alert, now on the restored release: never rolled back again.
    expect(await rig.fault(good.digest, { alert: 'HighLatency' })).toBe(200);
    await rig.host.advance(30_000);
    await delivered(3);
    await rig.host.idle();
    expect(await alertTitles(bad.id)).toEqual(['alert:rolled-back']);
    expect(await alertTitles(good.id)).toEqual(['alert:ignored', 'alert:refused']);
    expect(rig.prodImage()).toContain(good.digest);
    expect(am().deliveries.map((d) => d.status)).toEqual([200, 200, 200]);
  }, 120_000);
});
