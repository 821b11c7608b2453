import { describe, expect, it } from 'vitest';
import { decideAlert, type AlertFacts, type ServiceSituation } from '../../../shared/alerts/decide.js';

const NOW = Date.parse('2026-01-05T12:00:00Z');
const ago = (min: number) => new Date(NOW - min * 60_000).toISOString();
const WINDOW = 60 * 60_000;

const firing = (startedMinAgo: number, repeat = false): AlertFacts => ({
  status: 'firing',
  startsAt: ago(startedMinAgo),
  repeat,
});
const canary: AlertFacts = { ...firing(1), aboutCanary: true };
const released = (minAgo: number, via?: 'rollback'): ServiceSituation => ({
  rollbackWindow: WINDOW,
  release: { deploymentId: 'rel', releasedAt: ago(minAgo), ...(via && { via }) },
});
const running = (state: NonNullable<ServiceSituation['active']>['state']): ServiceSituation => ({
  ...released(300),
  active: { deploymentId: 'run', state },
});

describe('decideAlert', () => {
  const cases: Array<[string, AlertFacts, ServiceSituation, string, string, string | undefined]> = [
    // name, alert, situation, action, outcome, deployment whose timeline records it
    ['canary running: abort now', firing(1), running('Canary'), 'abort', 'aborted', 'run'],
    ['verification running: roll back', firing(1), running('Verifying'), 'abort', 'rolled-back', 'run'],
    ['promotion running: roll back', firing(1), running('Promoting'), 'abort', 'rolled-back', 'run'],
    ['awaiting approval: notify only', firing(1), running('AwaitingApproval'), 'none', 'notified', 'run'],
    ['testing: notify only', firing(1), running('Testing'), 'none', 'notified', 'run'],
    ['10 min after a release: roll back', firing(1), released(10), 'rollback', 'rolled-back', 'rel'],
    ['at the window edge: roll back', firing(0), released(60), 'rollback', 'rolled-back', 'rel'],
    ['after the window: notify only', firing(1), released(61), 'none', 'notified', 'rel'],
    ['started before the release', firing(15), released(10), 'none', 'ignored', 'rel'],
    ['older than the window', firing(61), running('Canary'), 'none', 'ignored', 'run'],
    ['current release is a rollback', firing(1), released(5, 'rollback'), 'none', 'refused', 'rel'],
    ['repeat (same fingerprint)', firing(1, true), released(10), 'none', 'ignored', 'rel'],
    ['repeat during a canary', firing(1, true), running('Canary'), 'none', 'ignored', 'run'],
    ['never released', firing(1), { rollbackWindow: WINDOW }, 'none', 'notified', undefined],
    ['canary alert, canary running', canary, running('Canary'), 'abort', 'aborted', 'run'],
    ['canary alert, run verifying', canary, running('Verifying'), 'none', 'ignored', 'run'],
    ['canary alert after a release', canary, released(10), 'none', 'ignored', 'rel'],
  ];

  it.each(cases)('%s', (_, alert, situation, action, outcome, deploymentId) => {
    const d = decideAlert(alert, situation, NOW);
    expect([d.action, d.outcome, d.deploymentId]).toEqual([action, outcome, deploymentId]);
    expect(d.reason.length).toBeGreaterThan(5);
  });

  it('a resolved alert changes nothing, wherever the service is', () => {
    const resolved: AlertFacts = { status: 'resolved', startsAt: ago(1), repeat: false };
    for (const s of [running('Canary'), running('Verifying'), released(10), { rollbackWindow: WINDOW }]) {
      const d = decideAlert(resolved, s, NOW);
      expect([d.action, d.outcome, d.reason]).toEqual([
        'none',
        'ignored',
        expect.stringMatching(/^resolved/),
      ]);
    }
  });

  it('names the reason: too old, before release, rollback of a rollback', () => {
    expect(decideAlert(firing(61), released(10), NOW).reason).toMatch(/^too old/);
    expect(decideAlert(firing(15), released(10), NOW).reason).toMatch(/^before release/);
    expect(decideAlert(firing(1), released(5, 'rollback'), NOW).reason).toMatch(/never rolled back/);
  });

  it('honours a configured window', () => {
    const short = { ...released(10), rollbackWindow: 5 * 60_000 };
    expect(decideAlert(firing(1), short, NOW).outcome).toBe('notified');
    const long = { ...released(100), rollbackWindow: 120 * 60_000 };
    expect(decideAlert(firing(1), long, NOW).action).toBe('rollback');
  });
});
