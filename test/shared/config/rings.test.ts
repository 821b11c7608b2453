import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../shared/config/load.js';
import { planFor } from '../../../shared/config/plan.js';
import { BASE } from './fixtures.js';

/** BASE with `rings` (and more production keys) appended to the service's production block. */
const withRings = (rings: string): string => `${BASE}${rings}`;

const TWO = `      rings:
        - { name: eu-west, region: westeurope }
        - name: eu-north
          region: northeurope
          soak: 45m
          targets:
            - { cluster: aks-eun, application: api-prod-eun }
`;

function issue(text: string): string {
  try {
    loadConfig(text, 'g.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error('expected a ConfigError');
}

describe('production.rings (configuration)', () => {
  it('without rings the plan is as before: no train', () => {
    const plan = planFor(loadConfig(BASE, 'g.yaml'), 'Api');
    expect(plan.rings).toBeUndefined();
    expect(plan.production.argoApp).toBe('api-prod');
  });

  it('resolves ring 0 to the production target and later rings as overrides of it', () => {
    const plan = planFor(loadConfig(withRings(TWO), 'g.yaml'), 'Api');
    const [west, north] = plan.rings ?? [];
    expect(west?.targets).toEqual([plan.production]);
    expect(west?.canary).toEqual(plan.canary);
    expect(west?.soak).toBe(0);
    expect(north?.targets).toEqual([{ ...plan.production, cluster: 'aks-eun', argoApp: 'api-prod-eun' }]);
    expect(north?.soak).toBe(45 * 60_000);
    // By default a later ring's canary is shorter: the first step of the service's, same metrics.
    expect(north?.canary?.steps).toEqual([plan.canary.steps[0]]);
    expect(north?.canary?.metrics).toEqual(plan.canary.metrics);
    expect(plan.onRingFailure).toBe('rollback-all');
    expect(plan.production.cluster).toBe('aks');
  });

  it.each<[string, string, unknown]>([
    ['a plain rollout', 'canary: rollout', undefined],
    [
      'its own steps',
      'canary: { steps: [{ weight: 20, duration: 2m }] }',
      [{ weight: 20, duration: 120_000 }],
    ],
  ])('a later ring may have %s', (_, line, steps) => {
    const text = withRings(`${TWO}          ${line}\n          verificationWindow: 10m\n`);
    const north = planFor(loadConfig(text, 'g.yaml'), 'Api').rings?.[1];
    expect(north?.canary?.steps).toEqual(steps);
    expect(north?.verification.window).toBe(600_000);
  });

  it('takes ring freezes and the hold policy', () => {
    const text = withRings(
      `${TWO}          freezes:\n            - { name: nordic-fair, reason: peak, from: '2026-01-05T00:00:00Z', to: '2026-01-06T00:00:00Z' }\n      onRingFailure: hold\n`,
    );
    const plan = planFor(loadConfig(text, 'g.yaml'), 'Api');
    expect(plan.rings?.[1]?.freezes).toHaveLength(1);
    expect(plan.onRingFailure).toBe('hold');
  });

  it('takes a per-ring approval for a later ring (absent: the train approval covers it)', () => {
    expect(planFor(loadConfig(withRings(TWO), 'g.yaml'), 'Api').rings?.[1]?.approval).toBeUndefined();
    const plan = planFor(loadConfig(withRings(`${TWO}          approval: true\n`), 'g.yaml'), 'Api');
    // true: the service's policy as it is (no overrides).
    expect(plan.rings?.[1]?.approval).toEqual({});
    expect(plan.rings?.[0]?.approval).toBeUndefined();
  });

  it("takes a ring's own reviewers, approvals needed and wait timer over the service policy", () => {
    const own = `${TWO}          approval: { reviewers: [eun-oncall, sre], minApprovers: 2, waitTimer: 10m }\n`;
    const plan = planFor(loadConfig(withRings(own), 'g.yaml'), 'Api');
    expect(plan.rings?.[1]?.approval).toEqual({
      reviewers: ['eun-oncall', 'sre'],
      minApprovers: 2,
      waitTimer: 600_000,
    });
    const some = planFor(
      loadConfig(withRings(`${TWO}          approval: { minApprovers: 2 }\n`), 'g.yaml'),
      'Api',
    );
    expect(some.rings?.[1]?.approval).toEqual({ minApprovers: 2 });
    const never = planFor(
      loadConfig(withRings(`${TWO}          approval: { autoApprove: [] }\n`), 'g.yaml'),
      'Api',
    );
    expect(never.rings?.[1]?.approval).toEqual({ autoApprove: [] });
  });

  it.each<[string, string, RegExp]>([
    [
      'duplicate ring names',
      `      rings:\n        - { name: eu }\n        - { name: eu, targets: [{ application: b }] }\n`,
      /rings\[1\]\.name.*duplicate name "eu"/,
    ],
    [
      'a later ring without targets',
      `      rings:\n        - { name: a }\n        - { name: b }\n`,
      /rings\[1\]\.targets.*required/,
    ],
    [
      'targets on ring 0',
      `      rings:\n        - { name: a, targets: [{ application: x }] }\n`,
      /rings\[0\]\.targets.*ring 0 is the production block/,
    ],
    [
      'freezes on ring 0',
      `      rings:\n        - { name: a, freezes: [{ name: f, reason: r, from: '2026-01-05T00:00:00Z', to: '2026-01-06T00:00:00Z' }] }\n`,
      /rings\[0\]\.freezes.*the service's freezes/,
    ],
    [
      'an application used twice',
      `      rings:\n        - { name: a }\n        - { name: b, targets: [{ application: api-prod }] }\n`,
      /rings\[1\]\.targets\[0\]\.application.*already a target/,
    ],
    [
      'an approval on ring 0',
      `      rings:\n        - { name: a, approval: true }\n`,
      /rings\[0\]\.approval.*the service's approval/,
    ],
    [
      'a non-boolean ring approval',
      `      rings:\n        - { name: a }\n        - { name: b, approval: yes please, targets: [{ application: b }] }\n`,
      /rings\[1\]\.approval/,
    ],
    [
      'an empty ring approval override',
      `${TWO}          approval: {}\n`,
      /rings\[1\]\.approval.*set reviewers, minApprovers, waitTimer or autoApprove/,
    ],
    [
      'an unknown ring approval key',
      `${TWO}          approval: { reviewer: [eun-oncall] }\n`,
      /rings\[1\]\.approval.*reviewer/,
    ],
    [
      'a ring needing no approver',
      `${TWO}          approval: { minApprovers: 0 }\n`,
      /rings\[1\]\.approval\.minApprovers/,
    ],
    [
      'an empty ring reviewer list',
      `${TWO}          approval: { reviewers: [] }\n`,
      /rings\[1\]\.approval\.reviewers/,
    ],
    [
      "a ring wait timer past the service's approval expiry",
      `${TWO}          approval: { waitTimer: 30h }\n`,
      /rings\[1\]\.approval\.waitTimer.*shorter than the service's approval expiry/,
    ],
    ['a bad ring name', `      rings:\n        - { name: EU_West }\n`, /rings\[0\]\.name.*ring name/],
    [
      'an unknown ring key',
      `      rings:\n        - { name: a, wave: 2 }\n`,
      /rings\[0\]\.wave: unknown field/,
    ],
    ['an unknown policy', `      onRingFailure: pause\n`, /onRingFailure/],
  ])('refuses %s, naming the field and line', (_, rings, message) => {
    const text = issue(withRings(rings));
    expect(text).toMatch(message);
    expect(text).toMatch(/g\.yaml:\d+/);
  });
});
