import { describe, expect, it } from 'vitest';
import { nextDelay } from '../../dashboard/backoff.js';
import { parseRoute } from '../../dashboard/route.js';

describe('parseRoute', () => {
  it.each([
    ['', { kind: 'list', params: '' }],
    ['#', { kind: 'list', params: '' }],
    ['#/', { kind: 'list', params: '' }],
    ['#/?service=ApiGateway&status=Canary', { kind: 'list', params: 'service=ApiGateway&status=Canary' }],
    ['#/deployments/apigateway-0123456789ab', { kind: 'deployment', id: 'apigateway-0123456789ab' }],
    ['#/deployments/apigateway-0123456789ab/', { kind: 'deployment', id: 'apigateway-0123456789ab' }],
    ['#/deployments/%3Cscript%3E', { kind: 'deployment', id: '<script>' }],
    ['#/deployments/%E0%A4%A', { kind: 'deployment', id: '' }],
    ['#/services/ApiGateway', { kind: 'service', name: 'ApiGateway' }],
    ['#/services/%3Cb%3E/', { kind: 'service', name: '<b>' }],
    ['#/services/%E0%A4%A', { kind: 'service', name: '' }],
    ['#/services/ApiGateway/backtest', { kind: 'backtest', name: 'ApiGateway', params: '' }],
    [
      '#/services/ApiGateway/backtest?from=2026-01-05T09:00:00Z&to=2026-01-05T10:00:00Z',
      {
        kind: 'backtest',
        name: 'ApiGateway',
        params: 'from=2026-01-05T09%3A00%3A00Z&to=2026-01-05T10%3A00%3A00Z',
      },
    ],
    ['#/unknown', { kind: 'list', params: '' }],
    ['#main', undefined],
  ])('%s', (hash, expected) => {
    const route = parseRoute(hash);
    const plain =
      route?.kind === 'list' || route?.kind === 'backtest'
        ? { ...route, params: route.params.toString() }
        : route;
    expect(plain).toEqual(expected);
  });
});

describe('nextDelay', () => {
  it.each([
    [2000, 0, 2000],
    [2000, 1, 4000],
    [2000, 3, 16_000],
    [2000, 5, 60_000],
    [2000, 1000, 60_000],
    [15_000, 0, 15_000],
  ])('base %s after %s failures waits %s', (base, failures, delay) =>
    expect(nextDelay(base, failures)).toBe(delay),
  );
});
