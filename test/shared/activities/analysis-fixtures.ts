import type { CheckEvidence } from '../../../shared/analysis/judge.js';
import type { InputOf } from '../../../shared/contracts/contract.js';
import type { Activities } from '../../../shared/contracts/activities.js';
import type { MetricCheck, RouterSpec } from '../../../shared/contracts/plan.js';
import type { FakeWorld } from '../../fakes/world.js';

/** Inputs of the `analyse` activity and a scripted fake Prometheus, for its tests. */

export type Input = InputOf<typeof Activities.analyse>;

export const AT = '2026-01-05T10:00:00.000Z';
export const ROUTER: RouterSpec = { kind: 'nginx', ingress: 'api', canaryIngress: 'api-canary' };
export const VARIABLES = { namespace: 'prod', target: 'api', canary: 'api-canary', service: 'Api' };

export const SUCCESS: MetricCheck = {
  name: 'success',
  template: 'request-success-rate',
  templateKind: 'ref',
  min: 99,
  interval: 60_000,
  failFast: { min: 95 },
};
export const P95: MetricCheck = {
  name: 'p95',
  template: 'request-duration',
  templateKind: 'ref',
  max: 500,
  interval: 120_000,
};
export const ERRORS: MetricCheck = {
  name: 'errors',
  template: 'error-count',
  templateKind: 'query',
  max: 5,
  interval: 60_000,
};

/** Requests per second, success rate and p95 the fake Prometheus answers, per template. */
export function script(world: FakeWorld, values: Partial<Record<string, number | null | Error>>): void {
  world.metric = (q) => {
    const v = values[q.template];
    if (v instanceof Error) throw v;
    if (v === undefined) throw new Error(`no value scripted for ${q.template}`);
    return v;
  };
}

export const input = (extra: Partial<Input> = {}): Input => ({
  metrics: [SUCCESS, P95],
  variables: VARIABLES,
  at: AT,
  router: ROUTER,
  minRequests: 100,
  ...extra,
});

export const only = (checks: CheckEvidence[], name: string, kind: CheckEvidence['kind']) =>
  checks.filter((c) => c.name === name && c.kind === kind);
