import { describe, expect, it } from 'vitest';
import { FileConfigSource } from '../../../shared/adapters/config-file.js';
import { submitImage } from '../../../shared/app/deployments.js';
import { AppError } from '../../../shared/app/errors.js';
import { retryDeployment } from '../../../shared/app/retry.js';
import type { DeploymentState } from '../../../shared/domain/deployment.js';
import type { Ports } from '../../../shared/ports/index.js';
import type { OrchestrationControl } from '../../../shared/ports/orchestration-control.js';
import { MemoryRunStore } from '../../fakes/memory-run-store.js';

const config = FileConfigSource.load('config/gantry.example.yaml');
const AT = '2026-01-05T12:00:00.000Z';
const LATER = '2026-01-05T12:05:00.000Z';
const D = `sha256:${'5'.repeat(64)}`;
const IMAGE = `hearloveen.azurecr.io/api-gateway:1.4.0@${D}`;
const FIRST = 'apigateway-555555555555';

function setup() {
  const store = new MemoryRunStore();
  const lanes: Array<[string, string]> = [];
  const control = {
    ensureLane: async (service: string, key: string) => void lanes.push([service, key]),
  } as unknown as OrchestrationControl;
  const ports = { config, store, clock: { now: () => Date.parse(AT) } } as unknown as Ports;
  return { store, lanes, control, ports };
}

/** A pushed image whose run ended in `state`. */
async function finished(env: ReturnType<typeof setup>, state: DeploymentState) {
  await submitImage(env.ports, env.control, {
    service: 'ApiGateway',
    image: IMAGE,
    source: 'event-grid',
    pushedBy: 'ci-bot',
    commitSha: 'acb5820ced9479c074f688cc328bf03f341a511d',
    at: AT,
  });
  await env.store.setQueueState('ApiGateway', D, 'done');
  await env.store.updateDeployment('ApiGateway', FIRST, (d) => ({ ...d, state, reason: 'gate failed' }));
  env.lanes.length = 0;
}

const refusal = async (p: Promise<unknown>) => {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  const e = error as AppError;
  return { status: e.status, code: e.code, details: e.details };
};

describe('retryDeployment', () => {
  it('queues a new run of the same image that links to the first, audited on both timelines', async () => {
    const env = setup();
    await finished(env, 'Failed');
    const { deployment, retryOf } = await retryDeployment(env.ports, env.control, {
      id: FIRST,
      actor: 'ada',
      comment: 'flaky smoke test',
      at: LATER,
    });
    expect(deployment).toMatchObject({
      id: `${FIRST}-r1`,
      service: 'ApiGateway',
      state: 'Queued',
      image: { digest: D, tag: '1.4.0' },
      source: 'event-grid',
      pushedBy: 'ci-bot',
      commitSha: 'acb5820ced9479c074f688cc328bf03f341a511d',
      createdAt: LATER,
      retryOf: FIRST,
    });
    expect(retryOf).toMatchObject({ id: FIRST, state: 'Failed', retriedBy: `${FIRST}-r1` });
    expect(await env.store.listQueue('ApiGateway')).toEqual([
      expect.objectContaining({ digest: D, state: 'done', deploymentId: FIRST }),
      expect.objectContaining({ digest: `${D}-r1`, state: 'queued', deploymentId: `${FIRST}-r1` }),
    ]);
    expect(env.lanes).toEqual([['ApiGateway', `${D}-r1`]]);
    const [queued] = await env.store.listEvents(`${FIRST}-r1`);
    expect(queued).toMatchObject({ title: '->Queued', actor: 'ada', comment: 'flaky smoke test' });
    expect(queued?.evidence).toMatchObject({ source: 'retry', retryOf: FIRST });
    const first = await env.store.listEvents(FIRST);
    expect(first.at(-1)).toMatchObject({
      kind: 'action',
      title: 'retry',
      actor: 'ada',
      comment: 'flaky smoke test',
      evidence: { retriedBy: `${FIRST}-r1`, previousState: 'Failed' },
    });
  });

  it('keeps pushes idempotent: the same digest pushed again is still the first run', async () => {
    const env = setup();
    await finished(env, 'Cancelled');
    await retryDeployment(env.ports, env.control, { id: FIRST, actor: 'ada', at: LATER });
    const again = await submitImage(env.ports, env.control, {
      service: 'ApiGateway',
      image: IMAGE,
      source: 'event-grid',
      at: LATER,
    });
    expect(again.created).toBe(false);
    expect(again.deployment).toMatchObject({ id: FIRST, state: 'Cancelled', retriedBy: `${FIRST}-r1` });
    expect((await env.store.listQueue('ApiGateway')).map((q) => [q.digest, q.state])).toEqual([
      [D, 'done'],
      [`${D}-r1`, 'queued'],
    ]);
  });

  it.each<[DeploymentState, string]>([
    ['Succeeded', 'deployment-succeeded'],
    ['Canary', 'deployment-not-finished'],
    ['Queued', 'deployment-not-finished'],
    ['Superseded', 'not-retryable'],
  ])('refuses a %s deployment with 409 %s, writing nothing', async (state, code) => {
    const env = setup();
    await finished(env, state);
    const before = await env.store.listEvents(FIRST);
    expect(
      await refusal(retryDeployment(env.ports, env.control, { id: FIRST, actor: 'ada', at: LATER })),
    ).toEqual({
      status: 409,
      code,
      details: { deployment: FIRST },
    });
    expect(await env.store.findDeployment(`${FIRST}-r1`)).toBeUndefined();
    expect(await env.store.listEvents(FIRST)).toEqual(before);
    expect(env.lanes).toEqual([]);
  });

  it('404s an unknown deployment', async () => {
    const env = setup();
    expect(
      await refusal(retryDeployment(env.ports, env.control, { id: FIRST, actor: 'ada', at: LATER })),
    ).toMatchObject({
      status: 404,
      code: 'deployment-not-found',
    });
  });

  it('makes two racing retries one run; the other is told which', async () => {
    const env = setup();
    await finished(env, 'RolledBack');
    const results = await Promise.allSettled([
      retryDeployment(env.ports, env.control, { id: FIRST, actor: 'ada', at: LATER }),
      retryDeployment(env.ports, env.control, { id: FIRST, actor: 'linus', at: LATER }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]?.reason).toMatchObject({
      status: 409,
      code: 'retry-exists',
      details: { retriedBy: `${FIRST}-r1` },
    });
    const all = (await env.store.listDeployments({ service: 'ApiGateway' })).items.map((d) => d.id);
    expect(all).toEqual([FIRST, `${FIRST}-r1`]);
    expect((await env.store.listEvents(`${FIRST}-r1`)).filter((e) => e.title === '->Queued')).toHaveLength(1);
  });

  it('refuses a second retry while the first is unfinished, and after it ended (retry the latest)', async () => {
    const env = setup();
    await finished(env, 'Failed');
    await retryDeployment(env.ports, env.control, { id: FIRST, actor: 'ada', at: LATER });
    expect(
      await refusal(retryDeployment(env.ports, env.control, { id: FIRST, actor: 'ada', at: LATER })),
    ).toMatchObject({
      status: 409,
      code: 'retry-exists',
      details: { retriedBy: `${FIRST}-r1`, retryState: 'Queued' },
    });
    expect(
      await refusal(retryDeployment(env.ports, env.control, { id: `${FIRST}-r1`, actor: 'ada', at: LATER })),
    ).toMatchObject({
      status: 409,
      code: 'deployment-not-finished',
    });
    await env.store.updateDeployment('ApiGateway', `${FIRST}-r1`, (d) => ({ ...d, state: 'Failed' }));
    const second = await retryDeployment(env.ports, env.control, {
      id: `${FIRST}-r1`,
      actor: 'ada',
      at: LATER,
    });
    expect(second.deployment).toMatchObject({ id: `${FIRST}-r2`, retryOf: `${FIRST}-r1` });
    expect(
      await refusal(retryDeployment(env.ports, env.control, { id: FIRST, actor: 'ada', at: LATER })),
    ).toMatchObject({
      code: 'retry-exists',
      details: { retriedBy: `${FIRST}-r1`, retryState: 'Failed' },
    });
  });

  it('completes a retry interrupted after its record was written: linked, queued, lane woken; still 409', async () => {
    const env = setup();
    await finished(env, 'Failed');
    const first = await env.store.findDeployment(FIRST);
    await env.store.createDeployment({ ...first!, id: `${FIRST}-r1`, state: 'Queued', retryOf: FIRST });
    expect(
      await refusal(retryDeployment(env.ports, env.control, { id: FIRST, actor: 'ada', at: LATER })),
    ).toMatchObject({
      code: 'retry-exists',
    });
    expect(await env.store.findDeployment(FIRST)).toMatchObject({ retriedBy: `${FIRST}-r1` });
    expect((await env.store.listQueue('ApiGateway')).at(-1)).toMatchObject({
      digest: `${D}-r1`,
      state: 'queued',
    });
    expect(env.lanes).toEqual([['ApiGateway', `${D}-r1`]]);
  });
});
