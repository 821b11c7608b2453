import type { RecordInput } from '../contracts/activities.js';
import { TERMINAL_STATES, type DeploymentState, type TimelineEntry } from '../domain/deployment.js';
import type { Measurement, TelemetryAttributes } from '../ports/telemetry.js';

/** Attribute names Gantry puts on spans, metrics and structured logs. */
export const ATTR = {
  activity: 'gantry.activity',
  deploymentId: 'gantry.deployment.id',
  service: 'gantry.service',
  instanceId: 'gantry.instance.id',
  outcome: 'gantry.outcome',
  errorCode: 'gantry.error.code',
  stage: 'gantry.stage',
  nextStage: 'gantry.stage.next',
  metric: 'gantry.metric',
  verdict: 'gantry.verdict',
  checkMode: 'gantry.check.mode',
  secretName: 'gantry.secret_name',
  reason: 'gantry.reason',
} as const;

const MAX_LABEL = 256;

type Loose = Record<string, unknown>;
const asRecord = (value: unknown): Loose | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Loose) : undefined;
const label = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value.slice(0, MAX_LABEL) : undefined;

/** What an orchestration instance id says: `deploy:<id>[:<phase>]` or `lane:<service>`. */
export function fromInstanceId(instanceId: string | undefined): { deploymentId?: string; service?: string } {
  const deploy = /^deploy:([^:]+)(?::[a-z]+)?$/.exec(instanceId ?? '');
  if (deploy) return { deploymentId: deploy[1] };
  const lane = /^lane:(.+)$/.exec(instanceId ?? '');
  return lane ? { service: lane[1] } : {};
}

/**
 * A deployment id is `<service lower-cased>-<12 hex>` (`-r<n>` for a retry); service names are unique ignoring case, so the
 * configured name is recoverable from the id.
 */
export function serviceOfDeployment(deploymentId: string, services: readonly string[]): string | undefined {
  const m = /^(.+)-[0-9a-f]{12}(?:-r[0-9]+)?$/.exec(deploymentId);
  return m ? services.find((s) => s.toLowerCase() === m[1]) : undefined;
}

/**
 * Pure: the span attributes of one activity invocation. The deployment and service come from the
 * input when it names them (record, checkApproval, dispatchTest, ...), otherwise from the instance id
 * of the orchestration that called it and the configured service names.
 */
export function activityAttributes(
  name: string,
  input: unknown,
  instanceId: string | undefined,
  services: readonly string[] = [],
): TelemetryAttributes {
  const i = asRecord(input) ?? {};
  const deployment = asRecord(i.deployment) ?? asRecord(asRecord(i.run)?.deployment);
  const instance = fromInstanceId(instanceId);
  const deploymentId = label(i.deploymentId) ?? label(deployment?.id) ?? instance.deploymentId;
  const service =
    label(i.service) ??
    label(deployment?.service) ??
    instance.service ??
    (deploymentId ? serviceOfDeployment(deploymentId, services) : undefined);
  return {
    [ATTR.activity]: name,
    [ATTR.deploymentId]: deploymentId,
    [ATTR.service]: service,
    [ATTR.instanceId]: label(instanceId),
  };
}

const TRANSITION = /^(\w*)->(\w+)$/;

/** Seconds the deployment spent in `from`, measured from the transition that entered it. */
function stageSeconds(
  from: string,
  entry: RecordInput['entry'],
  timeline: readonly TimelineEntry[],
  createdAt: string | undefined,
): number | undefined {
  const entered = timeline
    .filter((e) => e.kind === 'transition' && e.seq < entry.seq && TRANSITION.exec(e.title)?.[2] === from)
    .at(-1)?.at;
  const start = entered ?? (from === 'Queued' ? createdAt : undefined);
  if (!start) return undefined;
  const seconds = (Date.parse(entry.at) - Date.parse(start)) / 1000;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

type Entry = RecordInput['entry'];
type Verdict = NonNullable<Entry['verdict']>;

/**
 * The canary verdicts a timeline entry holds: `check:<metric>` and `fail-fast:<metric>` entries are one
 * each (interval rounds); a `fast-check` entry carries the round's checks in `evidence.checks`.
 * Verification (`verify:<rule>`), smoke and test checks are not canary verdicts.
 */
export function canaryVerdicts(
  entry: Entry,
): Array<{ metric: string; verdict: Verdict; mode: 'interval' | 'fast' }> {
  if (entry.kind !== 'check') return [];
  const interval = /^(?:check|fail-fast):(.+)$/.exec(entry.title);
  if (interval?.[1])
    return [{ metric: interval[1], verdict: entry.verdict ?? 'inconclusive', mode: 'interval' }];
  if (entry.title !== 'fast-check') return [];
  const checks = entry.evidence?.checks;
  return (Array.isArray(checks) ? checks : []).flatMap((c: unknown) => {
    const check = asRecord(c);
    const metric = label(check?.name);
    const verdict = check?.verdict;
    if (!metric || (verdict !== 'pass' && verdict !== 'fail' && verdict !== 'inconclusive')) return [];
    return [{ metric, verdict, mode: 'fast' as const }];
  });
}

/**
 * Pure: the metrics one successful `record` activity stands for: canary verdicts (see `canaryVerdicts`),
 * and for a transition the outcome (terminal states), a rollback (`RolledBack`) and how long the stage
 * it leaves lasted (needs the timeline; the record's `createdAt` covers `Queued`).
 */
export function recordMeasurements(
  input: RecordInput,
  timeline: readonly TimelineEntry[] = [],
  createdAt?: string,
): Measurement[] {
  const service = { [ATTR.service]: input.service };
  const out: Measurement[] = [];
  for (const { metric, verdict, mode } of [input.entry, ...(input.more ?? [])].flatMap(canaryVerdicts)) {
    const attributes = { ...service, [ATTR.metric]: metric, [ATTR.verdict]: verdict, [ATTR.checkMode]: mode };
    out.push({ instrument: 'gantry.canary.verdicts', value: 1, attributes });
  }
  const to: DeploymentState | undefined = input.transition?.to;
  if (!to) return out;
  const from = TRANSITION.exec(input.entry.title)?.[1] || undefined;
  if (TERMINAL_STATES.has(to)) {
    out.push({
      instrument: 'gantry.deployment.outcomes',
      value: 1,
      attributes: { ...service, [ATTR.outcome]: to },
    });
  }
  if (to === 'RolledBack') {
    out.push({ instrument: 'gantry.rollbacks', value: 1, attributes: { ...service, [ATTR.stage]: from } });
  }
  const seconds = from ? stageSeconds(from, input.entry, timeline, createdAt) : undefined;
  if (from && seconds !== undefined) {
    const attributes = { ...service, [ATTR.stage]: from, [ATTR.nextStage]: to };
    out.push({ instrument: 'gantry.stage.duration', value: seconds, attributes });
  }
  return out;
}

/** Pure: deployments a lane superseded when it took the next one (they never pass through `record`). */
export function supersededMeasurements(service: string, superseded: readonly string[]): Measurement[] {
  if (superseded.length === 0) return [];
  const attributes = { [ATTR.service]: service, [ATTR.outcome]: 'Superseded' };
  return [{ instrument: 'gantry.deployment.outcomes', value: superseded.length, attributes }];
}
