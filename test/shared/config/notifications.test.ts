import { describe, expect, it } from 'vitest';
import { planFor } from '../../../shared/config/plan.js';
import { CHAT_EVENTS } from '../../../shared/domain/chat-actions.js';
import { issues, load } from './fixtures.js';

describe('notifications.routes in the pipeline file', () => {
  it('defaults to every event in both environments; no routes means no chat', () => {
    const config = load((defaults) => {
      defaults.notifications = {
        routes: [
          { slack: 'C0DEPLOYS01' },
          { teams: 'ops', events: ['failed'], environments: ['production'] },
        ],
      };
    });
    expect(planFor(config, 'Api').chat).toEqual([
      {
        to: { kind: 'slack', channel: 'C0DEPLOYS01' },
        events: [...CHAT_EVENTS],
        environments: ['staging', 'production'],
      },
      { to: { kind: 'teams', webhook: 'ops' }, events: ['failed'], environments: ['production'] },
    ]);
    expect(
      planFor(
        load(() => {}),
        'Api',
      ).chat,
    ).toBeUndefined();
  });

  it("lets a service replace the defaults' routes (lists are replaced)", () => {
    const config = load((defaults, api) => {
      defaults.notifications = { routes: [{ slack: 'C0DEPLOYS01' }] };
      api.notifications = { routes: [{ slack: 'C0APITEAM01', events: ['incident'] }] };
    });
    expect(planFor(config, 'Api').chat?.map((r) => r.to)).toEqual([
      { kind: 'slack', channel: 'C0APITEAM01' },
    ]);
  });

  it.each([
    [{ slack: '#deploys' }, 'notifications.routes[0].slack', /Slack channel id/],
    [{ slack: 'C0DEPLOYS01', teams: 'ops' }, 'notifications.routes[0]', /exactly one of slack or teams/],
    [{}, 'notifications.routes[0]', /exactly one of slack or teams/],
    [
      { teams: 'https://prod.logic.azure.com/workflows/x' },
      'notifications.routes[0].teams',
      /webhook setting name/,
    ],
    [{ slack: 'C0DEPLOYS01', events: ['deployed'] }, 'notifications.routes[0].events[0]', /queued/],
    [{ slack: 'C0DEPLOYS01', environments: ['dev'] }, 'notifications.routes[0].environments[0]', /staging/],
    [{ slack: 'C0DEPLOYS01', token: 'xoxb-1' }, 'notifications.routes[0]', /token/],
  ])('refuses %o, naming %s', (route, path, message) => {
    const found = issues((_defaults, api) => {
      api.notifications = { routes: [route] };
    });
    expect(found).toContainEqual(
      expect.objectContaining({
        path: expect.stringContaining(path),
        message: expect.stringMatching(message),
      }),
    );
  });
});
