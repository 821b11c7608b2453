import { serviceRings, type ServiceRing } from './service-rings.js';
import { rollbackInstanceId } from '../contracts/rollback.js';
import type { DeploymentRecord, DeploymentState, ReleaseRecord } from '../domain/deployment.js';
import { TERMINAL_STATES } from '../domain/deployment.js';
import { activeFreeze, freezeLiftsAt } from '../domain/calendar.js';
import { isActive, type HoldRecord, type QuarantineRecord } from '../domain/quarantine.js';
import { rolledBackIds } from '../domain/release-history.js';
import type { OrchestrationControl } from '../ports/orchestration-control.js';
import type { Ports } from '../ports/index.js';
import { AppError } from './errors.js';
import { quarantineView } from './quarantine.js';
import { activeDeployment, knownService } from './queries.js';
import { compareLive, readLive, type LiveComparison, type LiveView } from './service-live.js';

/** "What runs where, and why" for one service: live state beside Gantry's records. */

const RECENT = 10;
const RECENT_WINDOW_MS = 30 * 24 * 3600_000;

export interface EnvironmentBoard {
  environment: 'staging' | 'production';
  /** Live now, read back from Argo CD and (production) the cluster. */
  live: LiveView;
  /** The digest live now, the version it was released as (when Gantry knows it), and how it compares. */
  current: LiveComparison & { version: string | null };
  /** Gantry's newest release of the environment. */
  recorded: ReleaseRecord | null;
}

export type Hold =
  | { kind: 'rollback'; message: string }
  | { kind: 'freeze'; name: string; reason: string; until: string | null; message: string }
  | { kind: 'approval'; deploymentId: string; message: string }
  /** The lane holds new pushes after an automatic rollback, until an Operator lifts it. */
  | { kind: 'lane'; deploymentId: string; reason: string; message: string };

export interface ServiceBoard {
  service: string;
  at: string;
  environments: EnvironmentBoard[];
  /** Newest production release; `via: rollback` when a manual rollback put it back. */
  lastKnownGood: ReleaseRecord | null;
  /** Production releases, newest first; only the first is the current one. */
  releases: Array<ReleaseRecord & { current: boolean; rolledBack: boolean }>;
  inFlight: {
    id: string;
    state: DeploymentState;
    weight: number;
    liveWeight: number | null;
    version: string | null;
    digest: string;
    reason: string | null;
  } | null;
  queue: Array<{ deploymentId: string; digest: string; enqueuedAt: string }>;
  holds: Hold[];
  /** Digests refused until lifted (newest first), the latest lifted ones, and the lane's hold. */
  quarantine: {
    quarantined: QuarantineRecord[];
    liftedQuarantine: QuarantineRecord[];
    hold: HoldRecord | null;
  };
  recent: Array<{
    id: string;
    state: DeploymentState;
    reason: string | null;
    /** It succeeded, then a manual rollback took production away from it. */
    rolledBack: boolean;
    version: string | null;
    digest: string;
    updatedAt: string;
  }>;
  /** A release train (`production.rings`): which version runs in each ring now. */
  rings?: ServiceRing[];
}

const versionOf = (image: { tag?: string }): string | null => image.tag ?? null;

/** The version a digest was released or deployed as, from what Gantry recorded for the service. */
function versionFor(
  digest: string | null,
  releases: ReleaseRecord[],
  deployments: DeploymentRecord[],
): string | null {
  if (!digest) return null;
  const known = [...releases.map((r) => r.image), ...deployments.map((d) => d.image)].find(
    (i) => i.digest === digest,
  );
  return known ? versionOf(known) : null;
}

async function holdsFor(
  ports: Ports,
  control: OrchestrationControl,
  service: string,
  at: string,
  inFlight: DeploymentRecord | undefined,
): Promise<Hold[]> {
  const holds: Hold[] = [];
  const rollback = await control.status(rollbackInstanceId(service));
  if (rollback && (rollback.runtimeStatus === 'Running' || rollback.runtimeStatus === 'Pending'))
    holds.push({
      kind: 'rollback',
      message: `A manual rollback of ${service} is in progress; the lane waits for it.`,
    });
  const freezes = ports.config.plan(service)?.freezes ?? [];
  const freeze = activeFreeze(freezes, at);
  if (freeze) {
    const until = freezeLiftsAt(freezes, at)?.toISOString() ?? null;
    holds.push({
      kind: 'freeze',
      name: freeze.name,
      reason: freeze.reason,
      until,
      message: `Production is frozen (${freeze.name})${until ? ` until ${until}` : ''}: no canary starts.`,
    });
  }
  if (inFlight?.state === 'AwaitingApproval')
    holds.push({
      kind: 'approval',
      deploymentId: inFlight.id,
      message: `${inFlight.id} waits for approval.`,
    });
  return holds;
}

function laneHold(hold: HoldRecord | null): Hold[] {
  if (!hold || !isActive(hold)) return [];
  const message = `New pushes wait until an Operator lifts the hold set by ${hold.deploymentId}.`;
  return [{ kind: 'lane', deploymentId: hold.deploymentId, reason: hold.reason, message }];
}

async function recentDeployments(ports: Ports, service: string, at: string): Promise<DeploymentRecord[]> {
  const since = new Date(Date.parse(at) - RECENT_WINDOW_MS).toISOString();
  const page = await ports.store.listDeployments({ service, since, pageSize: 200 });
  return [...page.items].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
}

export async function serviceBoard(
  ports: Ports,
  control: OrchestrationControl,
  name: string,
): Promise<ServiceBoard> {
  const service = knownService(ports, name);
  const plan = ports.config.plan(service);
  if (!plan) throw new AppError(404, 'unknown-service', `Service '${service}' is not configured.`);
  const at = new Date(ports.clock.now()).toISOString();
  const [production, [staging], queue, activeId, deployments, liveStaging, liveProduction, quarantine] =
    await Promise.all([
      ports.store.listReleases(service, 'production', 10),
      ports.store.listReleases(service, 'staging', 1),
      ports.store.listQueue(service, { pending: true }),
      activeDeployment(ports, service),
      recentDeployments(ports, service, at),
      readLive(ports, plan, 'staging'),
      readLive(ports, plan, 'production'),
      quarantineView(ports, service),
    ]);
  const rolledBack = rolledBackIds(production);
  const inFlight = activeId ? await ports.store.getDeployment(service, activeId) : undefined;
  const rings = await serviceRings(ports, service, production[0], activeId);
  const board = (
    environment: 'staging' | 'production',
    live: LiveView,
    recorded: ReleaseRecord | undefined,
  ) => {
    const repository = recorded?.image.repository ?? production[0]?.image.repository ?? '';
    const current = compareLive(live, repository, recorded?.image.digest);
    const all = [...production, ...(staging ? [staging] : [])];
    return {
      environment,
      live,
      current: { ...current, version: versionFor(current.digest, all, deployments) },
      recorded: recorded ?? null,
    };
  };
  return {
    service,
    at,
    environments: [
      board('staging', liveStaging, staging),
      board('production', liveProduction, production[0]),
    ],
    lastKnownGood: production[0] ?? null,
    releases: production.map((r, i) => ({
      ...r,
      current: i === 0,
      rolledBack: rolledBack.has(r.deploymentId),
    })),
    inFlight: inFlight
      ? {
          id: inFlight.id,
          state: inFlight.state,
          weight: inFlight.weight,
          liveWeight: liveProduction.canaryWeight?.reachable ? liveProduction.canaryWeight.weight : null,
          version: versionOf(inFlight.image),
          digest: inFlight.image.digest,
          reason: inFlight.reason ?? null,
        }
      : null,
    queue: queue
      .filter((q) => q.state === 'queued' && q.deploymentId !== activeId)
      .map((q) => ({ deploymentId: q.deploymentId, digest: q.digest, enqueuedAt: q.enqueuedAt })),
    holds: [...(await holdsFor(ports, control, service, at, inFlight)), ...laneHold(quarantine.hold)],
    quarantine,
    recent: deployments
      .filter((d) => TERMINAL_STATES.has(d.state))
      .slice(0, RECENT)
      .map((d) => ({
        id: d.id,
        state: d.state,
        reason: d.reason ?? null,
        rolledBack: rolledBack.has(d.id),
        version: versionOf(d.image),
        digest: d.image.digest,
        updatedAt: d.updatedAt,
      })),
    ...(rings && { rings }),
  };
}
