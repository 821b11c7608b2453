import { describe, expect, it } from 'vitest';
import { DEFAULT_MIN_REQUESTS, judgeMetric } from '../../../shared/analysis/judge.js';
import { DEFAULT_LIMITS, limitsOf } from '../../../shared/analysis/limits.js';
import { parseCanaryBlock } from '../../../shared/app/rejudge.js';
import { verification, VERIFICATION_DEFAULT } from '../../../shared/config/analysis-schema.js';

/** Issue 17: `minRequests` has one default, wherever a spec or a caller leaves it out. */

const canary = (extra: object = {}) =>
  parseCanaryBlock({
    canary: {
      stepWeight: 10,
      maxWeight: 20,
      metrics: [{ name: 'm', templateRef: 'request-success-rate', thresholdRange: { min: 99 } }],
      ...extra,
    },
  });

describe('minRequests: one default', () => {
  it.each([
    ['canary block', () => canary().minRequests],
    ['limits of a plan without it', () => limitsOf({ ...canary(), minRequests: undefined }).minRequests],
    ['DEFAULT_LIMITS', () => DEFAULT_LIMITS.minRequests],
    ['verification block', () => verification.parse({}).minRequests],
    ['verification when the block is absent', () => VERIFICATION_DEFAULT.minRequests],
  ])('%s: %s', (_where, read) => {
    expect(read()).toBe(DEFAULT_MIN_REQUESTS);
    expect(DEFAULT_MIN_REQUESTS).toBe(1);
  });

  it.each([
    // requests in the window, minRequests, verdict of a 97 % success rate against min 99
    [0, DEFAULT_MIN_REQUESTS, 'inconclusive'],
    [1, DEFAULT_MIN_REQUESTS, 'fail'],
    [0, 0, 'fail'],
    [null, DEFAULT_MIN_REQUESTS, 'inconclusive'],
  ] as const)('%s requests with minRequests %s: %s', (requests, minRequests, verdict) => {
    const m = canary({ minRequests }).metrics[0];
    if (!m) throw new Error('no metric');
    expect(judgeMetric(m, 97, { requests, minRequests }).verdict).toBe(verdict);
  });

  it('an explicit 0 stays 0 (counting switched off on purpose)', () => {
    expect(canary({ minRequests: 0 }).minRequests).toBe(0);
    expect(verification.parse({ minRequests: 0 }).minRequests).toBe(0);
  });
});
