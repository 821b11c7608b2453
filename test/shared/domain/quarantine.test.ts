import { describe, expect, it } from 'vitest';
import type { DeploymentState, StoredInterrupt } from '../../../shared/domain/deployment.js';
import { deploymentPermissions } from '../../../shared/domain/permissions.js';
import {
  countRefusal,
  holdAfter,
  isActive,
  quarantineRefusal,
  rollbackCause,
  rollbackEnvironment,
  type HoldPolicy,
  type QuarantineRecord,
  type RollbackCause,
} from '../../../shared/domain/quarantine.js';

const AT = '2026-12-01T10:00:00.000Z';
const interrupt = (kind: StoredInterrupt['kind'], actor: string): StoredInterrupt => ({
  kind,
  actor,
  reason: 'why',
  at: AT,
});

describe('rollbackCause', () => {
  it.each<[string, StoredInterrupt[] | undefined, RollbackCause, string | undefined]>([
    ['no interrupts: the pipeline decided', undefined, 'automatic', undefined],
    ['skip-analysis only: still the pipeline', [interrupt('skipAnalysis', 'ada')], 'automatic', undefined],
    ['an abort: the person who sent it', [interrupt('abort', 'ada')], 'person', 'ada'],
    ['the abort among others', [interrupt('skipAnalysis', 'bob'), interrupt('abort', 'cy')], 'person', 'cy'],
  ])('%s', (_, interrupts, cause, actor) => {
    expect(rollbackCause({ interrupts })).toEqual(actor ? { cause, actor } : { cause });
  });
});

describe('rollbackEnvironment', () => {
  it.each<[DeploymentState, 'staging' | 'production']>([
    ['Canary', 'production'],
    ['Promoting', 'production'],
    ['Verifying', 'production'],
    ['Staging', 'staging'],
    ['Testing', 'staging'],
    ['Gating', 'staging'],
  ])('from %s: %s', (from, environment) => {
    expect(rollbackEnvironment(from)).toBe(environment);
  });
});

describe('holdAfter', () => {
  it.each<[DeploymentState, RollbackCause, 'staging' | 'production', HoldPolicy | undefined, boolean]>([
    ['RolledBack', 'automatic', 'production', undefined, true],
    ['RolledBack', 'automatic', 'staging', undefined, false],
    ['RolledBack', 'person', 'production', undefined, false],
    ['Failed', 'automatic', 'production', undefined, false],
    ['Succeeded', 'automatic', 'production', undefined, false],
    ['RolledBack', 'automatic', 'production', { staging: false, production: false }, false],
    ['RolledBack', 'automatic', 'staging', { staging: true, production: false }, true],
  ])('%s by %s in %s (policy %j): %s', (to, cause, env, policy, held) => {
    expect(holdAfter(to, cause, env, policy)).toBe(held);
  });
});

const q: QuarantineRecord = {
  service: 'ApiGateway',
  digest: `sha256:${'a'.repeat(64)}`,
  deploymentId: 'apigateway-aaaaaaaaaaaa',
  reason: 'analysis: error rate 7% > 1%',
  cause: 'automatic',
  at: AT,
};

describe('quarantineRefusal', () => {
  it.each<[string, QuarantineRecord | undefined, boolean]>([
    ['never quarantined', undefined, false],
    ['quarantined', q, true],
    ['lifted', { ...q, lifted: { by: 'olivia', reason: 'ok', at: AT } }, false],
  ])('%s: refused=%s', (_, record, refused) => {
    expect(isActive(record)).toBe(refused);
    const refusal = quarantineRefusal(record);
    expect(refusal !== undefined).toBe(refused);
    if (refusal) {
      expect(refusal.code).toBe('digest-quarantined');
      expect(refusal.message).toContain(q.reason);
      expect(refusal.message).toContain(q.deploymentId);
      expect(refusal.details).toMatchObject({
        deploymentId: q.deploymentId,
        run: '/api/deployments/apigateway-aaaaaaaaaaaa',
        lift: `/api/services/ApiGateway/quarantine/${encodeURIComponent(q.digest)}/lift`,
      });
    }
  });
});

describe('countRefusal', () => {
  it('counts on the one row and remembers the latest attempt', () => {
    const once = countRefusal(q, AT, 'event-grid');
    const twice = countRefusal(once, '2026-12-01T10:05:00.000Z', 'retry');
    expect(once.refusals).toEqual({ count: 1, lastAt: AT, lastSource: 'event-grid' });
    expect(twice.refusals).toEqual({ count: 2, lastAt: '2026-12-01T10:05:00.000Z', lastSource: 'retry' });
    expect(q.refusals).toBeUndefined();
  });
});

describe('retry permission of a quarantined run', () => {
  it.each<[string, DeploymentState, string | undefined, boolean]>([
    ['rolled back, quarantined', 'RolledBack', 'sha256:… is quarantined for ApiGateway', false],
    ['rolled back, lifted', 'RolledBack', undefined, true],
    ['failed (never quarantined)', 'Failed', undefined, true],
  ])('%s: retry allowed=%s', (_, state, quarantined, allowed) => {
    const retry = deploymentPermissions({
      authenticated: true,
      id: 'apigateway-aaaaaaaaaaaa',
      roles: ['Gantry.Operator', 'Gantry.Reader'],
      state,
      quarantined,
    }).retry;
    expect(retry).toEqual(allowed ? { allowed: true } : { allowed: false, reason: quarantined });
  });
});
