import { z } from 'zod';
import * as names from '../domain/names.js';
import { MAX_RING_TARGETS } from '../domain/rings.js';
import {
  argoApplication,
  duration,
  freeze,
  grammar,
  int,
  label,
  positiveDuration,
  timeWindow,
  uniqueNames,
  weight,
  type Ctx,
} from './fields.js';

/**
 * `production.rings`: production as a release train. Each ring names its targets as overrides of the
 * production block's own fields (a ring usually differs by cluster and application only), so the
 * Deployment names, router and image binding are written once. Ring 0 is the production block itself.
 */

const ringTarget = z.strictObject({
  subscriptionId: grammar(names.isGuid, 'an Azure subscription id (GUID)').optional(),
  resourceGroup: grammar(names.isResourceGroupName, 'an Azure resource group name').optional(),
  cluster: grammar(names.isAksClusterName, 'an AKS cluster name').optional(),
  namespace: grammar(names.isDnsLabel, 'a Kubernetes namespace (lowercase DNS label)').optional(),
  application: argoApplication,
});

/** A later ring's canary: `rollout` (no canary: sync, then the verification window) or its own steps. */
const ringCanary = z.union([
  z.literal('rollout'),
  z.strictObject({
    steps: z.array(z.strictObject({ weight, duration: positiveDuration })).min(1),
  }),
]);

const ring = z.strictObject({
  name: grammar(names.isDnsLabel, 'a ring name (lowercase DNS label, e.g. eu-north)'),
  region: label.optional(),
  targets: z
    .array(ringTarget)
    .min(1)
    .max(MAX_RING_TARGETS, {
      message: `at most ${MAX_RING_TARGETS} targets per ring (they deploy side by side); split a larger region into rings`,
    })
    .optional(),
  canary: ringCanary.optional(),
  verificationWindow: positiveDuration.optional(),
  soak: positiveDuration.optional(),
  freezes: z.array(freeze).default([]),
  /**
   * true: the train waits at this ring's border for its own approval, under the service's policy; an
   * object: the same, with the ring's own reviewers, approvals needed (M of N), wait timer or
   * auto-approve windows (`[]`: a person always).
   */
  approval: z
    .union(
      [
        z.boolean(),
        z
          .strictObject({
            reviewers: z.array(label).min(1).optional(),
            minApprovers: int(1, 100).optional(),
            waitTimer: duration.optional(),
            autoApprove: z.array(timeWindow).optional(),
          })
          .refine((o) => Object.keys(o).length > 0, {
            message:
              'set reviewers, minApprovers, waitTimer or autoApprove (or approval: true for the service policy)',
          }),
      ],
      {
        error:
          'expected true, false, or { reviewers, minApprovers, waitTimer, autoApprove } overriding the service policy',
      },
    )
    .default(false),
});

export type RingConfig = z.output<typeof ring>;

function checkRings(rings: readonly RingConfig[], ctx: Ctx): void {
  uniqueNames(rings, ctx, 'rings');
  const first = rings[0];
  if (!first) return;
  // Ring 0 is the production block: its target, its canary, no soak before it.
  // Its freezes are the service's `freezes`, checked at approval before the train leaves.
  if (first.freezes.length > 0)
    ctx.addIssue({
      code: 'custom',
      path: ['rings', 0, 'freezes'],
      message: "ring 0 is the production block above: its freezes are the service's freezes",
    });
  if (first.approval)
    ctx.addIssue({
      code: 'custom',
      path: ['rings', 0, 'approval'],
      message: "ring 0 is the production block above: its approval is the service's approval",
    });
  for (const key of ['targets', 'canary', 'soak', 'verificationWindow'] as const) {
    if (first[key] !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['rings', 0, key],
        message: `ring 0 is the production block above: set ${key} there, not on the ring`,
      });
  }
  rings.forEach((r, index) => {
    if (index > 0 && r.targets === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['rings', index, 'targets'],
        message: 'required: a later ring deploys to its own targets',
      });
  });
}

export const rings = z.array(ring).min(1);
export const onRingFailure = z.enum(['rollback-all', 'hold']).default('rollback-all');

/** Checks across rings, and that no two targets (ring 0's included) share an application. */
export function checkRingTargets(
  production: { application: string; rings?: readonly RingConfig[] | undefined },
  ctx: Ctx,
): void {
  if (!production.rings) return;
  checkRings(production.rings, ctx);
  const seen = new Set([production.application]);
  production.rings.forEach((r, index) =>
    r.targets?.forEach((t, at) => {
      if (seen.has(t.application))
        ctx.addIssue({
          code: 'custom',
          path: ['rings', index, 'targets', at, 'application'],
          message: `application "${t.application}" is already a target of this train`,
        });
      seen.add(t.application);
    }),
  );
}

/**
 * A ring's approval override against the service's approval policy: its wait timer must end before the
 * request expires (as the service's own must), or no approval could ever let the ring through.
 */
export function checkRingApprovals(
  s: { approval: { expiry: number }; production: { rings?: readonly RingConfig[] | undefined } },
  ctx: Ctx,
): void {
  s.production.rings?.forEach((r, index) => {
    if (typeof r.approval !== 'object' || r.approval.waitTimer === undefined) return;
    if (r.approval.waitTimer >= s.approval.expiry)
      ctx.addIssue({
        code: 'custom',
        path: ['production', 'rings', index, 'approval', 'waitTimer'],
        message: "must be shorter than the service's approval expiry",
      });
  });
}
