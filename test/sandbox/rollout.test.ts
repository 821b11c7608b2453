import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../devhost/durable/clock.js';
import {
  deploymentImage,
  deploymentRollout,
  newDeployment,
  ROLLOUT_STARTED_ANNOTATION,
  setDeploymentImage,
} from '../../sandbox/rollout.js';
import { SandboxWorld } from '../../sandbox/world.js';

const IMG_A = 'reg.example.io/web:v1';
const IMG_B = 'reg.example.io/web:v2';

function setup(replicas = 2) {
  const clock = new VirtualClock();
  const world = new SandboxWorld(clock);
  const seeded = world.put(newDeployment('prod', 'web', IMG_A, replicas));
  return { clock, world, seeded };
}

const conditionReason = (status: Record<string, unknown>, type: string) =>
  (status.conditions as Array<{ type: string; reason: string }>).find((c) => c.type === type)?.reason;

describe('deploymentRollout', () => {
  it('treats a seeded Deployment without the start annotation as rolled out', () => {
    const { world, seeded } = setup();
    const r = deploymentRollout(world, seeded);
    expect(r).toMatchObject({ complete: true, failed: false, crashLooping: false, image: IMG_A });
    expect(r.status).toMatchObject({
      observedGeneration: 1,
      replicas: 2,
      updatedReplicas: 2,
      availableReplicas: 2,
    });
    expect(conditionReason(r.status, 'Progressing')).toBe('NewReplicaSetAvailable');
  });

  it('completes 30 s of virtual time after the image changes', () => {
    const { clock, world, seeded } = setup();
    const changed = setDeploymentImage(world, seeded, IMG_B);
    expect(changed.metadata.generation).toBe(2);
    expect(changed.metadata.annotations?.[ROLLOUT_STARTED_ANNOTATION]).toBe(world.nowIso());
    expect(deploymentImage(changed)).toBe(IMG_B);
    clock.advance(29_999);
    const during = deploymentRollout(world, changed);
    expect(during.complete).toBe(false);
    expect(during.message).toContain('old replicas are pending termination');
    expect(during.status).toMatchObject({ replicas: 4, unavailableReplicas: 2 });
    clock.advance(1);
    const after = deploymentRollout(world, changed);
    expect(after.complete).toBe(true);
    expect(after.message).toBe('deployment "web" successfully rolled out');
  });

  it('never completes a crash-looping image and fails it at the progress deadline', () => {
    const { clock, world, seeded } = setup();
    world.faults.set('v2', { crashLoop: true });
    const changed = setDeploymentImage(world, seeded, IMG_B);
    clock.advance(599_000);
    expect(deploymentRollout(world, changed)).toMatchObject({
      complete: false,
      failed: false,
      crashLooping: true,
    });
    clock.advance(1_000);
    const r = deploymentRollout(world, changed);
    expect(r.failed).toBe(true);
    expect(r.message).toContain('exceeded its progress deadline');
    expect(conditionReason(r.status, 'Progressing')).toBe('ProgressDeadlineExceeded');
  });

  it('honours progressDeadlineSeconds, paused Deployments and zero replicas', () => {
    const { world, seeded } = setup();
    world.faults.set('v2', { crashLoop: true });
    const short = world.put({ ...seeded, spec: { ...seeded.spec, progressDeadlineSeconds: 0 } });
    expect(deploymentRollout(world, setDeploymentImage(world, short, IMG_B)).failed).toBe(true);
    const paused = world.put({ ...seeded, spec: { ...seeded.spec, paused: true } });
    expect(deploymentRollout(world, paused)).toMatchObject({ complete: false, failed: false });
    const none = world.put({ ...seeded, spec: { ...seeded.spec, replicas: 0 } });
    expect(deploymentRollout(world, setDeploymentImage(world, none, IMG_B)).complete).toBe(true);
  });

  it('leaves the object alone when the image is unchanged', () => {
    const { world, seeded } = setup();
    expect(setDeploymentImage(world, seeded, IMG_A)).toBe(seeded);
    expect(world.get('Deployment', 'prod', 'web')?.metadata.generation).toBe(1);
  });
});
