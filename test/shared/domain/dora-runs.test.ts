import { describe, expect, it } from 'vitest';
import type { DeploymentState } from '../../../shared/domain/deployment.js';
import { readRun, type RunFacts } from '../../../shared/domain/dora-runs.js';
import { at, canary, preProduction, promotion, run, verification } from './dora-week.js';

const app = 'api-gateway';
const created = at(0, '10:00');
const inCanary = at(0, '10:30');
const released = at(0, '11:00');

type Case = [
  name: string,
  state: DeploymentState,
  steps: Parameters<typeof run>[3],
  committedAt: number | string | undefined,
  expected: Partial<RunFacts>,
];

const cases: Case[] = [
  [
    'failed at a gate: never in production, no outcome',
    'Failed',
    [...preProduction(created, app).slice(0, 3), [created + 180_000, 'Gating->Failed']],
    undefined,
    { productionAt: undefined, releasedAt: undefined, outcome: undefined, changeFrom: 'push' },
  ],
  [
    'promoting: the staging sync is not the release, the outcome is not known',
    'Promoting',
    [...preProduction(created, app), ...canary(inCanary, ['pass']), [released, 'Canary->Promoting']],
    undefined,
    { productionAt: inCanary, releasedAt: undefined, outcome: 'in-flight' },
  ],
  [
    'released, measured from the commit',
    'Succeeded',
    [...preProduction(created, app), ...canary(inCanary, ['pass']), ...promotion(released, app)],
    at(0, '08:00'),
    { releasedAt: released, changeAt: at(0, '08:00'), changeFrom: 'commit', outcome: 'success' },
  ],
  [
    'a commit time after the release is not believed: the push is used',
    'Succeeded',
    [...preProduction(created, app), ...canary(inCanary, ['pass']), ...promotion(released, app)],
    at(0, '12:00'),
    { changeAt: created, changeFrom: 'push' },
  ],
  [
    'an unreadable commit time is ignored',
    'Succeeded',
    [...preProduction(created, app), ...canary(inCanary, ['pass']), ...promotion(released, app)],
    'yesterday',
    { changeAt: created, changeFrom: 'push' },
  ],
  [
    'the target of a manual rollback (rollback:to) is still a success',
    'Succeeded',
    [
      ...preProduction(created, app),
      ...canary(inCanary, ['pass']),
      ...promotion(released, app),
      [at(1, '09:00'), 'rollback:to'],
    ],
    undefined,
    { outcome: 'success', incident: undefined },
  ],
  [
    'cancelled during verification: released, but not a failed change',
    'Cancelled',
    [
      ...preProduction(created, app),
      ...canary(inCanary, ['pass']),
      ...promotion(released, app),
      [released + 60_000, 'rollback:production'],
      [released + 60_000, 'Verifying->Cancelled'],
    ],
    undefined,
    { releasedAt: released, outcome: 'cancelled', incident: undefined },
  ],
  [
    'aborted in the canary with no failing check: a failure with nothing to measure from',
    'RolledBack',
    [
      ...preProduction(created, app),
      ...canary(inCanary, ['pass', 'pass']),
      [inCanary + 150_000, 'weight:0'],
      [inCanary + 150_000, 'Canary->RolledBack'],
    ],
    undefined,
    { outcome: 'failure', incident: undefined },
  ],
  [
    'promotion sync failed after a canary check failed: the failing phase has no check',
    'RolledBack',
    [
      ...preProduction(created, app),
      ...canary(inCanary, ['fail', 'pass']),
      [released - 120_000, 'Canary->Promoting'],
      [released, 'weight:0'],
      [released, 'Promoting->RolledBack'],
    ],
    undefined,
    { outcome: 'failure', releasedAt: undefined, incident: undefined },
  ],
  [
    'rolled back with no rollback action recorded: restored at the closing transition',
    'RolledBack',
    [
      ...preProduction(created, app),
      ...canary(inCanary, ['fail', 'fail']),
      [inCanary + 5 * 60_000, 'Canary->RolledBack'],
    ],
    undefined,
    { outcome: 'failure', incident: { failedAt: inCanary + 60_000, restoredAt: inCanary + 5 * 60_000 } },
  ],
  [
    'verification failure: measured from the first failing verify entry to rollback:production',
    'RolledBack',
    [
      ...preProduction(created, app),
      ...canary(inCanary, ['fail', 'pass']),
      ...promotion(released, app),
      ...verification(released, ['pass', 'inconclusive', 'fail', 'fail']),
      [released + 4 * 60_000 + 5_000, 'rollback:production'],
      [released + 4 * 60_000 + 5_000, 'Verifying->RolledBack'],
    ],
    undefined,
    {
      outcome: 'failure',
      releasedAt: released,
      incident: { failedAt: released + 3 * 60_000, restoredAt: released + 4 * 60_000 + 5_000 },
    },
  ],
  [
    // The pipeline's closing transition (slot 0) sorts before the phase's entries of the same ms.
    'a fail-fast check, the rollback and the closing transition in the same millisecond',
    'RolledBack',
    [
      ...preProduction(created, app),
      ...canary(inCanary, []),
      [inCanary + 15_000, 'Canary->RolledBack'],
      [inCanary + 15_000, 'fast-check', 'fail'],
      [inCanary + 15_000, 'weight:0'],
    ],
    undefined,
    { outcome: 'failure', incident: { failedAt: inCanary + 15_000, restoredAt: inCanary + 15_000 } },
  ],
  [
    'a failing check after the closing transition does not belong to the incident',
    'RolledBack',
    [
      ...preProduction(created, app),
      ...canary(inCanary, ['pass']),
      [inCanary + 120_000, 'weight:0'],
      [inCanary + 120_000, 'Canary->RolledBack'],
      [inCanary + 180_000, 'check:request-success-rate', 'fail'],
    ],
    undefined,
    { outcome: 'failure', incident: undefined },
  ],
  [
    'failed after the canary (the rollback itself failed): a failure, never restored',
    'Failed',
    [
      ...preProduction(created, app),
      ...canary(inCanary, ['fail']),
      [inCanary + 120_000, 'rollback:failed', 'fail'],
      [inCanary + 120_000, 'Canary->Failed'],
    ],
    undefined,
    { outcome: 'failure', incident: undefined },
  ],
];

describe('readRun', () => {
  it.each(cases)('%s', (_name, state, steps, committedAt, expected) => {
    const r = run('R', 'ApiGateway', state, steps, typeof committedAt === 'number' ? committedAt : undefined);
    if (typeof committedAt === 'string') r.record.committedAt = committedAt;
    const facts = readRun(r.record, r.events);
    expect(facts).toMatchObject({ deploymentId: r.record.id, service: 'ApiGateway', state });
    for (const [key, value] of Object.entries(expected)) {
      expect(facts[key as keyof RunFacts], key).toEqual(value);
    }
  });

  it('counts a release that was rolled back from by hand as a failed change, without an incident', () => {
    const r = run('R', 'ApiGateway', 'Succeeded', [
      ...preProduction(created, app),
      ...canary(inCanary, ['pass']),
      ...promotion(released, app),
      [at(1, '09:00'), 'rollback:from'],
    ]);
    expect(readRun(r.record, r.events)).toMatchObject({ outcome: 'failure', releasedAt: released });
    expect(readRun(r.record, r.events).incident).toBeUndefined();
  });
});
