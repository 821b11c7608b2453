import { describe, expect, it } from 'vitest';
import { ada, digest, principalHeaders, titles } from './pipeline-harness.js';
import { badCanary, e2e, IMAGE, toCanary, usePipelineHost } from './pipeline-setup.js';

usePipelineHost();

/** The analysis engine through the compiled app: fail-fast, traffic sufficiency, outages, re-judging. */
describe('canary analysis end to end', () => {
  it('re-judges a rolled-back canary under another spec without touching the cluster', async () => {
    badCanary();
    const d = await e2e.h.submit('ApiGateway', IMAGE(digest()));
    await toCanary(d.id);
    expect((await e2e.h.finish(d.id)).deployment.state).toBe('RolledBack');
    const calls = { weights: e2e.h.world.weights.length, queries: e2e.h.world.queries.length };
    const metric = (name: string, templateRef: string, bounds: object) => ({
      name,
      templateRef,
      thresholdRange: bounds,
      interval: '1m',
    });
    const canary = (min: number) => ({
      interval: '1m',
      threshold: 5,
      steps: [{ weight: 10, duration: '5m' }],
      metrics: [
        metric('request-success-rate', 'request-success-rate', { min }),
        metric('request-duration-p95', 'request-duration', { max: 500 }),
      ],
    });
    const looser = await e2e.h.post(`/api/deployments/${d.id}/rejudge`, { canary: canary(95) });
    expect(looser.status).toBe(200);
    const r = (await looser.json()) as {
      original: { outcome: string; failedChecks: number };
      rejudged: { outcome: string; failedChecks: number };
      outcomeChanged: boolean;
      changedChecks: number;
      checks: Array<{ metric: string; kind: string; original: string; rejudged: string; value: number }>;
    };
    expect(r.original).toMatchObject({ outcome: 'rolled-back', failedChecks: 5 });
    // Nothing failed under min 95, but the run stopped after five rounds: the rest is unknown.
    expect(r.rejudged).toEqual({ outcome: 'undetermined', failedChecks: 0 });
    expect(r.outcomeChanged).toBe(true);
    const success = r.checks.filter((c) => c.metric === 'request-success-rate' && c.kind === 'metric');
    expect(success.map((c) => [c.value, c.original, c.rejudged])).toEqual(
      Array(5).fill([97, 'fail', 'pass']),
    );
    expect(r.changedChecks).toBe(5);
    const same = (await (
      await e2e.h.post(`/api/deployments/${d.id}/rejudge`, { canary: canary(99) })
    ).json()) as {
      rejudged: { outcome: string };
      changedChecks: number;
    };
    expect(same).toMatchObject({ rejudged: { outcome: 'rolled-back' }, changedChecks: 0 });
    expect({ weights: e2e.h.world.weights.length, queries: e2e.h.world.queries.length }).toEqual(calls);

    const bad = await e2e.h.post(`/api/deployments/${d.id}/rejudge`, {
      canary: { ...canary(99), threshold: 0 },
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: {
        code: 'invalid-spec',
        details: { issues: [expect.objectContaining({ path: 'canary.threshold' })] },
      },
    });
    expect((await e2e.h.post(`/api/deployments/${d.id}/rejudge`, {})).status).toBe(400);
    expect(
      (await e2e.h.post(`/api/deployments/api-gateway-000000000000/rejudge`, { canary: canary(99) })).status,
    ).toBe(404);
  });

  it('rolls back on a hard-bound breach at the next fast check, not after threshold intervals', async () => {
    e2e.h.world.metric = (q, w) =>
      q.template.includes('duration') ? 200 : q.template === 'request-rate' ? 50 : w.weight > 0 ? 40 : 99.9;
    const d = await e2e.h.submit('ApiGateway', IMAGE(digest()));
    await toCanary(d.id);
    const view = await e2e.h.finish(d.id);
    expect(view.deployment.state).toBe('RolledBack');
    expect(view.deployment.reason).toBe(
      'fail-fast: request-success-rate: hard bound breached: 40 < min 95 at 10%',
    );
    expect(e2e.h.world.weights).toEqual([10, 0]);
    const on = view.timeline.find((e) => e.title === 'weight:10');
    const off = view.timeline.find((e) => e.title === 'weight:0');
    // The first fast round, 15 s after traffic reached the canary (Flagger: interval × threshold = 5 min).
    expect(Date.parse(off?.at ?? '') - Date.parse(on?.at ?? '')).toBe(15_000);
    expect(titles(view.timeline).filter((t) => t.startsWith('check:'))).toEqual([]);
  });

  it('never judges an empty window: too little canary traffic holds, then pauses for an operator', async () => {
    e2e.h.world.metric = (q, w) =>
      q.template.includes('duration') ? 200 : q.template === 'request-rate' ? 0.5 : w.weight > 0 ? 40 : 99.9;
    const d = await e2e.h.submit('ApiGateway', IMAGE(digest()));
    await toCanary(d.id);
    const paused = await e2e.h.waitForPhase(d.id, 'canary', 'operator (paused:');
    expect(JSON.parse(paused.customStatus ?? '{}')).toMatchObject({ paused: true, weight: 10 });
    expect(e2e.h.world.weights).toEqual([10]);
    const view = await e2e.h.view(d.id);
    const decisions = titles(view.timeline, 'decision').filter((t) => t.startsWith('analysis:'));
    expect(decisions).toEqual([
      'analysis:hold',
      'analysis:hold',
      'analysis:hold',
      'analysis:pause',
      'analysis:paused',
    ]);
    const checks = view.timeline.filter((e) => e.evidence?.kind === 'metric');
    expect(new Set(checks.map((c) => c.verdict))).toEqual(new Set(['inconclusive']));
    expect(checks[0]?.evidence).toMatchObject({ requests: 30, minRequests: 100 });
    expect(e2e.h.world.notifications.some((n) => n.title === 'analysis:paused')).toBe(true);
    expect((await e2e.h.post(`/api/deployments/${d.id}/abort`, { comment: 'too quiet' }, ada)).status).toBe(
      202,
    );
    expect((await e2e.h.finish(d.id)).deployment.state).toBe('RolledBack');
  });

  it('pauses at weight 0 on a Prometheus outage instead of promoting or rolling back, and resumes', async () => {
    e2e.h.world.metricsOutage = new Error('connect ECONNREFUSED 10.0.0.9:9090');
    const d = await e2e.h.submit('ApiGateway', IMAGE(digest()));
    await toCanary(d.id);
    await e2e.h.waitForPhase(d.id, 'canary', 'operator (paused:');
    // onProviderOutage: pause-at-zero (the default): nobody can judge the canary, so it gets no traffic.
    expect(e2e.h.world.weights).toEqual([10, 0]);
    const view = await e2e.h.view(d.id);
    expect(titles(view.timeline, 'decision').filter((t) => t.startsWith('analysis:'))).toEqual([
      ...Array<string>(4).fill('analysis:hold'),
      'analysis:pause',
      'analysis:paused',
    ]);
    e2e.h.world.metricsOutage = undefined;
    // The dashboard's Resume button follows /api/me, which reads the canary's paused status.
    const me = await e2e.h.host.request(`/api/me?deployment=${d.id}`, { headers: principalHeaders(ada) });
    const caller = (await me.json()) as { deployment: { actions: Record<string, unknown> } };
    expect(caller.deployment.actions.resume).toEqual({ allowed: true });
    expect(
      (await e2e.h.post(`/api/deployments/${d.id}/resume`, { comment: 'Prometheus is back' }, ada)).status,
    ).toBe(202);
    const done = await e2e.h.finish(d.id);
    expect(done.deployment.state).toBe('Succeeded');
    expect(titles(done.timeline)).toContain('analysis:resumed');
    expect(e2e.h.world.weights.slice(0, 3)).toEqual([10, 0, 10]);
  });
});
