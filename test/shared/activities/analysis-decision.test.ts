import { describe, expect, it } from 'vitest';
import { analyse } from '../../../shared/activities/analysis.js';
import { decisionEntry, intervalDecision } from '../../../shared/analysis/entries.js';
import { EMPTY_TALLY, type Limits } from '../../../shared/analysis/limits.js';
import type { Ports } from '../../../shared/ports/index.js';
import { FakeWorld } from '../../fakes/world.js';
import { MemoryRunStore } from '../../fakes/memory-run-store.js';
import { AT, input, script } from './analysis-fixtures.js';

const LIMITS: Limits = {
  threshold: 2,
  inconclusiveLimit: 3,
  consecutiveErrorLimit: 4,
  onLimitExhausted: 'pause',
  minRequests: 100,
};

/** An interval round records its decision with its checks: one activity instead of `analyse` + `record`. */
describe('analyse: the interval decision is recorded with the round', () => {
  const setup = (values: Parameters<typeof script>[1]) => {
    const world = new FakeWorld();
    script(world, values);
    const store = new MemoryRunStore();
    return { store, ports: { metrics: world, store } as unknown as Ports };
  };
  const record = (tally = EMPTY_TALLY) => ({
    deploymentId: 'apigateway-0123456789ab',
    service: 'ApiGateway',
    // success: check + fail-fast, p95: check; then the decision.
    seqs: [200, 201, 202, 203],
    at: AT,
    weight: 10,
    decision: { limits: LIMITS, tally },
  });

  it('writes analysis:advance after the checks, at the last reserved seq, as the orchestration decides', async () => {
    const { store, ports } = setup({
      'request-rate': 5,
      'request-success-rate': 99.5,
      'request-duration': 200,
    });
    const checks = await analyse(ports, input({ record: record() }));
    const entries = await store.listEvents('apigateway-0123456789ab');
    expect(entries.map((e) => [e.seq, e.title, e.verdict])).toEqual([
      [200, 'check:success', 'pass'],
      [201, 'fail-fast:success', 'pass'],
      [202, 'check:p95', 'pass'],
      [203, 'analysis:advance', 'pass'],
    ]);
    expect(entries[3]).toEqual({
      deploymentId: 'apigateway-0123456789ab',
      seq: 203,
      at: AT,
      kind: 'decision',
      title: 'analysis:advance',
      verdict: 'pass',
      evidence: { failed: 0, inconclusive: 0, consecutiveErrors: 0, passed: 1, weight: 10, threshold: 2 },
    });
    // What the orchestration computes from the result is what was recorded.
    const decision = intervalDecision(LIMITS, EMPTY_TALLY, checks);
    expect(decisionEntry(decision, 10, LIMITS)).toMatchObject({ title: entries[3]?.title });
  });

  it('a failed round that reaches the threshold records analysis:rollback with its reason', async () => {
    const { store, ports } = setup({
      'request-rate': 5,
      'request-success-rate': 97,
      'request-duration': 200,
    });
    await analyse(ports, input({ record: record({ ...EMPTY_TALLY, failed: 1 }) }));
    const last = (await store.listEvents('apigateway-0123456789ab')).at(-1);
    expect(last).toMatchObject({
      seq: 203,
      kind: 'decision',
      title: 'analysis:rollback',
      verdict: 'fail',
      comment: '2 failed checks reached the threshold of 2 (last: success: 97 < min 99)',
      evidence: { failed: 2, weight: 10, threshold: 2 },
    });
  });

  it('a reservation without the decision seq is refused before anything is written', async () => {
    const { store, ports } = setup({
      'request-rate': 5,
      'request-success-rate': 99.5,
      'request-duration': 200,
    });
    await expect(analyse(ports, input({ record: { ...record(), seqs: [200, 201, 202] } }))).rejects.toThrow(
      'analysis wrote 4 entries for 3 reserved sequence numbers',
    );
    expect(await store.listEvents('apigateway-0123456789ab')).toEqual([]);
  });
});
