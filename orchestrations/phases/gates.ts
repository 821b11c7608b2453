import type { OrchestrationContext } from 'durable-functions';
import { Activities } from '../../shared/contracts/activities.js';
import type { GateSpec } from '../../shared/contracts/plan.js';
import type { GateProgress, GateResult } from '../../shared/ports/runners.js';
import { gateEntry } from '../../shared/domain/timeline-entries.js';
import { after, call, type Flow, type Interrupt } from '../lib/flow.js';
import { interrupted, PhaseScope, type PhaseResult } from '../lib/phase.js';

/** `recorded`: the activity that returned the verdict also recorded it (`gate:<name>`). */
type GateOutcome = { kind: 'result'; result: GateResult; recorded: boolean } | Interrupt;
/** What the gates know about the image's origin (see `Activities.resolveProvenance`). */
type Origin = { commitSha?: string; imageSource?: string };

/**
 * Runs one gate durably: start it, then while it is pending sleep (cancellable) and check it again. The
 * deadline is the gate's `timeoutMs` from the start, on the orchestration clock; passing it fails the gate.
 */
function* runGate(p: PhaseScope, gate: GateSpec, origin: Origin): Flow<GateOutcome> {
  const { ctx } = p;
  const { image } = p.run.deployment;
  // The activity that returns the verdict records it too, at a seq reserved for each call.
  let progress: GateProgress = yield* call(ctx, Activities.startGate, {
    gate,
    image,
    ...origin,
    record: p.rec.own(),
  });
  if (progress.done) return { kind: 'result', result: progress.result, recorded: true };
  const { timeoutMs } = progress;
  const deadline = after(ctx, timeoutMs).getTime();
  let shown: string | undefined;
  while (!progress.done) {
    const waiting = progress.detail ?? 'result';
    if (waiting !== shown) p.status({ step: gate.name, waitingFor: `gate ${gate.name}: ${waiting}` });
    shown = waiting;
    const left = deadline - ctx.df.currentUtcDateTime.getTime();
    if (left <= 0) {
      const summary = `no result within ${Math.round(timeoutMs / 1000)}s (last: ${waiting})`;
      return {
        kind: 'result',
        result: { gate: gate.name, verdict: 'fail', summary, evidence: { ...progress.handle, timeoutMs } },
        recorded: false,
      };
    }
    // The last sleep ends at the deadline, so the gate gets one final check before it times out.
    const interrupt = yield* p.interrupts.sleep(Math.min(progress.pollAfterMs, left));
    if (interrupt) return interrupt;
    progress = yield* call(ctx, Activities.checkGate, {
      gate,
      image,
      handle: progress.handle,
      ...origin,
      record: p.rec.own(),
    });
  }
  return { kind: 'result', result: progress.result, recorded: true };
}

/**
 * Where the image's commit comes from (the push, the image's revision label, a `sha-` tag), recorded on
 * the timeline before any gate judges the image.
 */
function* provenance(p: PhaseScope): Flow<Origin> {
  const { id, image } = p.run.deployment;
  p.status({ step: 'provenance', waitingFor: 'the image provenance' });
  const found = yield* call(p.ctx, Activities.resolveProvenance, {
    deploymentId: id,
    image,
    provenance: p.run.plan.provenance,
    at: p.ctx.df.currentUtcDateTime.toISOString(),
    record: p.rec.own(), // the activity records `provenance` (one activity, not two)
  });
  return {
    ...(found.commitSha !== undefined && { commitSha: found.commitSha }),
    ...(found.source !== undefined && { imageSource: found.source }),
  };
}

/** Runs every configured gate in order; a failing gate stops the run before anything is deployed. */
export function* gatesPhase(ctx: OrchestrationContext): Flow<PhaseResult> {
  const p = new PhaseScope(ctx, 'gates', 1);
  const early = yield* p.begin();
  if (early) return interrupted(early);
  const origin = yield* provenance(p);
  for (const gate of p.run.plan.gates) {
    const pending = p.interrupts.pending();
    if (pending) return interrupted(pending);
    p.status({ step: gate.name, waitingFor: `gate ${gate.name}` });
    const outcome = yield* runGate(p, gate, origin);
    if (outcome.kind !== 'result') return interrupted(outcome);
    const { result } = outcome;
    if (!outcome.recorded) {
      const { kind, title, ...details } = gateEntry(gate.name, result); // a timeout: no activity recorded it
      yield* p.rec.note(kind, title, details);
    }
    if (result.verdict === 'fail')
      return { outcome: 'failed', reason: `gate ${gate.name} failed: ${result.summary}` };
  }
  return { outcome: 'passed' };
}
