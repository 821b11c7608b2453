import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../devhost/durable/clock.js';
import { persistWorld } from '../../sandbox/world-store.js';
import { SandboxWorld } from '../../sandbox/world.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function file(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'world-store-'));
  dirs.push(dir);
  return path.join(dir, 'sandbox-world.json');
}

const world = () => new SandboxWorld(new VirtualClock(Date.UTC(2026, 0, 5)));

describe('persistWorld', () => {
  it('seeds a new world, saves every change before the next response, and restores all of it', async () => {
    const f = file();
    const first = world();
    let seeded = 0;
    expect(persistWorld(first, f, () => seeded++).restored).toBe(false);
    expect(seeded).toBe(1);
    const obj = first.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'n' } });
    first.faults.set('1.4.1', { errorRate: 1 });
    first.markDirty();
    const pushed = first.pushImage({ repository: 'api', tag: '1.0.0', platforms: ['linux/amd64'] });
    first.extensions.set('x', new Map([['k', { v: 1 }]]));
    first.markDirty();
    await Promise.resolve(); // the save is a microtask queued by the first change
    const second = world();
    expect(persistWorld(second, f, () => seeded++).restored).toBe(true);
    expect(seeded).toBe(1);
    expect(second.get('ConfigMap', 'n', 'a')).toEqual(obj);
    expect(second.faultFor('api:1.4.1')).toEqual({ errorRate: 1 });
    expect(second.registry.manifest('api', '1.0.0')?.digest).toBe(pushed.digest);
    expect(Buffer.isBuffer(second.registry.manifest('api', pushed.digest)?.body)).toBe(true);
    expect(second.extensions.get('x')).toEqual(new Map([['k', { v: 1 }]]));
    // resourceVersion continues instead of starting over.
    const next = second.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b', namespace: 'n' } });
    expect(Number(next.metadata.resourceVersion)).toBeGreaterThan(Number(obj.metadata.resourceVersion));
  });

  it('writes nothing half-done: the file is replaced whole (temp file and rename)', async () => {
    const f = file();
    const w = world();
    persistWorld(w, f, () => undefined);
    w.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } });
    await Promise.resolve();
    expect(() => JSON.parse(readFileSync(f, 'utf8')) as unknown).not.toThrow();
    expect(readFileSync(f, 'utf8')).toContain('ConfigMap//a');
  });

  it('refuses a damaged file by name instead of starting afresh', () => {
    const f = file();
    writeFileSync(f, '{"resourceVersion":');
    expect(() => persistWorld(world(), f, () => undefined)).toThrow(/sandbox-world\.json.*delete it/);
  });
});
