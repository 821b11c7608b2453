import type { RunInput } from '../contracts/activities.js';
import type { Phase } from '../contracts/events.js';
import type {
  FreezeWindow,
  ImageBinding,
  PipelinePlan,
  RingFailurePolicy,
  RingSpec,
} from '../contracts/plan.js';
import { activeFreeze, freezeLiftsAt } from './calendar.js';

/**
 * Release-train decisions, pure: what a ring's run looks like, whether the train may cross into a ring,
 * and what a failure in a ring rolls back. The orchestrations only sequence what these return.
 */

/** The rings of a plan (a plan without `rings` is one implicit ring, and runs exactly as before). */
export const isTrain = (plan: PipelinePlan): plan is PipelinePlan & { rings: RingSpec[] } =>
  (plan.rings?.length ?? 0) > 1;

/** Sub-orchestration instance id of a phase of a later ring's target: `deploy:<id>:<phase>@<ring>[.n]`. */
export const ringPhaseInstanceId = (deploymentId: string, phase: Phase, ring: string, target: number) =>
  `deploy:${deploymentId}:${phase}@${ring}${target > 0 ? `.${target}` : ''}`;

export const ringInstanceId = (deploymentId: string, ring: string): string =>
  `deploy:${deploymentId}:ring@${ring}`;

/** A ring's stage name on the timeline and in the status: the phase suffixed with the ring. */
export const ringStage = (phase: Phase | 'soak' | 'border', ring: string): string => `${phase}@${ring}`;

/**
 * The run one target of a ring executes: the same deployment, with that target as `production` and the
 * ring's canary and verification. A ring without a canary keeps the service's (never run: see `phases`).
 */
export function ringRun(run: RunInput, index: number, target: number): RunInput {
  const rings = run.plan.rings ?? [];
  const ring = rings[index];
  const production = ring?.targets[target];
  if (!ring || !production) throw new RangeError(`no target ${target} in ring ${index}`);
  // A ring of several targets runs them side by side: the ring, not one of them, releases the train.
  const several = ring.targets.length > 1;
  const last = index === rings.length - 1 && !several;
  return {
    deployment: { ...run.deployment, weight: 0 },
    plan: {
      ...run.plan,
      production,
      canary: ring.canary ?? run.plan.canary,
      verification: ring.verification,
    },
    train: {
      ring: ring.name,
      last,
      ...(several && { lane: { index: target, of: ring.targets.length } }),
    },
  };
}

/**
 * At most this many targets per ring: they run side by side, and the timeline seqs of one instant are
 * shared out between them (orchestrations/lib/recorder.ts). More clusters in a region: one more ring.
 */
export const MAX_RING_TARGETS = 4;

/** Instance id of the sub-orchestration that runs one target's phase and never throws. */
export const ringTargetInstanceId = (deploymentId: string, phase: Phase, ring: string, target: number) =>
  `deploy:${deploymentId}:target-${phase}@${ring}${target > 0 ? `.${target}` : ''}`;

/** The phases a ring runs per target: with a canary, the full three; without, a rollout and its window. */
export function ringPhases(ring: RingSpec): Phase[] {
  return ring.canary ? ['canary', 'promotion', 'verification'] : ['promotion', 'verification'];
}

export type Border = { kind: 'open' } | { kind: 'frozen'; freeze: FreezeWindow; until: Date };

/** Whether the train may enter a ring at `now`; frozen: it waits at the border until `until`. */
export function ringBorder(freezes: readonly FreezeWindow[], now: Date | number): Border {
  const freeze = activeFreeze(freezes, now);
  const until = freezeLiftsAt(freezes, now);
  return freeze && until ? { kind: 'frozen', freeze, until } : { kind: 'open' };
}

/** One Argo CD application to point back at the last release after a failed train. */
export interface RingRestore {
  ring: string;
  app: string;
  binding: ImageBinding;
  target: number;
}

/**
 * What a failure in ring `failed` (index ≥ 1) takes back, latest ring first: its own targets whose
 * rollout had started (`promoted` of them), and with `rollback-all` every target of the rings between.
 * `ring0` says whether ring 0 (and staging, as for any failed run) goes back too: the pipeline restores
 * those as it does for a run without rings.
 */
export function ringsToRestore(
  rings: readonly RingSpec[],
  failed: number,
  promoted: number,
  policy: RingFailurePolicy = 'rollback-all',
): { apps: RingRestore[]; ring0: boolean } {
  const apps: RingRestore[] = [];
  const own = rings[failed];
  own?.targets
    .slice(0, promoted)
    .forEach((t, target) => apps.push({ ring: own.name, app: t.argoApp, binding: t.image, target }));
  if (policy === 'hold' || failed <= 0) return { apps: apps.reverse(), ring0: failed <= 0 };
  const between: RingRestore[] = [];
  for (let index = failed - 1; index >= 1; index--) {
    const ring = rings[index];
    const all = (ring?.targets ?? []).map((t, target) => ({
      ring: ring?.name ?? '',
      app: t.argoApp,
      binding: t.image,
      target,
    }));
    between.push(...all.reverse());
  }
  return { apps: [...apps.reverse(), ...between], ring0: true };
}

/**
 * Every instance of a train's later rings that may listen for an interrupt (the ring orchestrations,
 * waiting out soaks and border freezes, and their phases), so the API raises cancel and abort there too.
 */
export function trainInstanceIds(deploymentId: string, plan: PipelinePlan): string[] {
  if (!isTrain(plan)) return [];
  return plan.rings
    .slice(1)
    .flatMap((ring) => [
      ringInstanceId(deploymentId, ring.name),
      ...(ring.approval ? [ringPhaseInstanceId(deploymentId, 'approval', ring.name, 0)] : []),
      ...ring.targets.flatMap((_, target) =>
        ringPhases(ring).map((phase) => ringPhaseInstanceId(deploymentId, phase, ring.name, target)),
      ),
    ]);
}

/** The canary phase instances of a train's later rings (where skip-analysis applies while Verifying). */
export function ringCanaryInstanceIds(deploymentId: string, plan: PipelinePlan): string[] {
  if (!isTrain(plan)) return [];
  return plan.rings
    .slice(1)
    .filter((ring) => ring.canary)
    .flatMap((ring) => ring.targets.map((_, t) => ringPhaseInstanceId(deploymentId, 'canary', ring.name, t)));
}
