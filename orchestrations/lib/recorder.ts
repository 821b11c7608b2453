import type { OrchestrationContext } from 'durable-functions';
import { Activities } from '../../shared/contracts/activities.js';
import type { DeploymentState, TimelineEntry } from '../../shared/domain/deployment.js';
import { call, type Flow } from './flow.js';

/**
 * Writes timeline entries with deterministic sequence numbers: orchestration time in ms × 1000, plus a
 * slot per orchestration (pipeline 0, phases 1-7, lane 8) × 100, plus a per-orchestration counter. A
 * replayed or retried activity writes the same seq, so the entry is stored once, and entries sort in time.
 */
export class Recorder {
  private counter = 0;

  constructor(
    private readonly ctx: OrchestrationContext,
    private readonly deploymentId: string,
    private readonly service: string,
    private readonly slot: number,
  ) {}

  private seq(): number {
    const ms = this.ctx.df.currentUtcDateTime.getTime();
    return ms * 1000 + this.slot * 100 + (this.counter++ % 100);
  }

  /** Seqs and the time for `count` entries that an activity writes itself (`Activities.analyse`'s `record`). */
  reserve(count: number): { seqs: number[]; at: string } {
    return {
      seqs: Array.from({ length: count }, () => this.seq()),
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
  }

  /** Records a traffic weight change and stores it on the deployment record. */
  *weight(weight: number, comment: string): Flow<void> {
    const entry = {
      seq: this.seq(),
      at: this.ctx.df.currentUtcDateTime.toISOString(),
      kind: 'action' as const,
      title: `weight:${weight}`,
      comment,
      evidence: { weight },
    };
    yield* call(this.ctx, Activities.record, {
      deploymentId: this.deploymentId,
      service: this.service,
      entry,
      weight,
    });
  }
}
