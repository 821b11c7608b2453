import type { OrchestrationContext } from 'durable-functions';
import { Activities, type RecorderLane } from '../../shared/contracts/activities.js';
import type { DeploymentState, TimelineEntry } from '../../shared/domain/deployment.js';
import {
  chatEventKind,
  environmentOf,
  hasRoutes,
  routeChat,
  type ChatEnvironment,
  type ChatRoute,
  type RecordedChange,
} from '../../shared/domain/chat-routing.js';
import { weightEntry, type OwnEntry } from '../../shared/domain/timeline-entries.js';
import type { RouterSpec } from '../../shared/contracts/plan.js';
import type { ClusterTarget } from '../../shared/ports/cluster.js';
import { deliverChat } from './chat.js';
import { call, type Flow } from './flow.js';

/** The pipeline file's chat routes for the run, and the environment of what this recorder writes. */
export interface RecorderChat {
  routes?: ChatRoute[];
  environment: ChatEnvironment;
}

/**
 * Writes timeline entries with deterministic sequence numbers: orchestration time in ms × 1000, plus a
 * slot per orchestration (pipeline 0, phases 1-7, lane 8) × 100, plus a per-orchestration counter. A
 * replayed or retried activity writes the same seq, so the entry is stored once, and entries sort in time.
 */
export class Recorder {
  private counter = 0;
  /** The last state this recorder moved the run to (where its later notes happen). */
  private state: DeploymentState | undefined;
  /** A chat delivery of this orchestration gave up: later ones get a single attempt. */
  private chatDown = false;

  constructor(
    private readonly ctx: OrchestrationContext,
    private readonly deploymentId: string,
    private readonly service: string,
    private readonly slot: number,
    private readonly chat?: RecorderChat,
    private readonly lane?: RecorderLane,
  ) {}

  /**
   * Tells the routed channels about a chat-worthy write (after it is recorded). What could not be
   * delivered is recorded as a `notification:failed` note; nothing here can fail the run.
   */
  private *announce(
    change: RecordedChange,
    entry: { seq: number; at: string },
    extra: {
      actor?: string;
      reason?: string;
    },
  ): Flow<void> {
    const routes = this.chat?.routes;
    const kind = hasRoutes(routes) ? chatEventKind(change) : undefined;
    if (!kind || !hasRoutes(routes)) return;
    const environment =
      change.to || this.state
        ? environmentOf({ from: change.from ?? this.state, to: change.to })
        : (this.chat?.environment ?? 'staging');
    const destinations = routeChat(routes, { kind, environment });
    if (destinations.length === 0) return;
    const event = {
      kind,
      environment,
      at: entry.at,
      title: change.title,
      seq: entry.seq,
      ...(change.to && { state: change.to }),
      ...(change.weight !== undefined && { weight: change.weight }),
      ...(extra.actor && { actor: extra.actor }),
      ...(extra.reason && { reason: extra.reason }),
    };
    const input = { deploymentId: this.deploymentId, service: this.service, event, destinations };
    const failures = yield* deliverChat(this.ctx, input, this.chatDown);
    if (failures.length === 0) return;
    this.chatDown = true;
    try {
      yield* call(this.ctx, Activities.record, {
        deploymentId: this.deploymentId,
        service: this.service,
        entry: {
          seq: this.seq(),
          at: this.ctx.df.currentUtcDateTime.toISOString(),
          kind: 'note',
          title: 'notification:failed',
          verdict: 'warn',
          comment: failures.map((f) => `${f.destination}: ${f.error}`).join('; '),
          evidence: { event: kind, failures },
        },
      });
    } catch {
      // The store itself is failing: the run's next write reports that; chat stays out of its way.
    }
  }

  private seq(): number {
    const ms = this.ctx.df.currentUtcDateTime.getTime();
    // Targets of one ring run the same phase (same slot) at the same instants: each takes every
    // `of`-th counter value, so their entries never share a seq (at most 100/`of` entries per ms each).
    const n = this.lane
      ? this.lane.index + this.lane.of * (this.counter++ % Math.floor(100 / this.lane.of))
      : this.counter++ % 100;
    return ms * 1000 + this.slot * 100 + n;
  }

  /** Seqs and the time for `count` entries that an activity writes itself (`Activities.analyse`'s `record`). */
  reserve(count: number): { seqs: number[]; at: string } {
    return {
      seqs: Array.from({ length: count }, () => this.seq()),
      at: this.ctx.df.currentUtcDateTime.toISOString(),
    };
  }

  /**
   * The seq, time and run for one entry that an acting activity writes itself (its `record` input, see
   * `shared/activities/own-entry.ts`); a reserved seq the activity does not use leaves a harmless gap.
   */
  own(): OwnEntry {
    return {
      deploymentId: this.deploymentId,
      service: this.service,
      seq: this.seq(),
      at: this.ctx.df.currentUtcDateTime.toISOString(),
    };
  }

  *note(
    kind: TimelineEntry['kind'],
    title: string,
    details: Partial<Pick<TimelineEntry, 'verdict' | 'actor' | 'comment' | 'evidence'>> = {},
    options: { notify?: 'incident' } = {},
  ): Flow<void> {
    const entry = {
      seq: this.seq(),
      at: this.ctx.df.currentUtcDateTime.toISOString(),
      kind,
      title,
      ...details,
    };
    yield* call(this.ctx, Activities.record, {
      deploymentId: this.deploymentId,
      service: this.service,
      entry,
      ...options,
    });
    yield* this.announce({ title, notify: options.notify }, entry, {
      actor: details.actor,
      reason: details.comment,
    });
  }

  /** Several entries in one activity: one episode instead of one per entry. */
  *notes(
    entries: Array<
      Pick<TimelineEntry, 'kind' | 'title'> &
        Partial<Pick<TimelineEntry, 'verdict' | 'actor' | 'comment' | 'evidence'>>
    >,
  ): Flow<void> {
    const [first, ...rest] = entries.map((e) => ({
      seq: this.seq(),
      at: this.ctx.df.currentUtcDateTime.toISOString(),
      ...e,
    }));
    if (!first) return;
    yield* call(this.ctx, Activities.record, {
      deploymentId: this.deploymentId,
      service: this.service,
      entry: first,
      more: rest,
    });
  }

  /** Moves the deployment to `to` and records the transition. */
  *transition(from: DeploymentState | undefined, to: DeploymentState, reason?: string): Flow<void> {
    const entry = {
      seq: this.seq(),
      at: this.ctx.df.currentUtcDateTime.toISOString(),
      kind: 'transition' as const,
      title: `${from ?? 'Queued'}->${to}`,
      comment: reason,
    };
    yield* call(this.ctx, Activities.record, {
      deploymentId: this.deploymentId,
      service: this.service,
      entry,
      transition: { to, reason },
    });
    this.state = to;
    yield* this.announce({ title: entry.title, from, to }, entry, { reason });
  }

  /** Records a traffic weight change and stores it on the deployment record. */
  *weight(weight: number, comment: string): Flow<void> {
    const entry = {
      seq: this.seq(),
      at: this.ctx.df.currentUtcDateTime.toISOString(),
      ...weightEntry(weight, comment),
    };
    yield* call(this.ctx, Activities.record, {
      deploymentId: this.deploymentId,
      service: this.service,
      entry,
      weight,
    });
    yield* this.announce({ title: entry.title, weight }, entry, { reason: comment });
  }

  /**
   * Sets the canary's weight and records the weight reached, in one activity (`setWeight` with its
   * `record`): the same entry, store update and chat announcement as `setWeight` followed by `weight`.
   */
  *setWeight(target: ClusterTarget, router: RouterSpec, weight: number, comment: string): Flow<number> {
    const own = this.own();
    const set = yield* call(this.ctx, Activities.setWeight, {
      target,
      router,
      weight,
      record: { ...own, comment },
    });
    yield* this.announce({ title: `weight:${set}`, weight: set }, own, { reason: comment });
    return set;
  }
}
