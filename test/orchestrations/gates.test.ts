import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { Orchestrations } from './harness.js';

const image = (): string =>
  `hearloveen.azurecr.io/api-gateway:2.0.0@sha256:${randomBytes(32).toString('hex')}`;

let o: Orchestrations | undefined;
afterEach(async () => {
  await o?.close();
  o = undefined;
});

describe('image gates (durable polling)', () => {
  it('starts each gate once and checks it after a durable sleep until it is done', async () => {
    o = await Orchestrations.start();
    o.world.gatePolls.set('vulnerability', 3);
    const d = await o.submit(image());
    await o.waitForPhase(d.id, 'tests', 'test workflows');
    const key = (gate: string) => `${gate}@${d.image.digest}`;
    expect(o.world.scanStarts).toEqual([key('vulnerability'), key('signature'), key('ci-status')]);
    expect(o.world.scanChecks).toEqual([
      ...Array(3).fill(key('vulnerability')),
      key('signature'),
      key('ci-status'),
    ]);
    const gates = (await o.ports.store.listEvents(d.id)).filter((e) => e.title.startsWith('gate:'));
    expect(gates.map((e) => [e.title, e.verdict])).toEqual([
      ['gate:vulnerability', 'pass'],
      ['gate:signature', 'pass'],
      ['gate:ci-status', 'pass'],
    ]);
  });

  it('shows what a pending gate waits for', async () => {
    o = await Orchestrations.start();
    o.world.gatePolls.set('signature', Infinity);
    const d = await o.submit(image());
    const s = await o.waitForPhase(d.id, 'gates', 'gate signature: ');
    expect(JSON.parse(s.customStatus ?? '{}')).toMatchObject({
      stage: 'gates',
      step: 'signature',
      waitingFor: 'gate signature: job fake-signature running',
    });
  });

  it('fails the run when a gate stays pending past its timeout, before anything is deployed', async () => {
    o = await Orchestrations.start();
    o.world.gatePolls.set('signature', Infinity);
    o.world.scanTimeoutMs = 60_000;
    o.world.scanPollMs = 25_000;
    const d = await o.submit(image());
    const started = o.h.clock.now();
    const done = await o.finish(d.id);
    expect(done.state).toBe('Failed');
    expect(done.reason).toBe(
      'gate signature failed: no result within 60s (last: job fake-signature running)',
    );
    // Checked at 25 s, 50 s and at the deadline (60 s), then failed: no check past the timeout.
    expect(o.world.scanChecks.filter((k) => k.startsWith('signature@'))).toHaveLength(3);
    expect(o.h.clock.now() - started).toBeLessThan(5 * 60_000);
    expect(o.world.deploys).toEqual([]);
    const entry = (await o.ports.store.listEvents(d.id)).find((e) => e.title === 'gate:signature');
    expect(entry).toMatchObject({
      verdict: 'fail',
      evidence: { jobName: 'fake-signature', timeoutMs: 60_000 },
    });
  });

  it.each(['cancel', 'abort'] as const)('%s during a pending gate ends Cancelled', async (kind) => {
    o = await Orchestrations.start();
    o.world.gatePolls.set('vulnerability', Infinity);
    const d = await o.submit(image());
    await o.waitForPhase(d.id, 'gates', 'gate vulnerability: ');
    const checks = o.world.scanChecks.length;
    await o.interrupt(d.id, kind, 'wrong build');
    const done = await o.finish(d.id);
    expect(done.state).toBe('Cancelled');
    expect(done.reason).toBe(`${kind} by ops: wrong build`);
    expect(o.world.scanChecks.length).toBeLessThanOrEqual(checks + 1);
    expect(o.world.scanStarts).toEqual([`vulnerability@${d.image.digest}`]);
    expect(o.world.deploys).toEqual([]);
  });
});
