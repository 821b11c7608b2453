import type { OrchestrationContext } from 'durable-functions';
import { Activities, type RunInput } from '../../shared/contracts/activities.js';
import type { Phase } from '../../shared/contracts/events.js';
import { call, Interrupts, type Flow, type Interrupt } from './flow.js';
import { Recorder } from './recorder.js';

/** Phases before production approval: their chat events are staging's. */
const STAGING_PHASES: ReadonlySet<Phase> = new Set(['gates', 'staging', 'tests']);

/** What every phase reports back to the pipeline. Expected outcomes are data, never throws. */
export type PhaseResult =
  | { outcome: 'passed'; weight?: number; detail?: string }
  | { outcome: 'failed'; reason: string; weight?: number }
  | { outcome: 'rolled-back'; reason: string }
  | { outcome: 'interrupted'; interrupt: Interrupt; weight?: number };

export interface PhaseStatus {
  stage: Phase;
  step?: string;
  weight?: number;
  failedChecks?: number;
  waitingFor?: string;
  /** Analysis paused for an operator (limits exhausted); `resume` continues it. */
  paused?: boolean;
  since: string;
}

/** Shared set-up of a phase sub-orchestration: its input, timeline recorder, interrupts and status. */
export class PhaseScope {
  readonly run: RunInput;
  readonly rec: Recorder;
  readonly interrupts: Interrupts;

  constructor(
    readonly ctx: OrchestrationContext,
    readonly phase: Phase,
    slot: number,
    options: { skipAnalysis?: boolean } = {},
  ) {
    this.run = ctx.df.getInput() as RunInput;
    this.rec = new Recorder(
      ctx,
      this.run.deployment.id,
      this.run.deployment.service,
      slot,
      {
        routes: this.run.plan.chat,
        environment: STAGING_PHASES.has(phase) ? 'staging' : 'production',
      },
      this.run.train?.lane,
    );
    this.interrupts = new Interrupts(ctx, options);
  }

  /**
   * First step of every phase: the interrupts the API stored for the run. One accepted while this phase
   * did not exist yet (between two phases) reached no listener, so the store is what makes it durable.
   */
  *begin(): Flow<Interrupt | undefined> {
    const { id, service } = this.run.deployment;
    const stored = yield* call(this.ctx, Activities.storedInterrupts, { service, deploymentId: id });
    // Interrupts apply per ring: a skip-analysis accepted before this ring started skipped an earlier one.
    const since = this.run.train?.since;
    return this.interrupts.adopt(
      since ? stored.filter((s) => s.kind !== 'skipAnalysis' || s.at >= since) : stored,
    );
  }

  status(update: Omit<PhaseStatus, 'stage' | 'since'>): void {
    this.ctx.df.setCustomStatus({
      stage: this.phase,
      since: this.ctx.df.currentUtcDateTime.toISOString(),
      ...update,
    });
  }
}

export const interrupted = (interrupt: Interrupt, weight?: number): PhaseResult => ({
  outcome: 'interrupted',
  interrupt,
  weight,
});
