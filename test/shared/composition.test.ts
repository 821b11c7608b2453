import { afterEach, describe, expect, it } from 'vitest';
import { getPorts, PORTS_OVERRIDE, resetPorts, setPortsBuilder } from '../../shared/composition.js';
import type { Ports } from '../../shared/ports/index.js';

const fakePorts = (tag: string) => ({ tag }) as unknown as Ports;

afterEach(() => {
  delete (globalThis as Record<symbol, unknown>)[PORTS_OVERRIDE];
  resetPorts();
});

describe('composition', () => {
  it('builds the ports once and applies the test override on top', async () => {
    let builds = 0;
    setPortsBuilder(async () => {
      builds++;
      return fakePorts('real');
    });
    const env = process.env.GANTRY_STORAGE;
    process.env.GANTRY_STORAGE = 'UseDevelopmentStorage=true';
    try {
      expect(await getPorts()).toEqual({ tag: 'real' });
      expect(await getPorts()).toEqual({ tag: 'real' });
      expect(builds).toBe(1);
      (globalThis as Record<symbol, unknown>)[PORTS_OVERRIDE] = { gitops: 'fake' };
      expect(await getPorts()).toEqual({ tag: 'real', gitops: 'fake' });
    } finally {
      process.env.GANTRY_STORAGE = env;
    }
  });

  it('retries a failed build on the next call', async () => {
    let calls = 0;
    setPortsBuilder(async () => {
      calls++;
      if (calls === 1) throw new Error('storage not up yet');
      return fakePorts('second');
    });
    process.env.GANTRY_STORAGE ??= 'UseDevelopmentStorage=true';
    await expect(getPorts()).rejects.toThrow('storage not up yet');
    expect(await getPorts()).toEqual({ tag: 'second' });
  });
});

describe('composition with a partial override', () => {
  it('tells the builder what is provided, so it builds nothing it does not need', async () => {
    const seen: Array<Partial<Ports>> = [];
    setPortsBuilder(async (_settings, provided) => {
      seen.push(provided);
      return fakePorts('built');
    });
    process.env.GANTRY_STORAGE ??= 'UseDevelopmentStorage=true';
    const store = { fake: true } as unknown as Ports['store'];
    (globalThis as Record<symbol, unknown>)[PORTS_OVERRIDE] = { store };
    expect((await getPorts()).store).toBe(store);
    expect(seen).toEqual([{ store }]);
    // A different override (another test) rebuilds.
    (globalThis as Record<symbol, unknown>)[PORTS_OVERRIDE] = {};
    await getPorts();
    expect(seen).toHaveLength(2);
  });
});
