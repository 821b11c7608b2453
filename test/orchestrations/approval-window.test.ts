import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { FileConfigSource } from '../../shared/adapters/config-file.js';
import { loadConfig } from '../../shared/config/load.js';
import type { TimelineEntry } from '../../shared/domain/deployment.js';
import { Orchestrations } from './harness.js';

const image = (): string =>
  `hearloveen.azurecr.io/api-gateway:2.0.0@sha256:${randomBytes(32).toString('hex')}`;
const at = (h: number, m: number) => Date.UTC(2026, 0, 6, h, m);
const SEED_WINDOW = "{ from: '02:00', to: '06:00', timeZone: UTC }";

function config(edit: (text: string) => string): FileConfigSource {
  const text = edit(readFileSync('config/gantry.example.yaml', 'utf8'));
  return new FileConfigSource(loadConfig(text, 'window.yaml'));
}

let o: Orchestrations | undefined;
afterEach(async () => {
  await o?.close();
  o = undefined;
});

/** Runs to the approval wait and returns when the request was made. */
async function toApproval(x: Orchestrations): Promise<{ id: string; requested: number }> {
  const d = await x.submit(image());
  await x.completeTests(d.id);
  await x.waitForPhase(d.id, 'approval', 'approval');
  const request = (await x.ports.store.listEvents(d.id)).find((e) => e.title === 'approval:required');
  return { id: d.id, requested: Date.parse(request?.at ?? '') };
}

const find = (events: TimelineEntry[], title: string) => events.find((e) => e.title === title);
const firstTraffic = (events: TimelineEntry[]) =>
  Date.parse(events.find((e) => e.title.endsWith('->Canary'))?.at ?? '');

describe('an auto-approve window opening while a deployment waits', () => {
  it('waiting from about 01:30 UTC: proceeds at 02:00 without a human', async () => {
    o = await Orchestrations.start({ startTime: at(1, 25) });
    const { id, requested } = await toApproval(o);
    expect(requested).toBeLessThan(at(2, 0));
    expect(requested + 30 * 60_000).toBeLessThanOrEqual(at(2, 0));
    const done = await o.finish(id);
    expect(done.state).toBe('Succeeded');
    const events = await o.ports.store.listEvents(id);
    const auto = find(events, 'approval:auto (window opened)');
    expect(auto).toMatchObject({ actor: 'approval:auto', verdict: 'pass', at: '2026-01-06T02:00:00.000Z' });
    expect(firstTraffic(events)).toBeGreaterThanOrEqual(at(2, 0));
    expect(await o.ports.store.listApprovals(id)).toEqual([]);
  });

  it('the wait timer still holds: a request at ~01:45 starts the canary 30 minutes later', async () => {
    o = await Orchestrations.start({ startTime: at(1, 40) });
    const { id, requested } = await toApproval(o);
    expect(requested).toBeGreaterThan(at(1, 30));
    const done = await o.finish(id);
    expect(done.state).toBe('Succeeded');
    const events = await o.ports.store.listEvents(id);
    expect(find(events, 'approval:auto (window opened)')?.at).toBe('2026-01-06T02:00:00.000Z');
    expect(firstTraffic(events)).toBeGreaterThanOrEqual(requested + 30 * 60_000);
  });

  it('a freeze at the opening still blocks: approval comes when it lifts, inside the window', async () => {
    const freeze = [
      '  freezes:',
      '    - name: maintenance',
      "      from: '2026-01-06T01:55:00Z'",
      "      to: '2026-01-06T02:40:00Z'",
      '      reason: database maintenance',
    ].join('\n');
    o = await Orchestrations.start({
      startTime: at(1, 25),
      config: config((t) => t.replace('  freezes: []', freeze)),
    });
    const { id } = await toApproval(o);
    const done = await o.finish(id);
    expect(done.state).toBe('Succeeded');
    const events = await o.ports.store.listEvents(id);
    expect(find(events, 'approval:auto (window opened)')?.at).toBe('2026-01-06T02:40:00.000Z');
    expect(firstTraffic(events)).toBeGreaterThanOrEqual(at(2, 40));
  });

  it('a window that closes during the wait timer re-requires a human', async () => {
    o = await Orchestrations.start({
      startTime: at(1, 40),
      config: config((t) => t.replace(SEED_WINDOW, "{ from: '02:00', to: '02:05', timeZone: UTC }")),
    });
    const { id } = await toApproval(o);
    await o.waitForPhase(id, 'approval', 'wait timer');
    await o.waitForPhase(id, 'approval', 'approval');
    let events = await o.ports.store.listEvents(id);
    expect(find(events, 'approval:auto withdrawn (window closed)')).toBeDefined();
    expect(events.some((e) => e.title.endsWith('->Canary'))).toBe(false);
    await o.approve(id);
    const done = await o.finish(id);
    expect(done.state).toBe('Succeeded');
    events = await o.ports.store.listEvents(id);
    expect(find(events, 'approve:accepted')?.actor).toBe('ada');
  });

  it('without windows, no timer: the request waits for a human until it expires', async () => {
    o = await Orchestrations.start({
      startTime: at(1, 25),
      config: config((t) =>
        t.replace(`      - ${SEED_WINDOW}\n`, '').replace('autoApprove:', 'autoApprove: []'),
      ),
    });
    const { id } = await toApproval(o);
    const done = await o.finish(id);
    expect(done.state).toBe('Failed');
    expect(done.reason).toMatch(/^approval expired at 2026-01-07T01:/);
    expect(find(await o.ports.store.listEvents(id), 'approval:auto (window opened)')).toBeUndefined();
  });
});
