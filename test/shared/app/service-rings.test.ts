import { describe, expect, it } from 'vitest';
import { serviceRings } from '../../../shared/app/service-rings.js';
import type { PipelinePlan, RingSpec } from '../../../shared/contracts/plan.js';
import type {
  DeploymentRecord,
  DeploymentState,
  ReleaseRecord,
  TimelineEntry,
} from '../../../shared/domain/deployment.js';
import type { Ports } from '../../../shared/ports/index.js';

const NEW = `sha256:${'a'.repeat(64)}`;
const OLD = `sha256:${'b'.repeat(64)}`;
const ring = (name: string, region?: string): RingSpec =>
  ({
    name,
    ...(region && { region }),
    targets: [
      { cluster: `aks-${name}`, namespace: 'prod', argoApp: `app-${name}`, subscriptionId: 'secret-ish' },
    ],
    verification: { window: 1, interval: 1, rules: [] },
    soak: 0,
    freezes: [],
  }) as unknown as RingSpec;
const TRAIN = { rings: [ring('west', 'westeurope'), ring('north')] } as unknown as PipelinePlan;
const run = (id: string, state: DeploymentState, digest: string, createdAt = '2026-01-05T10:00:00Z') =>
  ({
    id,
    service: 'Api',
    state,
    createdAt,
    image: { registry: 'r', repository: 'x', digest },
    weight: 0,
  }) as unknown as DeploymentRecord;
const release: ReleaseRecord = {
  service: 'Api',
  environment: 'production',
  deploymentId: 'old-run',
  image: { registry: 'r', repository: 'x', digest: OLD },
  releasedAt: '2026-01-05T09:00:00Z',
};
const note = (deploymentId: string, seq: number, title: string): TimelineEntry => ({
  deploymentId,
  seq,
  at: `2026-01-05T10:0${seq}:00Z`,
  kind: 'note',
  title,
});

function ports(plan: PipelinePlan | undefined, runs: DeploymentRecord[], events: TimelineEntry[]) {
  const reads: string[] = [];
  const p = {
    config: { plan: () => plan },
    store: {
      getDeployment: async (_: string, id: string) => runs.find((r) => r.id === id),
      listDeployments: async (q: { since?: string }) => ({
        items: runs.filter((r) => !q.since || r.createdAt >= q.since),
      }),
      listEvents: async (id: string) => (reads.push(id), events.filter((e) => e.deploymentId === id)),
    },
  } as unknown as Ports;
  return { p, reads };
}

describe('serviceRings (which version runs in each ring now)', () => {
  it('an in-flight train: ring 0 runs the new digest, the ring not reached runs the last release', async () => {
    const { p, reads } = ports(
      TRAIN,
      [run('old-run', 'Succeeded', OLD, '2026-01-05T08:00:00Z'), run('new-run', 'Canary', NEW)],
      [
        note('new-run', 0, 'Staging->Canary'),
        note('new-run', 1, 'ring:west:released'),
        note('new-run', 2, 'ring:north:soak'),
      ],
    );
    const rings = await serviceRings(p, 'Api', release, 'new-run');
    expect(rings).toEqual([
      {
        name: 'west',
        region: 'westeurope',
        digest: NEW,
        deploymentId: 'new-run',
        state: 'released',
        targets: [{ cluster: 'aks-west', namespace: 'prod', argoApp: 'app-west' }],
      },
      {
        name: 'north',
        digest: OLD,
        deploymentId: 'old-run',
        state: 'soaking',
        targets: [{ cluster: 'aks-north', namespace: 'prod', argoApp: 'app-north' }],
      },
    ]);
    // Bounded: the timelines of the in-flight run and the release's, newest first.
    expect(reads).toEqual(['new-run', 'old-run']);
  });

  it('no run in flight: every ring runs the last release, read from its own run', async () => {
    const { p } = ports(
      TRAIN,
      [run('old-run', 'Succeeded', OLD)],
      [note('old-run', 0, 'ring:north:released')],
    );
    const rings = await serviceRings(p, 'Api', release, null);
    expect(rings?.map((r) => [r.name, r.digest, r.deploymentId, r.state])).toEqual([
      ['west', OLD, 'old-run', 'released'],
      ['north', OLD, 'old-run', 'released'],
    ]);
  });

  it('never released: no digest anywhere', async () => {
    const { p } = ports(TRAIN, [], []);
    const rings = await serviceRings(p, 'Api', undefined, null);
    expect(rings?.map((r) => [r.digest, r.deploymentId, r.state])).toEqual([
      [null, null, 'pending'],
      [null, null, 'pending'],
    ]);
  });

  it('is absent for a service without a train', async () => {
    const { p } = ports({ rings: [ring('only')] } as unknown as PipelinePlan, [], []);
    expect(await serviceRings(p, 'Api', release, null)).toBeUndefined();
  });

  it('after a failed run under onRingFailure: hold, the held ring shows what runs there: the failed run', async () => {
    const plan = { ...TRAIN, rings: [...(TRAIN.rings ?? []), ring('central')] } as PipelinePlan;
    const failed = {
      ...run('failed-run', 'RolledBack', NEW, '2026-01-05T11:00:00Z'),
      reason: 'ring north: sync failed; rings before north keep the new image (onRingFailure: hold)',
    };
    const { p, reads } = ports(
      plan,
      [run('old-run', 'Succeeded', OLD, '2026-01-05T08:00:00Z'), failed, run('queued', 'Queued', NEW)],
      [
        note('old-run', 0, 'ring:central:released'),
        note('failed-run', 1, 'Staging->Canary'),
        note('failed-run', 2, 'ring:west:released'),
        note('failed-run', 3, 'ring:north:started'),
      ],
    );
    const rings = await serviceRings(p, 'Api', release, null);
    expect(rings?.map((r) => [r.name, r.digest, r.deploymentId, r.state])).toEqual([
      ['west', NEW, 'failed-run', 'held'],
      // north stopped the run before its application changed, central was never reached: the release.
      ['north', OLD, 'old-run', 'released'],
      ['central', OLD, 'old-run', 'released'],
    ]);
    // A run still queued has changed nothing: never read.
    expect(reads).toEqual(['failed-run', 'old-run']);
  });

  it('a later run that rolled the held ring back to the release shows the release again', async () => {
    const { p } = ports(
      TRAIN,
      [
        run('old-run', 'Succeeded', OLD, '2026-01-05T08:00:00Z'),
        { ...run('held-run', 'RolledBack', NEW, '2026-01-05T09:00:00Z'), reason: 'ring north: x' },
        { ...run('next-run', 'RolledBack', NEW, '2026-01-05T11:00:00Z'), reason: 'analysis failed' },
      ],
      [
        note('held-run', 1, 'Staging->Canary'),
        note('held-run', 2, 'ring:west:released'),
        note('next-run', 3, 'Staging->Canary'),
        {
          ...note('next-run', 4, 'rollback:production'),
          evidence: { app: 'app-west', to: 'old-run', digest: OLD },
        },
      ],
    );
    const rings = await serviceRings(p, 'Api', release, null);
    expect(rings?.map((r) => [r.name, r.digest, r.deploymentId, r.state])).toEqual([
      ['west', OLD, 'old-run', 'released'],
      ['north', OLD, 'old-run', 'released'],
    ]);
  });
});
