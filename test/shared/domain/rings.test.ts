import { describe, expect, it } from 'vitest';
import type { RunInput } from '../../../shared/contracts/activities.js';
import type { FreezeWindow, ProductionTarget, RingSpec } from '../../../shared/contracts/plan.js';
import {
  isTrain,
  ringBorder,
  ringPhaseInstanceId,
  ringPhases,
  ringRun,
  ringsToRestore,
  ringTargetInstanceId,
} from '../../../shared/domain/rings.js';

const target = (app: string): ProductionTarget => ({
  subscriptionId: '00000000-0000-0000-0000-000000000000',
  resourceGroup: 'rg',
  cluster: `aks-${app}`,
  namespace: 'prod',
  deployment: 'api',
  canaryDeployment: 'api-canary',
  router: { kind: 'replicas', deployment: 'api', canaryDeployment: 'api-canary' },
  argoApp: app,
  image: { kind: 'kustomize-image', name: 'api' },
});
const verification = { window: 600_000, interval: 60_000, rules: [] };
const canary = { steps: [{ weight: 10, duration: 60_000 }], interval: 60_000, threshold: 1, metrics: [] };
const ring = (name: string, apps: string[], withCanary = true): RingSpec => ({
  name,
  targets: apps.map(target),
  ...(withCanary && { canary }),
  verification,
  soak: 0,
  freezes: [],
});
const RINGS = [ring('r0', ['a0']), ring('r1', ['a1', 'b1']), ring('r2', ['a2']), ring('r3', ['a3'])];
const apps = (r: ReturnType<typeof ringsToRestore>): string[] => r.apps.map((a) => `${a.ring}/${a.app}`);

describe('ringsToRestore (failure policy)', () => {
  it.each<[string, number, number, 'rollback-all' | 'hold', string[], boolean]>([
    ['ring 1 failed in its canary, roll back all', 1, 0, 'rollback-all', [], true],
    ['ring 1 failed after its first rollout', 1, 1, 'rollback-all', ['r1/a1'], true],
    ['ring 1 failed after both rollouts, latest first', 1, 2, 'rollback-all', ['r1/b1', 'r1/a1'], true],
    ['ring 2 failed: ring 1 goes back too', 2, 1, 'rollback-all', ['r2/a2', 'r1/b1', 'r1/a1'], true],
    ['ring 3 failed in its canary: rings 2 and 1', 3, 0, 'rollback-all', ['r2/a2', 'r1/b1', 'r1/a1'], true],
    ['hold: only the failed ring', 2, 1, 'hold', ['r2/a2'], false],
    ['hold, failed before rollout: nothing', 3, 0, 'hold', [], false],
  ])('%s', (_, failed, promoted, policy, expected, ring0) => {
    const r = ringsToRestore(RINGS, failed, promoted, policy);
    expect(apps(r)).toEqual(expected);
    expect(r.ring0).toBe(ring0);
    expect(r.apps.every((a) => a.binding.kind === 'kustomize-image')).toBe(true);
  });

  it('defaults to rollback-all', () => {
    expect(apps(ringsToRestore(RINGS, 2, 0))).toEqual(['r1/b1', 'r1/a1']);
  });
});

describe('ringBorder (freezes at a ring border)', () => {
  const once: FreezeWindow = {
    kind: 'once',
    name: 'fair',
    reason: 'peak',
    from: '2026-01-05T00:00:00Z',
    to: '2026-01-05T12:00:00Z',
  };
  const next: FreezeWindow = {
    ...once,
    name: 'after',
    from: '2026-01-05T12:00:00Z',
    to: '2026-01-05T14:00:00Z',
  };
  it.each<[string, FreezeWindow[], string, string | undefined]>([
    ['no freezes: open', [], '2026-01-05T10:00:00Z', undefined],
    ['before the freeze: open', [once], '2026-01-04T23:59:00Z', undefined],
    ['in the freeze: wait until it lifts', [once], '2026-01-05T10:00:00Z', '2026-01-05T12:00:00.000Z'],
    [
      'back-to-back freezes: until the last lifts',
      [once, next],
      '2026-01-05T10:00:00Z',
      '2026-01-05T14:00:00.000Z',
    ],
    ['at the end instant: open', [once], '2026-01-05T12:00:00Z', undefined],
  ])('%s', (_, freezes, at, until) => {
    const border = ringBorder(freezes, Date.parse(at));
    expect(border.kind === 'frozen' ? border.until.toISOString() : undefined).toBe(until);
  });
});

describe('ring runs', () => {
  const run = {
    deployment: { id: 'd1', weight: 50 },
    plan: { canary: { ...canary, steps: [] }, verification, rings: RINGS, production: target('a0') },
  } as unknown as RunInput;

  it('runs one target of a ring as production, with the ring canary and verification', () => {
    const r = ringRun(run, 1, 1);
    expect(r.plan.production.argoApp).toBe('b1');
    expect(r.plan.canary).toBe(canary);
    expect(r.deployment.weight).toBe(0);
    // A ring of several targets runs them side by side, each in its own lane of timeline seqs.
    expect(r.train).toEqual({ ring: 'r1', last: false, lane: { index: 1, of: 2 } });
    expect(ringRun(run, 3, 0).train).toEqual({ ring: 'r3', last: true });
    expect(() => ringRun(run, 4, 0)).toThrow(RangeError);
  });

  it('names phases per ring and target, and skips the canary of a rollout ring', () => {
    expect(ringPhaseInstanceId('d1', 'canary', 'r1', 0)).toBe('deploy:d1:canary@r1');
    expect(ringPhaseInstanceId('d1', 'canary', 'r1', 1)).toBe('deploy:d1:canary@r1.1');
    // The never-throwing wrapper of each target's phase (the ring fans out over these).
    expect(ringTargetInstanceId('d1', 'promotion', 'r1', 0)).toBe('deploy:d1:target-promotion@r1');
    expect(ringTargetInstanceId('d1', 'promotion', 'r1', 2)).toBe('deploy:d1:target-promotion@r1.2');
    expect(ringPhases(ring('x', ['x'], false))).toEqual(['promotion', 'verification']);
    expect(ringPhases(ring('x', ['x']))).toEqual(['canary', 'promotion', 'verification']);
    expect(isTrain(run.plan)).toBe(true);
    expect(isTrain({ ...run.plan, rings: [ring('only', ['a'])] })).toBe(false);
    expect(isTrain({ ...run.plan, rings: undefined })).toBe(false);
  });
});
