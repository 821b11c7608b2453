import { describe, expect, it } from 'vitest';
import type { DeploymentState } from '../../../shared/domain/deployment.js';
import {
  DEPLOYMENT_ID,
  firstRunIdOf,
  queueKeyOf,
  retryIdFor,
  retryNumberOf,
  retryRefusal,
} from '../../../shared/domain/retry.js';

const D = `sha256:${'ab'.repeat(32)}`;
const FIRST = 'apigateway-abababababab';

describe('retry ids', () => {
  it.each([
    [FIRST, 0, FIRST, `${FIRST}-r1`, D],
    [`${FIRST}-r1`, 1, FIRST, `${FIRST}-r2`, `${D}-r1`],
    [`${FIRST}-r9`, 9, FIRST, `${FIRST}-r10`, `${D}-r9`],
    [
      'user-service-0123456789ab-r42',
      42,
      'user-service-0123456789ab',
      'user-service-0123456789ab-r43',
      `${D}-r42`,
    ],
  ])('%s is retry %i of %s; its retry is %s; its queue row %s', (id, n, first, next, key) => {
    expect(DEPLOYMENT_ID.test(id)).toBe(true);
    expect(retryNumberOf(id)).toBe(n);
    expect(firstRunIdOf(id)).toBe(first);
    expect(retryIdFor(id)).toBe(next);
    expect(queueKeyOf({ id, image: { registry: 'r', repository: 'x', digest: D } })).toBe(key);
  });

  it.each([
    `${FIRST}-r0`,
    `${FIRST}-r01`,
    `${FIRST}-r12345`,
    `${FIRST}-r`,
    `${FIRST}r1`,
    'apigateway-abababab',
    'ApiGateway-abababababab',
    `${FIRST}-r1-r2`,
  ])('%s is not a deployment id', (id) => {
    expect(DEPLOYMENT_ID.test(id)).toBe(false);
  });
});

type Row = [DeploymentState, string | undefined, DeploymentState | undefined, string | undefined];

describe('retryRefusal', () => {
  it.each<Row>([
    ['Failed', undefined, undefined, undefined],
    ['Cancelled', undefined, undefined, undefined],
    ['RolledBack', undefined, undefined, undefined],
    ['Succeeded', undefined, undefined, 'deployment-succeeded'],
    ['Superseded', undefined, undefined, 'not-retryable'],
    ['Queued', undefined, undefined, 'deployment-not-finished'],
    ['Canary', undefined, undefined, 'deployment-not-finished'],
    ['AwaitingApproval', undefined, undefined, 'deployment-not-finished'],
    ['Failed', `${FIRST}-r1`, 'Queued', 'retry-exists'],
    ['Failed', `${FIRST}-r1`, 'Failed', 'retry-exists'],
    ['Cancelled', `${FIRST}-r1`, undefined, 'retry-exists'],
  ])('%s, retried by %s (%s): %s', (state, retriedBy, retryState, code) => {
    const retry = retriedBy && retryState ? { id: retriedBy, state: retryState } : undefined;
    const refusal = retryRefusal({ id: FIRST, state, retriedBy }, retry);
    expect(refusal?.code).toBe(code);
    if (refusal) expect(refusal.message).toContain(`Deployment ${FIRST}`);
  });

  it('says whether the existing retry is still running, and names it', () => {
    const running = retryRefusal(
      { id: FIRST, state: 'Failed', retriedBy: `${FIRST}-r1` },
      { id: `${FIRST}-r1`, state: 'Staging' },
    );
    expect(running?.message).toBe(`Deployment ${FIRST} is already being retried by ${FIRST}-r1 (Staging).`);
    expect(running?.details).toEqual({ retriedBy: `${FIRST}-r1`, retryState: 'Staging' });
    const done = retryRefusal(
      { id: FIRST, state: 'Failed', retriedBy: `${FIRST}-r1` },
      { id: `${FIRST}-r1`, state: 'RolledBack' },
    );
    expect(done?.message).toContain('retry that run instead');
  });

  it('stops at the last number an id can carry', () => {
    expect(retryRefusal({ id: `${FIRST}-r9998`, state: 'Failed' })).toBeUndefined();
    expect(retryRefusal({ id: `${FIRST}-r9999`, state: 'Failed' })?.code).toBe('too-many-retries');
  });
});
