import { canary as canarySchema } from '../config/analysis-schema.js';
import { canaryPlan } from '../config/plan.js';
import type { CanarySpec } from '../contracts/plan.js';
import { rejudge, roundsOf, type RejudgeResult } from '../analysis/rejudge.js';
import type { Ports } from '../ports/index.js';
import { findDeployment } from './deployments.js';
import { AppError } from './errors.js';

export interface RejudgeView extends RejudgeResult {
  deploymentId: string;
}

/** A `canary` block as in the configuration file (durations as strings), validated by the same schema. */
export function parseCanaryBlock(body: unknown): CanarySpec {
  const block = typeof body === 'object' && body !== null ? (body as { canary?: unknown }).canary : undefined;
  if (typeof block !== 'object' || block === null || Array.isArray(block))
    throw new AppError(
      400,
      'invalid-spec',
      "The body needs a 'canary' object, shaped like a service's canary block.",
    );
  const parsed = canarySchema.safeParse(block);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 20).map((i) => ({
      path: ['canary', ...i.path.map(String)].join('.'),
      message: i.message,
    }));
    const first = issues[0];
    throw new AppError(400, 'invalid-spec', `Invalid analysis spec: ${first?.path}: ${first?.message}`, {
      issues,
    });
  }
  return canaryPlan(parsed.data);
}

/**
 * Re-evaluates a deployment's recorded canary evidence under another spec: which verdicts and which
 * outcome would change. Reads the timeline only; nothing is queried and no cluster is touched.
 */
export async function rejudgeDeployment(ports: Ports, id: string, body: unknown): Promise<RejudgeView> {
  const spec = parseCanaryBlock(body);
  await findDeployment(ports, id);
  const timeline = await ports.store.listEvents(id);
  if (roundsOf(timeline).length === 0)
    throw new AppError(409, 'no-evidence', `Deployment ${id} has no canary checks recorded yet.`);
  return { deploymentId: id, ...rejudge(timeline, spec) };
}
