import { describe, expect, it } from 'vitest';
import { FileConfigSource } from '../../../shared/adapters/config-file.js';
import { acceptPush } from '../../../shared/app/triggers.js';
import type { Ports } from '../../../shared/ports/index.js';
import type { OrchestrationControl } from '../../../shared/ports/orchestration-control.js';
import { MemoryRunStore } from '../../fakes/memory-run-store.js';
import { FakeWorld } from '../../fakes/world.js';

const NOW = Date.UTC(2026, 0, 5, 12);
const SHA = 'acb5820ced9479c074f688cc328bf03f341a511d';
const config = FileConfigSource.load('config/gantry.example.yaml');
const control = { ensureLane: async () => undefined } as unknown as OrchestrationControl;

function setup(withSource = true) {
  const world = new FakeWorld();
  const store = new MemoryRunStore();
  const ports = {
    config,
    store,
    clock: { now: () => NOW },
    ...(withSource && { source: world }),
  } as unknown as Ports;
  return { world, store, ports };
}

const push = (n: number) => ({
  kind: 'pushed' as const,
  registry: 'hearloveen.azurecr.io',
  repository: 'api-gateway',
  tag: `1.4.${n}`,
  digest: `sha256:${String(n).repeat(64).slice(0, 64)}`,
});

describe('acceptPush: the commit time for lead times', () => {
  let pushes = 2;
  it.each<[string, string | undefined, boolean, string | undefined]>([
    ['found before the push', '2026-01-05T11:40:00Z', true, '2026-01-05T11:40:00.000Z'],
    ['after the push (a skewed clock): not believed', '2026-01-05T12:30:00.000Z', true, undefined],
    ['unknown to GitHub', undefined, true, undefined],
    ['GitHub failing: the push still goes through', 'error', true, undefined],
    ['no GitHub configured', '2026-01-05T11:40:00.000Z', false, undefined],
  ])('%s', async (_name, time, withSource, expected) => {
    const { world, store, ports } = setup(withSource);
    if (time)
      world.commitTimes.set(
        `hearloveen/platform@${SHA}`,
        time === 'error' ? 'error' : new Date(time).toISOString(),
      );
    const n = ++pushes;
    const out = await acceptPush(ports, control, push(n), 'github', {
      commitSha: SHA,
      sourceRepository: 'hearloveen/platform',
    });
    expect(out.outcome).toBe('submitted');
    const id = out.outcome === 'submitted' ? out.deployment.id : '';
    expect((await store.findDeployment(id))?.committedAt).toBe(expected);
    expect(world.commitLookups).toEqual(withSource ? [`hearloveen/platform@${SHA}`] : []);
  });

  it('asks nothing without a commit or a linked repository', async () => {
    const { world, ports } = setup();
    await acceptPush(ports, control, push(1), 'github', { commitSha: SHA });
    await acceptPush(ports, control, push(2), 'github', { sourceRepository: 'hearloveen/platform' });
    expect(world.commitLookups).toEqual([]);
  });
});
