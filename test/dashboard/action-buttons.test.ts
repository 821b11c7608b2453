import { describe, expect, it } from 'vitest';
import { offeredActions, retryRoute } from '../../dashboard/action-buttons.js';
import type { CallerView } from '../../dashboard/types.js';
import { deploymentPermissions, type PermissionQuestion } from '../../shared/domain/permissions.js';
import { ROLES } from '../../shared/domain/roles.js';

type Question = Omit<PermissionQuestion, 'roles'> & { roles?: PermissionQuestion['roles'] };

/** What `GET /api/me` answers for this question, as the dashboard receives it. */
const caller = (question: Question): CallerView => {
  const q: PermissionQuestion = { roles: [...ROLES], ...question };
  return {
    authenticated: q.authenticated,
    principal: q.authenticated
      ? { name: 'ada', groups: ['devops-team'], roles: [...q.roles], source: 'app-service' }
      : null,
    serverTime: '2026-01-05T12:00:00.000Z',
    deployment: { id: 'apigateway-0123456789ab', state: q.state, actions: deploymentPermissions(q) },
  };
};

describe('offeredActions: the buttons follow /api/me', () => {
  it.each<[string, Question, string[]]>([
    ['a failed run, signed in', { authenticated: true, state: 'Failed' }, ['retry']],
    ['a rolled back run, signed in', { authenticated: true, state: 'RolledBack' }, ['retry']],
    ['a cancelled run, anonymous', { authenticated: false, state: 'Cancelled' }, []],
    ['a succeeded run', { authenticated: true, state: 'Succeeded' }, []],
    [
      'a failed run whose retry is running',
      {
        authenticated: true,
        state: 'Failed',
        retriedBy: 'apigateway-0123456789ab-r1',
        retryState: 'Staging',
      },
      [],
    ],
    ['a canary', { authenticated: true, state: 'Canary' }, ['abort']],
    ['a paused canary', { authenticated: true, state: 'Canary', paused: true }, ['resume', 'abort']],
    ['a failed run, a reader only', { authenticated: true, state: 'Failed', roles: ['Gantry.Reader'] }, []],
  ])('%s: %j', (_name, q, expected) => {
    expect(offeredActions(caller(q))).toEqual(expected);
  });

  it('offers nothing when /api/me named no deployment', () => {
    expect(offeredActions({ authenticated: true, principal: null, serverTime: '' })).toEqual([]);
  });
});

describe('retryRoute: a retry opens the new run', () => {
  it.each([
    [{ deployment: { id: 'apigateway-0123456789ab-r1' } }, '#/deployments/apigateway-0123456789ab-r1'],
    [{ deployment: { id: 'a/b' } }, '#/deployments/a%2Fb'],
    [{ deployment: {} }, undefined],
    [{ deployment: { id: '' } }, undefined],
    [undefined, undefined],
    ['text', undefined],
  ])('%j -> %s', (body, expected) => {
    expect(retryRoute(body)).toBe(expected);
  });
});
