import { ALERT_ROUTING_DEFAULT } from '../config/defaults.js';
import type { PipelinePlan } from '../contracts/plan.js';
import type { InboundAlert } from './alert.js';

/** Resolved matchers of one service: every name must be present with one of its values. */
export interface ServiceMatchers {
  service: string;
  matchers: Record<string, string[]>;
  /** Azure Monitor dimension names compare ignoring case (the portal shows them as typed). */
  ignoreNameCase: boolean;
  rollbackWindow: number;
  /** Values that name the canary Deployment (from `{{ canary }}`): such an alert is about the canary. */
  canaryValues: string[];
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
    canaryValues: Object.values(chosen)
      .flat()
      .filter((v) => /\{\{\s*canary\s*\}\}/.test(v))
      .map((v) => resolve(v, plan)),
    rollbackWindow: routing?.rollbackWindow ?? ALERT_ROUTING_DEFAULT.rollbackWindow,
  };
}

function valueOf(alert: InboundAlert, m: ServiceMatchers, name: string): string | undefined {
  if (!m.ignoreNameCase) return alert.labels[name];
  return Object.entries(alert.labels).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
}

function matches(alert: InboundAlert, m: ServiceMatchers): boolean {
  return Object.entries(m.matchers).every(([name, values]) => {
    const value = valueOf(alert, m, name);
    return value !== undefined && values.includes(value);
  });
}

export type Routing =
  /** `aboutCanary`: a matched label names the canary Deployment (not production's). */
  | { kind: 'service'; matchers: ServiceMatchers; aboutCanary: boolean }
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
  const aboutCanary = Object.keys(first.matchers).some((name) => {
    const value = valueOf(alert, first, name);
    return value !== undefined && first.canaryValues.includes(value);
  });
  return { kind: 'service', matchers: first, aboutCanary };
}
