import type { OrchestrationContext } from 'durable-functions';
import { Activities } from '../../shared/contracts/activities.js';
import { call, type Flow } from '../lib/flow.js';
import { interrupted, PhaseScope, type PhaseResult } from '../lib/phase.js';

/** Runs every configured gate in order; a failing gate stops the run before anything is deployed. */
export function* gatesPhase(ctx: OrchestrationContext): Flow<PhaseResult> {
  const p = new PhaseScope(ctx, 'gates', 1);
  const { deployment, plan } = p.run;
  for (const gate of plan.gates) {
    const pending = p.interrupts.pending();
    if (pending) return interrupted(pending);
    p.status({ step: gate.name, waitingFor: `gate ${gate.name}` });
    const result = yield* call(ctx, Activities.runGate, {
      gate,
      image: deployment.image,
      commitSha: deployment.commitSha,
    });
    yield* p.rec.note('gate', `gate:${gate.name}`, {
      verdict: result.verdict,
      comment: result.summary,
      evidence: result.evidence,
    });
    if (result.verdict === 'fail')
      return { outcome: 'failed', reason: `gate ${gate.name} failed: ${result.summary}` };
  }
  return { outcome: 'passed' };
}
