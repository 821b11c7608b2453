import type { Activities, CheckVerdict } from '../contracts/activities.js';
import type { InputOf } from '../contracts/contract.js';
import type { MetricCheck } from '../contracts/plan.js';
import type { Ports } from '../ports/index.js';

/** Judges one sample against its bounds: no data is inconclusive, never a pass and never a failure. */
export function judge(metric: MetricCheck, value: number | null): Pick<CheckVerdict, 'verdict' | 'reason'> {
  if (value === null || Number.isNaN(value)) return { verdict: 'inconclusive', reason: 'no data' };
  if (metric.min !== undefined && value < metric.min)
    return { verdict: 'fail', reason: `${value} < min ${metric.min}` };
  if (metric.max !== undefined && value > metric.max)
    return { verdict: 'fail', reason: `${value} > max ${metric.max}` };
  return { verdict: 'pass' };
}

/**
 * Runs each metric query at the orchestration's time and judges it. A provider error is inconclusive:
 * an outage of the metrics backend must neither promote nor roll back by itself.
 */
export async function analyse(
  ports: Ports,
  input: InputOf<typeof Activities.analyse>,
): Promise<CheckVerdict[]> {
  return Promise.all(
    input.metrics.map(async (metric): Promise<CheckVerdict> => {
      const base = { name: metric.name, min: metric.min, max: metric.max, evaluatedAt: input.at };
      try {
        const sample = await ports.metrics.query({
          template: metric.template,
          templateKind: metric.templateKind,
          variables: input.variables,
          metricVariables: { ...metric.variables, ...(input.side ? { side: input.side } : {}) },
          router: input.router,
          window: metric.interval,
          at: input.at,
        });
        return { ...base, query: sample.query, value: sample.value, ...judge(metric, sample.value) };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return {
          ...base,
          query: metric.template,
          value: null,
          verdict: 'inconclusive',
          reason: `provider error: ${message}`,
        };
      }
    }),
  );
}
