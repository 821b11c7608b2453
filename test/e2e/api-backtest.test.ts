import { describe, expect, it } from 'vitest';
import type { MetricsQuery } from '../../shared/ports/metrics.js';
import { digest, principalHeaders, reader, type User } from './pipeline-harness.js';
import { e2e, IMAGE, toCanary, usePipelineHost } from './pipeline-setup.js';

usePipelineHost();

type Backtest = {
  service: string;
  spec: string;
  outcome: string;
  reason?: string;
  at?: string;
  failedChecks: number;
  rounds: number;
  decisions: Array<{ at: string; action: string }>;
  checks: Array<{ at: string; metric: string; kind: string; verdict: string; round: string; value: number }>;
};
type ErrorBody = { error: { code: string; message: string; details?: Record<string, unknown> } };

const post = (body: unknown, user: User = reader) =>
  e2e.h.host.request('/api/analysis/backtest', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...principalHeaders(user) },
    body: JSON.stringify(body),
  });

const runs = async (): Promise<number> => {
  const res = await e2e.h.host.request('/api/deployments?pageSize=200', {
    headers: principalHeaders(reader),
  });
  return ((await res.json()) as { items: unknown[] }).items.length;
};

/**
 * A canary whose success rate drops to 97 % (below the 99 % range, above the 95 % hard bound) two
 * minutes after the first analysis query, whatever weight it has: the metrics depend on time only, so a
 * backtest of the same window sees what the live run saw.
 */
function degradingByTime(): void {
  let start: number | undefined;
  e2e.h.world.metric = (q: MetricsQuery & { at?: string }) => {
    const at = Date.parse(q.at ?? '');
    start ??= at;
    if (q.template.includes('duration')) return 200;
    if (q.template === 'request-rate') return 50;
    return at >= start + 120_000 ? 97 : 99.9;
  };
}

describe('POST /api/analysis/backtest (dev host, compiled app)', () => {
  it("reproduces a recorded pipeline run's rollback from the metrics alone, changing nothing", async () => {
    degradingByTime();
    const d = await e2e.h.submit('ApiGateway', IMAGE(digest()));
    await toCanary(d.id);
    const recorded = await e2e.h.finish(d.id);
    expect(recorded.deployment.state).toBe('RolledBack');
    const on = recorded.timeline.find((e) => e.title.startsWith('weight:') && e.title !== 'weight:0');
    const rollback = recorded.timeline.find((e) => e.title === 'analysis:rollback');
    const live = recorded.timeline
      .filter((e) => e.kind === 'check' && e.evidence?.kind === 'metric')
      .map((e) => [e.evidence?.evaluatedAt, e.evidence?.name, e.verdict]);
    const before = { weights: e2e.h.world.weights.length, runs: await runs() };

    const res = await post({ service: 'ApiGateway', from: on?.at, to: rollback?.at });
    expect(res.status).toBe(200);
    const view = (await res.json()) as Backtest;
    expect(view).toMatchObject({
      service: 'ApiGateway',
      spec: 'configured',
      outcome: 'rolled-back',
      at: rollback?.at,
      reason: recorded.deployment.reason,
    });
    const table = view.checks.filter((c) => c.kind === 'metric').map((c) => [c.at, c.metric, c.verdict]);
    expect(table).toEqual(live);
    expect(view.checks.some((c) => c.verdict === 'fail' && c.value === 97)).toBe(true);
    // Nothing deployed, nothing recorded: no weight set, no new run.
    expect({ weights: e2e.h.world.weights.length, runs: await runs() }).toEqual(before);
  });

  it.each([
    [
      'no service',
      { from: '2026-01-05T09:00:00Z', to: '2026-01-05T09:30:00Z' },
      400,
      'invalid-field',
      'service',
    ],
    [
      'a zone-less time',
      { service: 'ApiGateway', from: '2026-01-05T09:00:00', to: '2026-01-05T09:30:00Z' },
      400,
      'invalid-field',
      'from',
    ],
    [
      'to before from',
      { service: 'ApiGateway', from: '2026-01-05T09:30:00Z', to: '2026-01-05T09:00:00Z' },
      400,
      'invalid-field',
      'to',
    ],
    [
      'to in the future',
      { service: 'ApiGateway', from: '2026-01-05T09:00:00Z', to: '2026-01-06T09:30:00Z' },
      400,
      'invalid-field',
      'to',
    ],
    [
      'a window over 24 h',
      { service: 'ApiGateway', from: '2026-01-03T09:00:00Z', to: '2026-01-05T09:30:00Z' },
      400,
      'invalid-field',
      'to',
    ],
    [
      'an unknown field',
      { service: 'ApiGateway', from: '2026-01-05T09:00:00Z', to: '2026-01-05T09:30:00Z', weight: 5 },
      400,
      'invalid-field',
      'weight',
    ],
    [
      'an unknown service',
      { service: 'Nope', from: '2026-01-05T09:00:00Z', to: '2026-01-05T09:30:00Z' },
      404,
      'unknown-service',
      undefined,
    ],
    [
      'a config that is no block',
      { service: 'ApiGateway', from: '2026-01-05T09:00:00Z', to: '2026-01-05T09:30:00Z', config: 'strict' },
      400,
      'invalid-spec',
      undefined,
    ],
  ])('refuses %s (%s), querying nothing', async (_name, body, status, code, field) => {
    const res = await post(body);
    expect(res.status).toBe(status);
    const error = ((await res.json()) as ErrorBody).error;
    expect(error.code).toBe(code);
    if (field) expect(error.details).toMatchObject({ field });
    expect(e2e.h.world.queries).toEqual([]);
  });

  it('names each problem of a bad canary block under config.*', async () => {
    const res = await post({
      service: 'ApiGateway',
      from: '2026-01-05T09:00:00Z',
      to: '2026-01-05T09:30:00Z',
      config: { stepWeight: 10, threshold: 0, metrics: [] },
    });
    expect(res.status).toBe(400);
    const error = ((await res.json()) as ErrorBody).error;
    expect(error.code).toBe('invalid-spec');
    const paths = (error.details?.issues as Array<{ path: string }>).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['config.threshold', 'config.metrics']));
    expect(e2e.h.world.queries).toEqual([]);
  });

  it("is a reader's call: no role, no backtest", async () => {
    const res = await post(
      { service: 'ApiGateway', from: '2026-01-05T09:00:00Z', to: '2026-01-05T09:30:00Z' },
      { name: 'nobody', groups: [], roles: [] },
    );
    expect(res.status).toBe(403);
    expect(e2e.h.world.queries).toEqual([]);
  });
});
