import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type AzuriteHandle } from '../../devhost/durable/azurite.js';
import { PipelineHarness, principalHeaders, reader, titles } from './pipeline-harness.js';
import { NORTH_APP, submitTrain, trainYaml, TUESDAY_03 } from './train-fixture.js';

/**
 * A two-ring ApiGateway (EU West canary, EU North wave) through the compiled app over HTTP: the ring
 * orchestration is registered by the app, the rings show in `GET /api/deployments/{id}` (checked against
 * the OpenAPI document), and a failure in ring 1 rolls ring 0 back. Outside systems are the fakes.
 */
const NORTH = NORTH_APP;
const dir = mkdtempSync(join(tmpdir(), 'gantry-rings-'));
const config = join(dir, 'gantry.yaml');
writeFileSync(config, trainYaml());
/** The same train with a freeze on EU North only, over the morning the run starts in. */
const frozenConfig = join(dir, 'gantry-frozen.yaml');
const FREEZE = `          freezes:
            - { name: nordic-peak, reason: Nordic sales day, from: '2026-01-06T03:00:00Z', to: '2026-01-06T09:00:00Z' }
`;
writeFileSync(frozenConfig, trainYaml(FREEZE));

let azurite: AzuriteHandle;
let h: PipelineHarness | undefined;
beforeAll(async () => {
  azurite = await startAzurite({ location: undefined });
});
afterEach(async () => {
  await h?.close();
  h = undefined;
});
afterAll(async () => {
  await azurite?.stop();
});

async function train(configPath = config): Promise<{ x: PipelineHarness; id: string; digest: string }> {
  const x = await PipelineHarness.start({
    storage: azurite.connectionString,
    startTime: TUESDAY_03,
    configPath,
  });
  h = x;
  const { id, digest: d } = await submitTrain(x);
  return { x, id, digest: d };
}

describe('a two-ring release train (compiled app, HTTP)', () => {
  it(
    'releases EU West, soaks, then rolls out EU North; the API shows both rings',
    { timeout: 120_000 },
    async () => {
      const { x, id, digest: d } = await train();
      const view = (await x.finish(id)) as Awaited<ReturnType<PipelineHarness['finish']>> & {
        rings?: Array<{ name: string; state: string; image: string | null }>;
      };
      expect(view.deployment.state).toBe('Succeeded');
      expect(view.rings?.map((r) => [r.name, r.state, r.image])).toEqual([
        ['eu-west', 'released', d],
        ['eu-north', 'released', d],
      ]);
      expect(x.world.deploys.filter((e) => e.digest === d).map((e) => e.app)).toEqual([
        'api-gateway-staging',
        'api-gateway-prod',
        NORTH,
      ]);
      expect(titles(view.timeline)).toEqual(
        expect.arrayContaining(['ring:eu-north:soak', 'ring:eu-north:started', 'ring:eu-north:released']),
      );
      // Each ring's stage: its targets and when it started and ended (checked against the OpenAPI too).
      const [west, north] = (view.rings ?? []) as unknown as Array<{
        targets: Array<{ argoApp: string }>;
        startedAt?: string;
        endedAt?: string;
      }>;
      expect(north?.targets.map((t) => t.argoApp)).toEqual([NORTH]);
      expect(west?.targets.map((t) => t.argoApp)).toEqual(['api-gateway-prod']);
      for (const r of [west, north]) expect(Date.parse(r?.endedAt ?? '')).toBeGreaterThan(0);
      expect(Date.parse(north?.startedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(west?.endedAt ?? ''));
      // The service board: which version runs in each ring now.
      const res = await x.host.request('/api/services/ApiGateway', { headers: principalHeaders(reader) });
      expect(res.status).toBe(200);
      const board = (await res.json()) as {
        rings?: Array<{ name: string; digest: string | null; deploymentId: string | null; state: string }>;
      };
      expect(board.rings?.map((r) => [r.name, r.digest, r.deploymentId, r.state])).toEqual([
        ['eu-west', d, id, 'released'],
        ['eu-north', d, id, 'released'],
      ]);
    },
  );

  it('a failed sync in EU North stops the train and takes EU West back', { timeout: 120_000 }, async () => {
    const { x, id } = await train();
    x.world.syncOutcomes.set(NORTH, 'Failed');
    const view = (await x.finish(id)) as Awaited<ReturnType<PipelineHarness['finish']>> & {
      rings?: Array<{ name: string; state: string }>;
    };
    expect(view.deployment.state).toBe('RolledBack');
    expect(view.deployment.reason).toMatch(/^ring eu-north: /);
    expect(view.rings?.map((r) => r.state)).toEqual(['rolled-back', 'rolled-back']);
    expect(x.world.rollbacks.map((r) => r.app)).toEqual(expect.arrayContaining([NORTH, 'api-gateway-prod']));
  });

  it('a freeze on EU North holds the train at its border until it lifts', { timeout: 120_000 }, async () => {
    const { x, id, digest: d } = await train(frozenConfig);
    const view = await x.finish(id);
    expect(view.deployment.state).toBe('Succeeded');
    const entry = (title: string) => view.timeline.find((e) => e.title === title);
    expect(entry('ring:eu-north:frozen')?.evidence).toMatchObject({ until: '2026-01-06T09:00:00.000Z' });
    expect(Date.parse(entry('ring:eu-north:started')?.at ?? '')).toBeGreaterThanOrEqual(
      Date.parse('2026-01-06T09:00:00Z'),
    );
    expect(x.world.deploys.filter((e) => e.digest === d).map((e) => e.app)).toContain(NORTH);
  });
});
