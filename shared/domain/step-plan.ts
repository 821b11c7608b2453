import type { Duration } from '../contracts/plan.js';

/**
 * The canary's traffic schedule as an ordered list of `{weight, duration}` steps.
 *
 * Explicit `steps` (Argo Rollouts style) are taken as written. Otherwise the schedule follows Flagger's
 * scheduler (`scheduler.go`: `maxWeight`, `nextStepWeight`, `runCanary`) exactly, so a spec copied from
 * a Flagger `Canary` behaves the same here:
 * - `stepWeight > 0` wins (even when `stepWeights` is also set): the weight grows by `stepWeight` while
 *   it is below the max weight, capped at 100 only. It can therefore overshoot `maxWeight`:
 *   `maxWeight: 50, stepWeight: 20` gives 20, 40, 60 (Flagger's documented example).
 * - otherwise `stepWeights` are walked in order.
 * - the max weight is the last `stepWeights` entry when that list is set (capped at 100), else
 *   `maxWeight`, else 100.
 * Each Flagger step is held for one analysis tick, i.e. one `interval`; `checksPerStep` (a Gantry
 * addition) holds each step for that many checks instead.
 */

export interface CanarySchedule {
  /** Time between analysis checks. */
  interval: Duration;
  steps?: Array<{ weight: number; duration: Duration }>;
  stepWeight?: number;
  stepWeights?: number[];
  maxWeight?: number;
  checksPerStep?: number;
  /** Blue/green (Flagger): this many checks at weight 0, then promotion. */
  iterations?: number;
}

export interface CanaryStep {
  weight: number;
  duration: Duration;
}

export class StepPlanError extends Error {
  readonly code = 'step-plan-invalid';
  constructor(message: string) {
    super(message);
    this.name = 'StepPlanError';
  }
}

const TOTAL_WEIGHT = 100;

const isWeight = (w: number) => Number.isInteger(w) && w >= 1 && w <= TOTAL_WEIGHT;

function assertIncreasingWeights(weights: readonly number[], what: string): void {
  weights.forEach((weight, index) => {
    if (!isWeight(weight))
      throw new StepPlanError(`${what}[${index}] = ${weight}: weights are integers 1-100`);
    const before = weights[index - 1];
    if (before !== undefined && weight <= before) {
      throw new StepPlanError(`${what}[${index}] = ${weight}: weights must increase (previous is ${before})`);
    }
  });
}

function maxWeightOf(spec: CanarySchedule): number {
  const last = spec.stepWeights?.[spec.stepWeights.length - 1];
  if (last !== undefined) return Math.min(TOTAL_WEIGHT, last);
  return spec.maxWeight !== undefined && spec.maxWeight > 0 ? spec.maxWeight : TOTAL_WEIGHT;
}

/** Flagger's `nextStepWeight`: how much the weight grows from `current`. */
function nextStepWeight(spec: CanarySchedule, current: number): number {
  const list = spec.stepWeights ?? [];
  if ((spec.stepWeight ?? 0) > 0 || list.length === 0) return spec.stepWeight ?? 0;
  const room = TOTAL_WEIGHT - current;
  if (current === 0) return Math.min(room, list[0] as number);
  const index = list.indexOf(current);
  const next = list[index + 1];
  return index >= 0 && next !== undefined ? Math.min(room, next - current) : room;
}

function flaggerWeights(spec: CanarySchedule): number[] {
  if (spec.stepWeight !== undefined && spec.stepWeight !== 0 && !isWeight(spec.stepWeight)) {
    throw new StepPlanError(`stepWeight = ${spec.stepWeight}: must be an integer 1-100`);
  }
  if (spec.maxWeight !== undefined && !isWeight(spec.maxWeight)) {
    throw new StepPlanError(`maxWeight = ${spec.maxWeight}: must be an integer 1-100`);
  }
  assertIncreasingWeights(spec.stepWeights ?? [], 'stepWeights');
  const max = maxWeightOf(spec);
  const weights: number[] = [];
  let weight = 0;
  while (weight < max) {
    const step = nextStepWeight(spec, weight);
    if (step <= 0) throw new StepPlanError('no traffic schedule: set steps, stepWeights or stepWeight');
    weight = Math.min(weight + step, TOTAL_WEIGHT);
    weights.push(weight);
  }
  return weights;
}

/** Ordered canary steps for a schedule; throws `StepPlanError` when the schedule cannot run. */
export function planSteps(spec: CanarySchedule): CanaryStep[] {
  if (!Number.isSafeInteger(spec.interval) || spec.interval <= 0) {
    throw new StepPlanError(`interval = ${spec.interval}: must be a positive duration`);
  }
  if (spec.steps !== undefined && spec.steps.length > 0) {
    assertIncreasingWeights(
      spec.steps.map((s) => s.weight),
      'steps[].weight',
    );
    spec.steps.forEach((step, index) => {
      if (!Number.isSafeInteger(step.duration) || step.duration < spec.interval) {
        throw new StepPlanError(
          `steps[${index}].duration must be at least one interval (one analysis check)`,
        );
      }
    });
    return spec.steps.map((s) => ({ weight: s.weight, duration: s.duration }));
  }
  if (spec.iterations !== undefined && spec.stepWeight === undefined && spec.stepWeights === undefined) {
    if (!Number.isInteger(spec.iterations) || spec.iterations < 1)
      throw new StepPlanError(`iterations = ${spec.iterations}: must be a positive integer`);
    return [{ weight: 0, duration: spec.interval * spec.iterations }];
  }
  const checks = spec.checksPerStep ?? 1;
  if (!Number.isInteger(checks) || checks < 1) {
    throw new StepPlanError(`checksPerStep = ${checks}: must be a positive integer`);
  }
  return flaggerWeights(spec).map((weight) => ({ weight, duration: spec.interval * checks }));
}
