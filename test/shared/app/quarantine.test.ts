import { describe, expect, it } from 'vitest';
import { FileConfigSource } from '../../../shared/adapters/config-file.js';
import { record } from '../../../shared/activities/record.js';
import { takeNext } from '../../../shared/activities/queue.js';
import { submitImage } from '../../../shared/app/deployments.js';
import { AppError } from '../../../shared/app/errors.js';
import type { Principal } from '../../../shared/app/principal.js';
import { liftHold, liftQuarantine, quarantineView } from '../../../shared/app/quarantine.js';
import { retryDeployment } from '../../../shared/app/retry.js';
import { rollbackService } from '../../../shared/app/rollback.js';
import { acceptPush } from '../../../shared/app/triggers.js';
import type { DeploymentState } from '../../../shared/domain/deployment.js';
import type { Ports } from '../../../shared/ports/index.js';
import type { OrchestrationControl } from '../../../shared/ports/orchestration-control.js';
import { MemoryRunStore } from '../../fakes/memory-run-store.js';
import { FakeWorld } from '../../fakes/world.js';

const config = FileConfigSource.load('config/gantry.example.yaml');
const AT = '2026-01-05T12:00:00.000Z';
const LATER = '2026-01-05T13:00:00.000Z';
const digest = (c: string): string => `sha256:${c.repeat(64)}`;
const BAD = digest('5');
const NEXT = digest('6');
const FIRST = 'apigateway-555555555555';
const image = (d: string, tag = '1.4.0') => `hearloveen.azurecr.io/api-gateway:${tag}@${d}`;
const olivia: Principal = { name: 'olivia', groups: [], roles: ['Gantry.Operator'], source: 'development' };

function setup() {
  const store = new MemoryRunStore();
  const lanes: Array<[string, string]> = [];
  const control = {
    ensureLane: async (service: string, key: string) => void lanes.push([service, key]),
    status: async () => undefined,
    start: async () => 'started',
  } as unknown as OrchestrationControl;
  const ports = {
    config,
    store,
    notifier: new FakeWorld(),
    clock: { now: () => Date.parse(AT) },
  } as unknown as Ports;
  return { store, lanes, control, ports };
}
type Env = ReturnType<typeof setup>;

const push = (env: Env, d: string, at = AT) =>
  submitImage(env.ports, env.control, { service: 'ApiGateway', image: image(d), source: 'event-grid', at });

/** The lane takes the pushed image and its run ends `from->to`, as the pipeline records it. */
async function runEnds(env: Env, from: DeploymentState, to: DeploymentState, abortBy?: string) {
  await push(env, BAD);
  const taken = await takeNext(env.ports, { service: 'ApiGateway', at: AT });
  expect(taken.run?.deployment.id).toBe(FIRST);
  if (abortBy)
    await env.store.updateDeployment('ApiGateway', FIRST, (d) => ({
      ...d,
      interrupts: [{ kind: 'abort', actor: abortBy, reason: 'looks wrong', at: AT }],
    }));
  await env.store.updateDeployment('ApiGateway', FIRST, (d) => ({ ...d, state: from }));
  const closing = {
    deploymentId: FIRST,
    service: 'ApiGateway',
    entry: { seq: 99, at: AT, kind: 'transition' as const, title: `${from}->${to}` },
    transition: { to, reason: 'analysis: error rate 7% > 1%' },
  };
  await record(env.ports, closing);
  await record(env.ports, closing); // a retried activity changes nothing
  await env.store.setQueueState('ApiGateway', BAD, 'done');
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

describe('quarantine after a run rolled back', () => {
  it('quarantines the digest and holds the lane after an automatic rollback in production', async () => {
    const env = setup();
    await runEnds(env, 'Canary', 'RolledBack');
    const view = await quarantineView(env.ports, 'ApiGateway');
    expect(view.quarantined).toEqual([
      {
        service: 'ApiGateway',
        digest: BAD,
        deploymentId: FIRST,
        reason: 'analysis: error rate 7% > 1%',
        cause: 'automatic',
        at: AT,
      },
    ]);
    expect(view.hold).toMatchObject({ environment: 'production', deploymentId: FIRST });
  });

  it('quarantines without a hold when a person aborted the canary', async () => {
    const env = setup();
    await runEnds(env, 'Canary', 'RolledBack', 'ada');
    const view = await quarantineView(env.ports, 'ApiGateway');
    expect(view.quarantined[0]).toMatchObject({ cause: 'person', actor: 'ada' });
    expect(view.hold).toBeNull();
  });

  it.each<DeploymentState>(['Succeeded', 'Failed', 'Cancelled'])(
    'leaves a run ending %s alone',
    async (to) => {
      const env = setup();
      await runEnds(env, 'Verifying', to);
      expect(await quarantineView(env.ports, 'ApiGateway')).toEqual({
        quarantined: [],
        liftedQuarantine: [],
        hold: null,
      });
    },
  );

  it('refuses a push, a registry delivery and a retry of the digest, counting each on the row', async () => {
    const env = setup();
    await runEnds(env, 'Canary', 'RolledBack');
    expect(await refusal(push(env, BAD))).toMatchObject({
      status: 409,
      code: 'digest-quarantined',
      details: { deploymentId: FIRST, run: `/api/deployments/${FIRST}` },
    });
    const delivered = await acceptPush(
      env.ports,
      env.control,
      {
        kind: 'pushed',
        registry: 'hearloveen.azurecr.io',
        repository: 'api-gateway',
        tag: '1.4.0',
        digest: BAD,
      },
      'event-grid',
    );
    expect(delivered).toMatchObject({ outcome: 'refused', code: 'digest-quarantined' });
    expect(
      await refusal(retryDeployment(env.ports, env.control, { id: FIRST, actor: 'ada', at: AT })),
    ).toMatchObject({
      status: 409,
      code: 'digest-quarantined',
    });
    expect((await env.store.getQuarantine('ApiGateway', BAD))?.refusals).toEqual({
      count: 3,
      lastAt: AT,
      lastSource: 'retry',
    });
    expect(await env.store.findDeployment(`${FIRST}-r1`)).toBeUndefined();
  });

  it('lets an Operator lift it with a reason (audited), after which the retry runs', async () => {
    const env = setup();
    await runEnds(env, 'Canary', 'RolledBack');
    const lift = (over: Partial<Parameters<typeof liftQuarantine>[1]> = {}) =>
      liftQuarantine(env.ports, {
        service: 'apigateway',
        digest: BAD,
        principal: olivia,
        reason: 'the alert was a false positive',
        at: LATER,
        ...over,
      });
    expect(await refusal(lift({ reason: '  ' }))).toMatchObject({ status: 400, code: 'reason-required' });
    expect(await refusal(lift({ digest: 'sha256:xyz' }))).toMatchObject({
      status: 400,
      code: 'invalid-digest',
    });
    expect(await refusal(lift({ digest: NEXT }))).toMatchObject({ status: 404, code: 'not-quarantined' });
    expect(await refusal(lift({ service: 'Nope' }))).toMatchObject({ status: 404, code: 'unknown-service' });
    const lifted = await lift();
    expect(lifted.lifted).toEqual({ by: 'olivia', reason: 'the alert was a false positive', at: LATER });
    expect(await refusal(lift())).toMatchObject({ status: 409, code: 'already-lifted' });
    const audit = (await env.store.listEvents(FIRST)).find((e) => e.title === 'quarantine:lifted');
    expect(audit).toMatchObject({ actor: 'olivia', comment: 'the alert was a false positive' });
    const view = await quarantineView(env.ports, 'ApiGateway');
    expect(view.quarantined).toEqual([]);
    expect(view.liftedQuarantine.map((q) => q.digest)).toEqual([BAD]);
    expect((await push(env, BAD)).created).toBe(false);
    const { deployment } = await retryDeployment(env.ports, env.control, {
      id: FIRST,
      actor: 'ada',
      at: LATER,
    });
    expect(deployment).toMatchObject({ id: `${FIRST}-r1`, state: 'Queued' });
  });
});

describe('lane hold', () => {
  it('keeps a new push queued until an Operator lifts the hold, then the lane takes it', async () => {
    const env = setup();
    await runEnds(env, 'Verifying', 'RolledBack');
    await push(env, NEXT, LATER);
    const held = await takeNext(env.ports, { service: 'ApiGateway', at: LATER });
    expect(held).toEqual({
      superseded: [],
      held: { deploymentId: FIRST, reason: expect.stringContaining('automatic rollback'), since: AT },
    });
    expect((await env.store.listQueue('ApiGateway')).find((q) => q.digest === NEXT)?.state).toBe('queued');
    const lift = () =>
      liftHold(env.ports, env.control, {
        service: 'ApiGateway',
        principal: olivia,
        reason: 'fixed',
        at: LATER,
      });
    env.lanes.length = 0;
    expect((await lift()).lifted).toEqual({ by: 'olivia', reason: 'fixed', at: LATER });
    expect(env.lanes).toEqual([['ApiGateway', NEXT]]);
    expect(await refusal(lift())).toMatchObject({ status: 409, code: 'not-held' });
    expect((await env.store.listEvents(FIRST)).some((e) => e.title === 'hold:lifted')).toBe(true);
    const taken = await takeNext(env.ports, { service: 'ApiGateway', at: LATER });
    expect(taken.run?.deployment.image.digest).toBe(NEXT);
  });
});

describe('service rollback', () => {
  async function rollbackFromBad(env: Env, automatic?: boolean) {
    const release = (d: string, id: string, at: string) =>
      env.store.recordRelease({
        service: 'ApiGateway',
        environment: 'production',
        deploymentId: id,
        image: { registry: 'hearloveen.azurecr.io', repository: 'api-gateway', digest: d },
        releasedAt: at,
      });
    await release(NEXT, 'apigateway-666666666666', AT);
    await release(BAD, FIRST, LATER);
    await rollbackService(env.ports, env.control, {
      service: 'ApiGateway',
      comment: 'p99 doubled',
      principal: olivia,
      at: LATER,
      ...(automatic !== undefined && { automatic }),
    });
  }

  it('quarantines the digest production is rolled back from, as a person, without a hold', async () => {
    const env = setup();
    await rollbackFromBad(env);
    expect(await env.store.getQuarantine('ApiGateway', BAD)).toMatchObject({
      deploymentId: FIRST,
      cause: 'person',
      actor: 'olivia',
      reason: 'service rolled back by olivia: p99 doubled',
    });
    expect(await env.store.getHold('ApiGateway')).toBeUndefined();
  });

  it('quarantines as automatic and holds the lane when no person asked for it (an alert)', async () => {
    const env = setup();
    await rollbackFromBad(env, true);
    expect(await env.store.getQuarantine('ApiGateway', BAD)).toMatchObject({ cause: 'automatic' });
    expect(await env.store.getHold('ApiGateway')).toMatchObject({
      deploymentId: FIRST,
      environment: 'production',
      reason: 'automatic rollback of apigateway-555555555555: service rolled back by olivia: p99 doubled',
    });
  });
});
