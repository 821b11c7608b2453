import { describe, expect, it } from 'vitest';
import type { RecordInput } from '../../../shared/contracts/activities.js';
import type { TimelineEntry } from '../../../shared/domain/deployment.js';
import {
  activityAttributes,
  fromInstanceId,
  recordMeasurements,
  serviceOfDeployment,
  supersededMeasurements,
} from '../../../shared/telemetry/signals.js';

const ID = 'apigateway-0123456789ab';
const SERVICES = ['ApiGateway', 'Api', 'audio-service'];

describe('fromInstanceId', () => {
  it.each([
    [`deploy:${ID}`, { deploymentId: ID }],
    [`deploy:${ID}:canary`, { deploymentId: ID }],
    ['lane:ApiGateway', { service: 'ApiGateway' }],
    ['something-else', {}],
    [undefined, {}],
  ])('%j → %j', (instanceId, expected) => {
    expect(fromInstanceId(instanceId)).toEqual(expected);
  });
});

describe('serviceOfDeployment', () => {
  it.each([
    [ID, 'ApiGateway'],
    ['api-0123456789ab', 'Api'],
    ['api-0123456789ab-r2', 'Api'],
    ['audio-service-0123456789ab', 'audio-service'],
    ['unknown-0123456789ab', undefined],
    ['apigateway', undefined],
    ['apigateway-XYZ', undefined],
  ])('%s → %s', (deploymentId, service) => {
    expect(serviceOfDeployment(deploymentId, SERVICES)).toBe(service);
  });
});

describe('activityAttributes', () => {
  it.each([
    [
      'record names both',
      'record',
      { deploymentId: ID, service: 'ApiGateway', entry: {} },
      `deploy:${ID}:canary`,
      { 'gantry.deployment.id': ID, 'gantry.service': 'ApiGateway' },
    ],
    [
      'a phase activity takes them from the instance id and the configuration',
      'setWeight',
      { weight: 10 },
      `deploy:${ID}:canary`,
      { 'gantry.deployment.id': ID, 'gantry.service': 'ApiGateway' },
    ],
    [
      'a lane activity names the service only',
      'takeNext',
      { service: 'ApiGateway', at: 't' },
      'lane:ApiGateway',
      { 'gantry.deployment.id': undefined, 'gantry.service': 'ApiGateway' },
    ],
    [
      'the lane instance names the service when the input does not',
      'finishRun',
      { digest: 'sha256:x' },
      'lane:ApiGateway',
      { 'gantry.deployment.id': undefined, 'gantry.service': 'ApiGateway' },
    ],
    [
      'a deployment record in the input',
      'checkApproval',
      { deployment: { id: ID, service: 'ApiGateway' } },
      undefined,
      { 'gantry.deployment.id': ID, 'gantry.service': 'ApiGateway' },
    ],
    [
      'a run in the input',
      'anything',
      { run: { deployment: { id: ID, service: 'ApiGateway' } } },
      undefined,
      { 'gantry.deployment.id': ID, 'gantry.service': 'ApiGateway' },
    ],
    [
      'an input that is not an object',
      'echo',
      'text',
      undefined,
      { 'gantry.deployment.id': undefined, 'gantry.service': undefined },
    ],
  ])('%s', (_, name, input, instanceId, expected) => {
    expect(activityAttributes(name, input, instanceId, SERVICES)).toEqual({
      'gantry.activity': name,
      'gantry.instance.id': instanceId,
      ...expected,
    });
  });

  it('bounds the length of labels taken from the input', () => {
    const attrs = activityAttributes('record', { service: 'x'.repeat(1_000) }, undefined);
    expect(String(attrs['gantry.service'])).toHaveLength(256);
  });
});

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const transition = (seq: number, title: string, seconds: number): TimelineEntry => ({
  deploymentId: ID,
  seq,
  at: at(seconds),
  kind: 'transition',
  title,
});
const TIMELINE: TimelineEntry[] = [
  transition(1, '->Queued', 0),
  transition(2, 'Queued->Gating', 30),
  { deploymentId: ID, seq: 3, at: at(40), kind: 'gate', title: 'gate:vulnerability', verdict: 'pass' },
  transition(4, 'Gating->Staging', 90),
  transition(5, 'Staging->Testing', 300),
  transition(6, 'Testing->AwaitingApproval', 900),
  transition(7, 'AwaitingApproval->Canary', 4_500),
];

const recordOf = (
  title: string,
  seconds: number,
  to?: RecordInput['transition'],
  more?: RecordInput['more'],
): RecordInput => ({
  deploymentId: ID,
  service: 'ApiGateway',
  entry: { seq: 100, at: at(seconds), kind: to ? 'transition' : 'check', title },
  ...(to ? { transition: to } : {}),
  ...(more ? { more } : {}),
});

const svc = { 'gantry.service': 'ApiGateway' };
const verdictOf = (metric: string, verdict: string, mode: string) => ({
  instrument: 'gantry.canary.verdicts',
  value: 1,
  attributes: { ...svc, 'gantry.metric': metric, 'gantry.verdict': verdict, 'gantry.check.mode': mode },
});

describe('recordMeasurements', () => {
  it.each([
    [
      'a stage transition: how long the stage it leaves lasted',
      recordOf('Gating->Staging', 90, { to: 'Staging' }),
      [
        {
          instrument: 'gantry.stage.duration',
          value: 60,
          attributes: { ...svc, 'gantry.stage': 'Gating', 'gantry.stage.next': 'Staging' },
        },
      ],
    ],
    [
      'a success: the outcome and the last stage',
      recordOf('Verifying->Succeeded', 5_000, { to: 'Succeeded', reason: 'released' }),
      [
        {
          instrument: 'gantry.deployment.outcomes',
          value: 1,
          attributes: { ...svc, 'gantry.outcome': 'Succeeded' },
        },
      ],
    ],
    [
      'a canary rollback: outcome, rollback by stage, and the canary duration',
      recordOf('Canary->RolledBack', 4_800, { to: 'RolledBack', reason: '5 failed checks' }),
      [
        {
          instrument: 'gantry.deployment.outcomes',
          value: 1,
          attributes: { ...svc, 'gantry.outcome': 'RolledBack' },
        },
        { instrument: 'gantry.rollbacks', value: 1, attributes: { ...svc, 'gantry.stage': 'Canary' } },
        {
          instrument: 'gantry.stage.duration',
          value: 300,
          attributes: { ...svc, 'gantry.stage': 'Canary', 'gantry.stage.next': 'RolledBack' },
        },
      ],
    ],
    [
      'a failure before traffic: outcome, no rollback',
      recordOf('Testing->Failed', 600, { to: 'Failed' }),
      [
        {
          instrument: 'gantry.deployment.outcomes',
          value: 1,
          attributes: { ...svc, 'gantry.outcome': 'Failed' },
        },
        {
          instrument: 'gantry.stage.duration',
          value: 300,
          attributes: { ...svc, 'gantry.stage': 'Testing', 'gantry.stage.next': 'Failed' },
        },
      ],
    ],
    [
      'interval checks: one verdict each, fail-fast ones included; other checks are not canary verdicts',
      recordOf('check:success-rate', 4_600, undefined, [
        { seq: 101, at: at(4_600), kind: 'check', title: 'fail-fast:latency-p99', verdict: 'fail' },
        { seq: 102, at: at(4_600), kind: 'check', title: 'check:error-budget' },
        { seq: 103, at: at(4_600), kind: 'check', title: 'verify:error-rate', verdict: 'pass' },
        { seq: 104, at: at(4_600), kind: 'check', title: 'smoke:health', verdict: 'pass' },
        { seq: 105, at: at(4_600), kind: 'action', title: 'weight:25' },
      ]),
      [
        verdictOf('success-rate', 'inconclusive', 'interval'),
        verdictOf('latency-p99', 'fail', 'interval'),
        verdictOf('error-budget', 'inconclusive', 'interval'),
      ],
    ],
    [
      'a fast-check round: one verdict per check in its evidence, malformed ones skipped',
      {
        ...recordOf('fast-check', 4_610),
        entry: {
          seq: 100,
          at: at(4_610),
          kind: 'check',
          title: 'fast-check',
          verdict: 'fail',
          evidence: {
            mode: 'fast',
            checks: [
              { name: 'request-success-rate', verdict: 'fail', value: 90 },
              { name: 'latency', verdict: 'pass' },
              { name: 'broken', verdict: 'maybe' },
              { verdict: 'pass' },
              'junk',
            ],
          },
        },
      },
      [verdictOf('request-success-rate', 'fail', 'fast'), verdictOf('latency', 'pass', 'fast')],
    ],
    [
      'a fast-check without checks',
      {
        ...recordOf('fast-check', 4_610),
        entry: { seq: 100, at: at(4_610), kind: 'check', title: 'fast-check' },
      },
      [],
    ],
    [
      'a note records nothing',
      { ...recordOf('note', 10), entry: { ...recordOf('note', 10).entry, kind: 'note' } },
      [],
    ],
    [
      'a stage whose start is not in the timeline has no duration',
      recordOf('Promoting->Verifying', 5_000, { to: 'Verifying' }),
      [],
    ],
    [
      'a transition dated before its stage started has no duration',
      recordOf('Gating->Staging', 10, { to: 'Staging' }),
      [],
    ],
  ] as const)('%s', (_, input, expected) => {
    expect(recordMeasurements(input as RecordInput, TIMELINE)).toEqual(expected);
  });

  it('times Queued from the record when the queued transition is not in the timeline', () => {
    const input = recordOf('Queued->Gating', 30, { to: 'Gating' });
    const [m] = recordMeasurements(input, [], at(-15));
    expect(m).toEqual({
      instrument: 'gantry.stage.duration',
      value: 45,
      attributes: { ...svc, 'gantry.stage': 'Queued', 'gantry.stage.next': 'Gating' },
    });
    // Without either, Queued has no known start.
    expect(recordMeasurements(input, [])).toEqual([]);
  });

  it('uses the latest entry into the stage (a stage entered twice)', () => {
    const timeline = [...TIMELINE, transition(8, 'Canary->Canary', 4_700)];
    const [, , duration] = recordMeasurements(
      recordOf('Canary->RolledBack', 4_800, { to: 'RolledBack' }),
      timeline,
    );
    expect(duration?.value).toBe(100);
  });
});

describe('supersededMeasurements', () => {
  it.each([
    [[], []],
    [
      ['a-1', 'a-2'],
      [
        {
          instrument: 'gantry.deployment.outcomes',
          value: 2,
          attributes: { 'gantry.service': 'ApiGateway', 'gantry.outcome': 'Superseded' },
        },
      ],
    ],
  ])('%j', (superseded, expected) => {
    expect(supersededMeasurements('ApiGateway', superseded)).toEqual(expected);
  });
});
