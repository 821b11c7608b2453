import type { OrchestrationContext } from 'durable-functions';
import type { RunInput } from '../shared/contracts/activities.js';
import type { Phase } from '../shared/contracts/events.js';
import type { Flow } from './lib/flow.js';
import type { PhaseResult } from './lib/phase.js';

export interface RingTargetInput {
  run: RunInput;
  phase: Phase;
  /** The phase's own instance id (`deploy:<id>:<phase>@<ring>[.n]`), where interrupts are raised. */
  instanceId: string;
}

/** A target's phase result; `threw`: the phase failed unexpectedly and cleaned nothing up. */
export interface RingTargetOutcome {
  result: PhaseResult;
  threw: boolean;
}

/**
 * Runs one target's phase and turns a throw into data. The ring fans out over its targets with
 * `Task.all`, which fails as soon as one child fails while the others keep running: wrapped, every
 * target's phase ends before the ring decides, so a failed target never races a sibling's cleanup.
 */
export function* ringTargetPhase(ctx: OrchestrationContext): Flow<RingTargetOutcome> {
  const { run, phase, instanceId } = ctx.df.getInput() as RingTargetInput;
  try {
    const result = (yield ctx.df.callSubOrchestrator(`${phase}Phase`, run, instanceId)) as PhaseResult;
    return { result, threw: false };
  } catch (error) {
    const reason = error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error);
    return { result: { outcome: 'failed', reason }, threw: true };
  }
}
