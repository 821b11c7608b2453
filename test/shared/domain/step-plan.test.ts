import { describe, expect, it } from 'vitest';
import { planSteps, StepPlanError, type CanarySchedule } from '../../../shared/domain/step-plan.js';

const M = 60_000;
const weights = (spec: CanarySchedule) => planSteps(spec).map((s) => s.weight);

describe('planSteps', () => {
  it("explicit steps are taken as written (the seed's 10/25/50 over 5/5/10 minutes)", () => {
    expect(
      planSteps({
        interval: M,
        steps: [
          { weight: 10, duration: 5 * M },
          { weight: 25, duration: 5 * M },
          { weight: 50, duration: 10 * M },
        ],
        stepWeight: 5, // ignored: explicit steps win
      }),
    ).toEqual([
      { weight: 10, duration: 5 * M },
      { weight: 25, duration: 5 * M },
      { weight: 50, duration: 10 * M },
    ]);
  });

  it.each<[string, Omit<CanarySchedule, 'interval'>, number[]]>([
    ["Flagger's documented example overshoots maxWeight", { maxWeight: 50, stepWeight: 20 }, [20, 40, 60]],
    ["the seed's Flagger snippet", { maxWeight: 50, stepWeight: 10 }, [10, 20, 30, 40, 50]],
    [
      'Flagger how-it-works example',
      { maxWeight: 50, stepWeight: 5 },
      [5, 10, 15, 20, 25, 30, 35, 40, 45, 50],
    ],
    ['maxWeight defaults to 100 and the weight is capped at 100', { stepWeight: 30 }, [30, 60, 90, 100]],
    ['a single full step', { stepWeight: 100 }, [100]],
    ['stepWeights walked in order', { stepWeights: [1, 2, 10, 80] }, [1, 2, 10, 80]],
    ['stepWeights ending at 100', { stepWeights: [10, 50, 100] }, [10, 50, 100]],
    ['stepWeights with stepWeight 0 (Flagger: unset)', { stepWeight: 0, stepWeights: [20, 40] }, [20, 40]],
    [
      'stepWeight > 0 wins over stepWeights; max is the last entry',
      { stepWeight: 10, stepWeights: [5, 30] },
      [10, 20, 30],
    ],
    ['...and can overshoot it', { stepWeight: 40, stepWeights: [5, 50] }, [40, 80]],
    ['stepWeights win over maxWeight', { stepWeights: [10, 20], maxWeight: 90 }, [10, 20]],
  ])('%s', (_label, spec, expected) => {
    const steps = planSteps({ interval: M, ...spec });
    expect(steps.map((s) => s.weight)).toEqual(expected);
    expect(steps.every((s) => s.duration === M)).toBe(true);
  });

  it('holds each step for checksPerStep intervals when configured', () => {
    expect(planSteps({ interval: 30_000, stepWeights: [10, 25, 50], checksPerStep: 10 })).toEqual([
      { weight: 10, duration: 5 * M },
      { weight: 25, duration: 5 * M },
      { weight: 50, duration: 5 * M },
    ]);
    expect(weights({ interval: M, stepWeight: 50, checksPerStep: 2 })).toEqual([50, 100]);
  });

  it.each<[string, CanarySchedule, RegExp]>([
    ['no schedule', { interval: M }, /no traffic schedule/],
    ['empty steps fall back to Flagger and find nothing', { interval: M, steps: [] }, /no traffic schedule/],
    ['zero interval', { interval: 0, stepWeight: 10 }, /interval/],
    ['fractional interval', { interval: 0.5, stepWeight: 10 }, /interval/],
    ['stepWeight above 100', { interval: M, stepWeight: 101 }, /stepWeight = 101/],
    ['negative stepWeight', { interval: M, stepWeight: -5 }, /stepWeight = -5/],
    ['maxWeight 0', { interval: M, stepWeight: 10, maxWeight: 0 }, /maxWeight = 0/],
    ['stepWeights not increasing', { interval: M, stepWeights: [10, 10] }, /must increase/],
    ['stepWeights out of range', { interval: M, stepWeights: [0, 10] }, /weights are integers 1-100/],
    [
      'steps decreasing',
      {
        interval: M,
        steps: [
          { weight: 50, duration: M },
          { weight: 25, duration: M },
        ],
      },
      /must increase/,
    ],
    ['step weight 101', { interval: M, steps: [{ weight: 101, duration: M }] }, /1-100/],
    [
      'step shorter than one check',
      { interval: M, steps: [{ weight: 10, duration: 30_000 }] },
      /at least one interval/,
    ],
    ['checksPerStep 0', { interval: M, stepWeight: 10, checksPerStep: 0 }, /checksPerStep/],
  ])('refuses %s', (_label, spec, message) => {
    const attempt = () => planSteps(spec);
    expect(attempt).toThrow(StepPlanError);
    expect(attempt).toThrow(message);
  });

  it('has a stable error code', () => {
    expect(() => planSteps({ interval: M })).toThrow(expect.objectContaining({ code: 'step-plan-invalid' }));
  });
});
