import { ALERT_ROUTING_DEFAULT } from '../config/alert-routing-schema.js';
import type { PipelinePlan } from '../contracts/plan.js';
import type { InboundAlert } from './alert.js';

/** Resolved matchers of one service: every name must be present with one of its values. */
export interface ServiceMatchers {
  service: string;
  matchers: Record<string, string[]>;
  /** Azure Monitor dimension names compare ignoring case (the portal shows them as typed). */
  ignoreNameCase: boolean;
  rollbackWindow: number;
}

const VARIABLE = /\{\{\s*(namespace|deployment|canary|service)\s*\}\}/g;

function resolve(template: string, plan: PipelinePlan): string {
  const vars: Record<string, string> = {
    namespace: plan.production.namespace,
    deployment: plan.production.deployment,
    canary: plan.production.canaryDeployment,
    service: plan.service,
  };
  return template.replace(VARIABLE, (_, name: string) => vars[name] ?? '');
}

/** The matchers a service's alerts from `source` are routed by, its variables filled in. */
export function matchersFor(plan: PipelinePlan, source: InboundAlert['source']): ServiceMatchers {
  const routing = plan.alertRouting;
  const labels = routing?.labels ?? ALERT_ROUTING_DEFAULT.labels;
  const chosen = source === 'azure-monitor' ? (routing?.dimensions ?? labels) : labels;
  return {
    service: plan.service,
    matchers: Object.fromEntries(
      Object.entries(chosen).map(([name, values]) => [name, values.map((v) => resolve(v, plan))]),
    ),
    ignoreNameCase: source === 'azure-monitor',
    rollbackWindow: routing?.rollbackWindow ?? ALERT_ROUTING_DEFAULT.rollbackWindow,
  };
}

function matches(alert: InboundAlert, m: ServiceMatchers): boolean {
  const entries = Object.entries(alert.labels);
  const valueOf = (name: string): string | undefined =>
    m.ignoreNameCase
      ? entries.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1]
      : alert.labels[name];
  return Object.entries(m.matchers).every(([name, values]) => {
    const value = valueOf(name);
    return value !== undefined && values.includes(value);
  });
}

export type Routing =
  | { kind: 'service'; matchers: ServiceMatchers }
  | { kind: 'none' }
  | { kind: 'ambiguous'; services: string[] };

/**
 * The one service an alert is about. Alert values are only compared with configured ones, never used
 * as names. Two services matching is a configuration problem: nothing is done rather than guessing.
 */
export function routeAlert(alert: InboundAlert, plans: readonly PipelinePlan[]): Routing {
  const found = plans.map((p) => matchersFor(p, alert.source)).filter((m) => matches(alert, m));
  const [first] = found;
  if (!first) return { kind: 'none' };
  if (found.length > 1) return { kind: 'ambiguous', services: found.map((m) => m.service) };
  return { kind: 'service', matchers: first };
}
