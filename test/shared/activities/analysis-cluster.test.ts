import { beforeEach, describe, expect, it } from 'vitest';
import { analyse } from '../../../shared/activities/analysis.js';
import type { Ports } from '../../../shared/ports/index.js';
import { FakeWorld } from '../../fakes/world.js';
import { input, P95, script, SUCCESS } from './analysis-fixtures.js';

/**
 * The service's cluster label (stamped on every metric by the plan) reaches every query the analysis
 * sends: each metric, and the traffic count that decides whether the window holds enough requests.
 */

let world: FakeWorld;
let ports: Ports;

beforeEach(() => {
  world = new FakeWorld();
  ports = { metrics: world } as unknown as Ports;
  script(world, { 'request-rate': 5, 'request-success-rate': 99.5, 'request-duration': 200 });
});

describe('analyse with a cluster label', () => {
  it.each<['interval' | 'fast', string | undefined]>([
    ['interval', 'cluster'],
    ['fast', 'cluster'],
    ['interval', undefined],
  ])('%s round, label %s: on every metric and on the traffic count', async (mode, clusterLabel) => {
    const metrics = [SUCCESS, P95].map((m) => ({ ...m, ...(clusterLabel && { clusterLabel }) }));
    await analyse(ports, input({ metrics, mode }));
    const templates = new Set(world.queries.map((q) => q.template));
    expect(templates).toContain('request-rate');
    expect(templates).toContain('request-success-rate');
    for (const q of world.queries) expect(q.clusterLabel).toBe(clusterLabel);
  });
});
