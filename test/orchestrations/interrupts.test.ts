import { afterEach, describe, expect, it } from 'vitest';
import { FileConfigSource } from '../../shared/adapters/config-file.js';
import { decide } from '../../shared/app/approvals.js';
import { PHASES, phaseInstanceId, type Phase } from '../../shared/contracts/events.js';
import type { DeploymentState } from '../../shared/domain/deployment.js';
import { AUTO_APPROVAL, image, LKG, PROD_APP, withLastKnownGood } from './chaos-fixtures.js';
import { atTransition, Orchestrations, type ActivityHook } from './harness.js';

const TRAFFIC: ReadonlySet<Phase> = new Set(['canary', 'promotion', 'verification']);

let o: Orchestrations | undefined;
afterEach(async () => {
  await o?.close();
  o = undefined;
});

/**
 * The gaps between two yields of the pipeline, from its own phase list: before each phase (the
 * pipeline has recorded the transition but not started the phase instance) and after the last one.
 */
const GAPS = [...PHASES.map((phase) => ({ before: phase as Phase | 'end' })), { before: 'end' as const }];

/** Delivers `deliver` once, before the `n`th claim of the run's end (1: verification, 2: the pipeline). */
function atClaim(n: number, deliver: () => Promise<void>): ActivityHook {
  let seen = 0;
  return async (name) => {
    if (name === 'claimFinish' && ++seen === n) await deliver();
  };
}

const expectedState = (kind: 'cancel' | 'abort', phase: Phase): DeploymentState =>
  kind === 'abort' && TRAFFIC.has(phase) ? 'RolledBack' : 'Cancelled';

describe('an interrupt accepted in any gap between two yields of the pipeline is honoured', () => {
  const cases = GAPS.flatMap(({ before }) =>
    (['cancel', 'abort'] as const).map((kind) => ({ before, kind })),
  );

  it.each(cases)('$kind before $before', async ({ before, kind }) => {
    let answer: Promise<unknown> | undefined;
    let id = '';
    const deliver = async (): Promise<void> => {
      answer = (o as Orchestrations).interrupt(id, kind, 'in the gap');
      await answer.catch(() => undefined);
    };
    const hook = before === 'end' ? atClaim(2, deliver) : atTransition(before, deliver);
    o = await Orchestrations.start({ startTime: AUTO_APPROVAL, onActivity: (n, i) => hook(n, i) });
    await withLastKnownGood(o);
    id = (await o.submit(image())).id;
    if (before === 'end' || PHASES.indexOf(before) > PHASES.indexOf('tests')) await o.completeTests(id);
    const done = await o.finish(id);
    expect(answer).toBeDefined();
    const app = o.world.apps.get(PROD_APP);
    if (before === 'end') {
      // The run had claimed its end: the API says so instead of accepting what nothing would honour.
      await expect(answer).rejects.toMatchObject({ status: 409, code: 'deployment-finished' });
      expect(done.state).toBe('Succeeded');
      expect(app?.image?.digest).toBe(done.image.digest);
      return;
    }
    await expect(answer).resolves.toMatchObject({ id });
    expect(done.state).toBe(expectedState(kind, before));
    expect(done.reason).toBe(`${kind} by ops: in the gap`);
    // No phase after the gap ever started, and production points at the last known good image.
    for (const later of PHASES.slice(PHASES.indexOf(before) + 1))
      expect(await o.h.engine.getInstance(phaseInstanceId(id, later))).toBeUndefined();
    expect(app?.image?.digest).toBe(LKG.digest);
    expect(o.world.weight).toBe(0);
    expect((await o.ports.store.listReleases('ApiGateway', 'production'))[0]?.deploymentId).not.toBe(id);
  });

  it('an interrupt accepted just before the release is claimed rolls production back', async () => {
    let id = '';
    const hook = atClaim(1, async () => {
      await (o as Orchestrations).interrupt(id, 'cancel', 'last second');
    });
    o = await Orchestrations.start({ startTime: AUTO_APPROVAL, onActivity: hook });
    await withLastKnownGood(o);
    id = (await o.submit(image())).id;
    await o.completeTests(id);
    const done = await o.finish(id);
    expect(done.state).toBe('Cancelled');
    expect(o.world.apps.get(PROD_APP)?.image?.digest).toBe(LKG.digest);
    const [current] = await o.ports.store.listReleases('ApiGateway', 'production');
    expect(current?.image.digest).toBe(LKG.digest);
    const titles = (await o.ports.store.listEvents(id)).map((e) => e.title);
    expect(titles).toContain('rollback:production');
    expect(titles).not.toContain('release:last-known-good');
  });

  it('an interrupt after the run completed is answered 409 and changes nothing', async () => {
    o = await Orchestrations.start({ startTime: AUTO_APPROVAL });
    await withLastKnownGood(o);
    const { id } = await o.submit(image());
    await o.completeTests(id);
    const done = await o.finish(id);
    for (const kind of ['cancel', 'abort'] as const)
      await expect(o.interrupt(id, kind)).rejects.toMatchObject({ status: 409 });
    expect(await o.ports.store.findDeployment(id)).toEqual(done);
  });

  it('409 when the record is not terminal yet but the pipeline instance has completed', async () => {
    o = await Orchestrations.start({ startTime: AUTO_APPROVAL });
    const { id } = await o.submit(image());
    await o.completeTests(id);
    await o.finish(id);
    // As if the final record write had not landed yet: the instance status decides.
    await o.ports.store.updateDeployment('ApiGateway', id, (d) => ({
      ...d,
      state: 'Verifying',
      finishing: false,
    }));
    await expect(o.interrupt(id, 'cancel')).rejects.toMatchObject({ status: 409 });
    expect((await o.ports.store.findDeployment(id))?.interrupts).toBeUndefined();
  });
});

describe('approve and cancel close together', () => {
  const DELAYS = [0, 1, 5, 40];

  it.each(DELAYS)('approve, then cancel %i ms later: Cancelled, production untouched', async (ms) => {
    o = await Orchestrations.start();
    await withLastKnownGood(o);
    const { id } = await o.submit(image());
    await o.completeTests(id);
    await o.approve(id);
    o.h.clock.advance(ms);
    await o.interrupt(id, 'cancel', 'wrong build');
    const done = await o.finish(id);
    expect(done.state).toBe('Cancelled');
    expect(done.reason).toBe('cancel by ops: wrong build');
    expect(o.world.apps.get(PROD_APP)?.image?.digest).toBe(LKG.digest);
    expect(o.world.weight).toBe(0);
  });

  it.each(DELAYS)('cancel, then approve %i ms later: Cancelled, the approval is refused', async (ms) => {
    o = await Orchestrations.start();
    await withLastKnownGood(o);
    const { id } = await o.submit(image());
    await o.completeTests(id);
    await o.waitForPhase(id, 'approval', 'approval');
    await o.interrupt(id, 'cancel', 'wrong build');
    o.h.clock.advance(ms);
    const approval = decide(o.ports, o.control, {
      id,
      principal: { name: 'ada', groups: ['devops-team'], roles: ['Gantry.Approver'], source: 'development' },
      decision: 'approve',
      comment: 'ok',
      at: o.nowIso(),
    }).then(
      () => 'accepted',
      (e: { status?: number }) => e.status,
    );
    const done = await o.finish(id);
    expect(done.state).toBe('Cancelled');
    // Either refused outright or accepted by a phase that had already stopped: never a release.
    expect(['accepted', 409]).toContain(await approval);
    expect(o.world.apps.get(PROD_APP)?.image?.digest).toBe(LKG.digest);
    expect(o.world.weights).toEqual([]);
  });
});

describe('abort at each weight step', () => {
  const plan = FileConfigSource.load('config/gantry.example.yaml').plan('ApiGateway');
  const steps = plan?.canary.steps.map((s) => s.weight) ?? [];

  it.each(steps)('abort once the weight is %i takes traffic back and leaves production alone', async (w) => {
    let id = '';
    let answer: Promise<unknown> | undefined;
    const atWeight: ActivityHook = async (name, input) => {
      // The step's weight change is set and recorded by one `setWeight` activity (with its `record`).
      const step = input as { weight?: number; record?: unknown };
      if (answer || name !== 'setWeight' || !step.record || step.weight !== w) return;
      answer = (o as Orchestrations).interrupt(id, 'abort', `at ${w}%`);
      await answer;
    };
    o = await Orchestrations.start({ startTime: AUTO_APPROVAL, onActivity: atWeight });
    await withLastKnownGood(o);
    id = (await o.submit(image())).id;
    await o.completeTests(id);
    const done = await o.finish(id);
    await expect(answer).resolves.toMatchObject({ id });
    expect(done.state).toBe('RolledBack');
    expect(done.reason).toBe(`abort by ops: at ${w}%`);
    expect(o.world.weights).toEqual([...steps.slice(0, steps.indexOf(w) + 1), 0]);
    expect(o.world.scales.at(-1)).toEqual({ deployment: 'api-gateway-canary', replicas: 0 });
    expect(o.world.apps.get(PROD_APP)?.image?.digest).toBe(LKG.digest);
    expect(await o.h.engine.getInstance(phaseInstanceId(id, 'promotion'))).toBeUndefined();
  });
});
