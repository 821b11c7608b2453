import { describe, expect, it } from 'vitest';
import { at, issues, type Change } from './fixtures.js';

describe('cross-field rules', () => {
  it.each<[string, Change, ReturnType<typeof at>]>([
    [
      'steps with stepWeight',
      (_d, a) => (a.canary = { steps: [{ weight: 10, duration: '5m' }], stepWeight: 10 }),
      at('services.Api.canary.stepWeight', 'steps and stepWeight cannot be combined'),
    ],
    [
      'stepWeights with maxWeight',
      (_d, a) => (a.canary = { stepWeights: [10, 20], maxWeight: 20 }),
      at('services.Api.canary.maxWeight', 'stepWeights and maxWeight cannot be combined'),
    ],
    [
      'stepWeights with stepWeight',
      (_d, a) => (a.canary = { stepWeights: [10, 20], stepWeight: 5 }),
      at('services.Api.canary.stepWeight', /cannot be combined/),
    ],
    [
      'steps with checksPerStep',
      (_d, a) => (a.canary = { steps: [{ weight: 10, duration: '5m' }], checksPerStep: 2 }),
      at('services.Api.canary.checksPerStep', /cannot be combined/),
    ],
    [
      'no schedule',
      (d) => (d.canary = { metrics: d.canary.metrics }),
      at('defaults.canary', /set a traffic schedule/),
    ],
    [
      'only maxWeight',
      (d) => (d.canary = { maxWeight: 50, metrics: d.canary.metrics }),
      at('defaults.canary', /set a traffic schedule/),
    ],
    [
      'maxWeight below stepWeight',
      (d) => (d.canary.maxWeight = 5),
      at('defaults.canary.maxWeight', 'must be at least stepWeight (10)'),
    ],
    [
      'weight 0',
      (d) => (d.canary.stepWeight = 0),
      at('defaults.canary.stepWeight', /expected number to be >=1/),
    ],
    [
      'weight 101',
      (_d, a) => (a.canary = { stepWeights: [50, 101] }),
      at('services.Api.canary.stepWeights[1]', /<=100/),
    ],
    [
      'fractional weight',
      (_d, a) => (a.canary = { stepWeights: [10.5] }),
      at('services.Api.canary.stepWeights[0]', /integer/),
    ],
    [
      'steps not increasing',
      (_d, a) =>
        (a.canary = {
          steps: [
            { weight: 20, duration: '5m' },
            { weight: 20, duration: '5m' },
          ],
        }),
      at('services.Api.canary.steps', /must increase/),
    ],
    [
      'step shorter than the interval',
      (_d, a) => (a.canary = { interval: '2m', steps: [{ weight: 20, duration: '1m' }] }),
      at('services.Api.canary.steps', /at least one interval/),
    ],
    ['no metrics', (d) => (d.canary.metrics = []), at('defaults.canary.metrics', /at least one metric/)],
    [
      'duplicate metric names',
      (d) => d.canary.metrics.push({ ...d.canary.metrics[0] }),
      at('defaults.canary.metrics[1].name', 'duplicate name "success"'),
    ],
    [
      'templateRef and query',
      (d) => (d.canary.metrics[0].query = 'up'),
      at('defaults.canary.metrics[0]', 'set exactly one of templateRef or query'),
    ],
    [
      'neither templateRef nor query',
      (d) => delete d.canary.metrics[0].templateRef,
      at('defaults.canary.metrics[0]', 'set exactly one of templateRef or query'),
    ],
    [
      'no bounds',
      (d) => (d.canary.metrics[0].thresholdRange = {}),
      at('defaults.canary.metrics[0].thresholdRange', 'set min, max or both'),
    ],
    [
      'bad template variable name',
      (d) => (d.canary.metrics[0].templateVariables = { 'a-b': 'x' }),
      at('defaults.canary.metrics[0].templateVariables.a-b', /Invalid/),
    ],
    [
      'verification rule longer than the window',
      (_d, a) =>
        (a.verification = {
          window: '5m',
          rules: [{ name: 'r', query: 'up', thresholdRange: { max: 1 }, for: '6m' }],
        }),
      at('services.Api.verification.rules[0].for', /can never fire/),
    ],
    [
      'verification interval longer than the window',
      (_d, a) => (a.verification = { window: '1m', interval: '2m' }),
      at('services.Api.verification.interval', 'must not exceed window'),
    ],
    [
      'verification rule without for',
      (_d, a) => (a.verification = { rules: [{ name: 'r', query: 'up', thresholdRange: { max: 1 } }] }),
      at('services.Api.verification.rules[0].for', 'required'),
    ],
    [
      'duplicate rule names',
      (_d, a) =>
        (a.verification = {
          rules: [1, 2].map(() => ({ name: 'r', query: 'up', thresholdRange: { max: 1 }, for: '1m' })),
        }),
      at('services.Api.verification.rules[1].name', /duplicate/),
    ],
    [
      'weekly freeze without zone',
      (_d, a) => (a.freezes = [{ name: 'f', reason: 'r', days: ['sat'], from: '00:00', to: '24:00' }]),
      at('services.Api.freezes[0].timeZone', 'required'),
    ],
    [
      'weekly freeze with a date',
      (_d, a) =>
        (a.freezes = [
          { name: 'f', reason: 'r', from: '2026-12-24T00:00:00Z', to: '24:00', timeZone: 'UTC' },
        ]),
      at('services.Api.freezes[0].from', /HH:MM/),
    ],
    [
      'severity',
      (d) => (d.gates = { vulnerability: { failOn: 'severe' } }),
      at('defaults.gates.vulnerability.failOn', /Invalid option/),
    ],
    [
      'ci-status repository',
      (d) => (d.gates = { ciStatus: { repository: 'platform', checks: ['build'] } }),
      at('defaults.gates.ciStatus.repository', /owner\/name/),
    ],
    [
      'ci-status without checks',
      (d) => (d.gates = { ciStatus: { repository: 'a/b', checks: [] } }),
      at('defaults.gates.ciStatus.checks', /Too small/),
    ],
    [
      'smoke URL',
      (_d, a) => (a.staging.smoke = [{ name: 'h', url: 'javascript:alert(1)' }]),
      at('services.Api.staging.smoke[0].url', /http\(s\) URL/),
    ],
    [
      'smoke status',
      (_d, a) => (a.staging.smoke = [{ name: 'h', url: 'https://x.example/h', expectStatus: 600 }]),
      at('services.Api.staging.smoke[0].expectStatus', /<=599/),
    ],
    [
      'duplicate smoke names',
      (_d, a) => (a.staging.smoke = [1, 2].map(() => ({ name: 'h', url: 'https://x.example/h' }))),
      at('services.Api.staging.smoke[1].name', /duplicate/),
    ],
    [
      'duplicate test names',
      (_d, a) =>
        (a.staging.tests = [1, 2].map(() => ({ name: 't', repository: 'a/b', workflow: 'e2e.yml' }))),
      at('services.Api.staging.tests[1].name', /duplicate/),
    ],
    [
      'workflow path',
      (_d, a) => (a.staging.tests = [{ name: 't', repository: 'a/b', workflow: '../e2e.yml' }]),
      at('services.Api.staging.tests[0].workflow', /workflow file/),
    ],
    [
      'git ref',
      (_d, a) => (a.staging.tests = [{ name: 't', repository: 'a/b', workflow: 'e2e.yml', ref: 'a..b' }]),
      at('services.Api.staging.tests[0].ref', /git branch/),
    ],
    [
      'tag pattern',
      (_d, a) => (a.image.tagPattern = { include: '(' }),
      at('services.Api.image.tagPattern.include', /regular expression/),
    ],
    [
      'canary deployment equals the deployment',
      (_d, a) => (a.production.canaryDeployment = 'api'),
      at('services.Api.production.canaryDeployment', 'must differ from deployment'),
    ],
    [
      'derived canary deployment too long',
      (_d, a) => (a.production.deployment = 'a'.repeat(250)),
      at('services.Api.production.canaryDeployment', /derived/),
    ],
    [
      'derived Gateway API backend invalid',
      (_d, a) => Object.assign(a.production, { deployment: 'api.v2', router: { kind: 'gateway-api' } }),
      at('services.Api.production.router.primaryBackend', /derived/),
    ],
    [
      'router kind',
      (_d, a) => (a.production.router = { kind: 'istio' }),
      at('services.Api.production.router.kind', /Invalid discriminator/),
    ],
    [
      'router field of another kind',
      (_d, a) => (a.production.router = { kind: 'nginx', route: 'x' }),
      at('services.Api.production.router.route', 'unknown field "route"'),
    ],
    ['unknown gate', (d) => (d.gates = { sbom: {} }), at('defaults.gates.sbom', 'unknown field "sbom"')],
  ])('%s', (_label, change, expected) => {
    expect(issues(change)).toContainEqual(expected);
  });
});
