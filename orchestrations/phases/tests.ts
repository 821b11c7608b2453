import type { OrchestrationContext } from 'durable-functions';
import { Activities } from '../../shared/contracts/activities.js';
import { Events, type TestResultPayload } from '../../shared/contracts/events.js';
import { call, callTask, type Flow } from '../lib/flow.js';
import { interrupted, PhaseScope, type PhaseResult } from '../lib/phase.js';

/**
 * Smoke checks, then the test workflows: all are dispatched at once, and their results arrive as
 * `testResult` events (from GitHub `workflow_run` webhooks). Each workflow has its own deadline.
 */
export function* testsPhase(ctx: OrchestrationContext): Flow<PhaseResult> {
  const p = new PhaseScope(ctx, 'tests', 3);
  const early = yield* p.begin();
  if (early) return interrupted(early);
  const { deployment, plan } = p.run;
  const smoke = yield* smokeChecks(p);
  if (smoke) return smoke;
  const workflows = plan.staging.tests;
  if (workflows.length === 0) return { outcome: 'passed', detail: 'no test workflows' };
  yield ctx.df.Task.all(
    workflows.map((workflow) =>
      callTask(ctx, Activities.dispatchTest, {
        workflow,
        deploymentId: deployment.id,
        image: deployment.image,
      }),
    ),
  );
  const start = ctx.df.currentUtcDateTime.getTime();
  const waiting = new Map(workflows.map((w) => [w.name, start + w.timeout]));
  while (waiting.size > 0) {
    p.status({ waitingFor: `test workflows: ${[...waiting.keys()].join(', ')}` });
    const deadline = Math.min(...waiting.values());
    const result = yield* p.interrupts.race<TestResultPayload>(
      ctx.df.waitForExternalEvent(Events.testResult.name),
      new Date(deadline),
    );
    if (result.kind === 'timeout') {
      const late = [...waiting]
        .filter(([, at]) => at <= ctx.df.currentUtcDateTime.getTime())
        .map(([name]) => name);
      yield* p.rec.note('check', `tests:timeout`, { verdict: 'fail', evidence: { workflows: late } });
      return { outcome: 'failed', reason: `test workflow(s) timed out: ${late.join(', ')}` };
    }
    if (result.kind !== 'done') return interrupted(result);
    const r = result.value;
    if (!waiting.has(r.workflow)) continue; // unknown or already reported: a replayed webhook
    waiting.delete(r.workflow);
    const ok = r.conclusion === 'success';
    yield* p.rec.note('check', `test:${r.workflow}`, { verdict: ok ? 'pass' : 'fail', evidence: { ...r } });
    if (!ok) return { outcome: 'failed', reason: `test workflow ${r.workflow} concluded ${r.conclusion}` };
  }
  return { outcome: 'passed' };
}

function* smokeChecks(p: PhaseScope): Flow<PhaseResult | undefined> {
  for (const check of p.run.plan.staging.smoke) {
    const pending = p.interrupts.pending();
    if (pending) return interrupted(pending);
    p.status({ step: check.name, waitingFor: `smoke check ${check.name}` });
    // The activity records `smoke:<name>` itself: one activity per check, not two.
    const result = yield* call(p.ctx, Activities.runSmoke, { check, record: p.rec.own() });
    if (!result.ok)
      return {
        outcome: 'failed',
        reason: `smoke check ${check.name} failed: ${result.error ?? `HTTP ${result.status}`}`,
      };
  }
  return undefined;
}
