import { beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../devhost/durable/clock.js';
import type { HostRequest } from '../../devhost/http/types.js';
import { readAlertmanager } from '../../shared/alerts/alertmanager.js';
import {
  alertmanagerRoutes,
  fingerprint,
  SandboxAlertmanager,
  type AlertmanagerMessage,
} from '../../sandbox/alertmanager.js';
import { createControlRoutes } from '../../sandbox/control.js';
import { addWorkload } from '../../sandbox/kube-seed.js';
import { SandboxWorld } from '../../sandbox/world.js';

const NS = 'hearloveen-prod';
const IMAGE = 'hearloveen.azurecr.io/api-gateway:1.0';

let clock: VirtualClock;
let world: SandboxWorld;
let sent: AlertmanagerMessage[];
let am: SandboxAlertmanager;

const request = (method: string, path: string, body = ''): HostRequest => ({
  method,
  url: new URL(`http://127.0.0.1${path}`),
  origin: 'http://127.0.0.1',
  headers: {},
  body: Buffer.from(body),
});

/** Lets the delivery started by a timer finish (it is a promise chain, no I/O). */
const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
};

beforeEach(() => {
  clock = new VirtualClock(Date.UTC(2026, 0, 5, 12));
  world = new SandboxWorld(clock);
  addWorkload(world, {
    namespace: NS,
    deployment: 'api-gateway',
    image: IMAGE,
    router: { kind: 'nginx', ingress: 'api-gateway', canaryIngress: 'api-gateway-canary' },
  });
  sent = [];
  am = new SandboxAlertmanager(world, clock, {
    deliver: async (m) => (sent.push(m), 200),
    prometheusUrl: 'http://127.0.0.1:7082',
  });
});

describe('fingerprint (Prometheus model.LabelSet.Fingerprint)', () => {
  it('is FNV-1a 64 over the sorted labels, 16 hex digits, independent of order', () => {
    expect(fingerprint({})).toBe('cbf29ce484222325'); // the FNV-1a offset basis: nothing hashed
    const a = fingerprint({ alertname: 'X', namespace: NS });
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprint({ namespace: NS, alertname: 'X' })).toBe(a);
    expect(fingerprint({ alertname: 'X', namespace: 'other' })).not.toBe(a);
  });
});

describe('the sandbox Alertmanager', () => {
  it('sends a firing alert group_wait after the fault, then resolved when the fault goes', async () => {
    const routes = alertmanagerRoutes(am, createControlRoutes(world));
    const put = await routes(request('PUT', '/sandbox/faults/1.0', '{"alert":"HighErrorRate"}'));
    expect(put?.status).toBe(200);
    clock.advance(29_000);
    await settle();
    expect(sent).toEqual([]);
    clock.advance(1_000);
    await settle();
    expect(sent).toHaveLength(1);
    const [firing] = sent;
    // The very payload Gantry's route reads.
    const { alerts } = readAlertmanager(JSON.parse(JSON.stringify(firing)));
    expect(alerts).toEqual([
      expect.objectContaining({
        status: 'firing',
        name: 'HighErrorRate',
        labels: {
          alertname: 'HighErrorRate',
          severity: 'critical',
          namespace: NS,
          deployment: 'api-gateway',
        },
        startsAt: '2026-01-05T12:00:00.000Z',
      }),
    ]);
    expect(firing).toMatchObject({
      version: '4',
      status: 'firing',
      groupLabels: { alertname: 'HighErrorRate' },
    });

    expect(await am.resend()).toBe(1);
    expect(sent[1]?.alerts.map((a) => [a.fingerprint, a.startsAt])).toEqual(
      firing?.alerts.map((a) => [a.fingerprint, a.startsAt]),
    );

    expect((await routes(request('DELETE', '/sandbox/faults/1.0')))?.status).toBe(204);
    clock.advance(30_000);
    await settle();
    expect(sent[2]).toMatchObject({
      status: 'resolved',
      alerts: [{ status: 'resolved', endsAt: '2026-01-05T12:00:30.000Z' }],
    });
    expect(await am.resend()).toBe(0);
    const listed = await routes(request('GET', '/sandbox/alertmanager'));
    expect(JSON.parse(listed?.body?.toString() ?? '{}').deliveries).toHaveLength(3);
  });
});
