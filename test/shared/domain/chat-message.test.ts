import { describe, expect, it } from 'vitest';
import {
  chatMessage,
  dashboardLink,
  decidingCheck,
  describeCheck,
} from '../../../shared/domain/chat-message.js';
import type { DeploymentRecord, TimelineEntry } from '../../../shared/domain/deployment.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const deployment: DeploymentRecord = {
  id: 'ApiGateway-abababababab',
  service: 'ApiGateway',
  image: { registry: 'hearloveen.azurecr.io', repository: 'api-gateway', tag: '1.4.0', digest: DIGEST },
  state: 'Canary',
  source: 'github',
  pushedBy: 'ci-bot',
  commitSha: '0123456789abcdef0123456789abcdef01234567',
  provenance: { detail: 'from the push', version: '1.4.0-rc1' },
  createdAt: '2026-01-05T03:00:00.000Z',
  updatedAt: '2026-01-05T03:10:00.000Z',
  weight: 25,
};

const entry = (seq: number, e: Partial<TimelineEntry>): TimelineEntry => ({
  deploymentId: deployment.id,
  seq,
  at: '2026-01-05T03:10:00.000Z',
  kind: 'check',
  title: 'check:x',
  ...e,
});

describe('chatMessage', () => {
  const base = { at: '2026-01-05T03:10:00.000Z', seq: 1 };

  it('names service, version, digest, commit, stage, weight and links the dashboard page', () => {
    const m = chatMessage(
      deployment,
      { ...base, kind: 'canary-step', environment: 'production', title: 'weight:25', weight: 25 },
      { publicUrl: 'https://gantry.example/' },
    );
    expect(m).toMatchObject({
      headline: 'ApiGateway 1.4.0-rc1: canary',
      service: 'ApiGateway',
      version: '1.4.0-rc1',
      digest: DIGEST,
      commit: deployment.commitSha,
      stage: 'Canary',
      environment: 'production',
      weight: 25,
      link: 'https://gantry.example/api/dashboard#/deployments/ApiGateway-abababababab',
      actions: ['abort'],
      detail: 'weight:25 weight 25%',
    });
  });

  it('offers Approve and Reject while awaiting approval, nothing once released', () => {
    const waiting = chatMessage(
      { ...deployment, state: 'AwaitingApproval' },
      {
        ...base,
        kind: 'awaiting-approval',
        environment: 'production',
        title: 'x',
        state: 'AwaitingApproval',
      },
      { publicUrl: 'http://localhost:7071' },
    );
    expect(waiting.actions).toEqual(['approve', 'reject']);
    const done = chatMessage(
      { ...deployment, state: 'Succeeded', reason: 'released' },
      {
        ...base,
        kind: 'succeeded',
        environment: 'production',
        title: 'Verifying->Succeeded',
        state: 'Succeeded',
        reason: 'released',
      },
      { publicUrl: 'http://localhost:7071' },
    );
    expect(done).toMatchObject({
      actions: [],
      headline: 'ApiGateway 1.4.0-rc1: released',
      reason: 'released',
    });
  });

  it('says who acted and why a run failed, with the deciding check', () => {
    const check = { name: 'success-rate', value: 0.91, min: 0.99 };
    const m = chatMessage(
      { ...deployment, state: 'RolledBack' },
      {
        ...base,
        kind: 'rolled-back',
        environment: 'production',
        title: 'Canary->RolledBack',
        state: 'RolledBack',
        actor: 'reviewer@localhost',
        reason: 'abort by reviewer@localhost: latency',
      },
      { publicUrl: 'http://localhost:7071', check },
    );
    expect(m).toMatchObject({
      actor: 'reviewer@localhost',
      check,
      reason: 'abort by reviewer@localhost: latency',
    });
    expect(m.detail).toBe(
      'Canary->RolledBack by reviewer@localhost: abort by reviewer@localhost: latency (success-rate = 0.91 (min 0.99))',
    );
  });

  it('names the pusher on the first message; falls back to the tag, then the digest, for the version', () => {
    const { provenance: _p, ...noLabel } = deployment;
    const m = chatMessage(
      noLabel,
      { ...base, kind: 'queued', environment: 'staging', title: 'Queued->Gating' },
      { publicUrl: 'x' },
    );
    expect(m).toMatchObject({ actor: 'ci-bot', version: '1.4.0' });
    const bare = { ...noLabel, image: { ...noLabel.image, tag: undefined } };
    expect(
      chatMessage(bare, { ...base, kind: 'queued', environment: 'staging', title: 't' }, { publicUrl: 'x' })
        .version,
    ).toBe('abababababab');
  });

  it.each([
    ['started at once', '2026-01-05T03:00:40.000Z', undefined],
    [
      'waited behind another release',
      '2026-01-05T03:12:00.000Z',
      'queued at 2026-01-05T03:00:00.000Z, waited 12 min for the lane',
    ],
  ])('the first message of a push that %s says how long it was queued', (_, at, reason) => {
    const { reason: _r, ...fresh } = deployment;
    const m = chatMessage(
      fresh,
      { at, seq: 1, kind: 'queued', environment: 'staging', title: 'Queued->Gating' },
      {
        publicUrl: 'x',
      },
    );
    expect(m.reason).toBe(reason);
    if (reason) expect(m.detail).toBe(`Queued->Gating by ci-bot: ${reason}`);
  });

  it('a push announced at the push says what it is queued behind', () => {
    const { reason: _r, ...fresh } = deployment;
    const m = chatMessage(
      fresh,
      {
        at: fresh.createdAt,
        seq: 1,
        kind: 'queued',
        environment: 'staging',
        title: 'queued behind other-1',
        state: 'Queued',
        behind: 'other-1',
      },
      { publicUrl: 'https://gantry.example' },
    );
    expect(m.headline).toMatch(/: queued$/);
    expect(m.reason).toBe('queued behind other-1');
    expect(m.stage).toBe('Queued');
    expect(m.digest).toBe(fresh.image.digest);
    expect(m.link).toContain(encodeURIComponent(fresh.id));
    expect(m.actions).toEqual([]);
  });

  it('escapes the deployment id in the link', () => {
    expect(dashboardLink('https://g.example', 'a b/c')).toBe(
      'https://g.example/api/dashboard#/deployments/a%20b%2Fc',
    );
  });
});

describe('decidingCheck', () => {
  it('takes the latest failed check with a value and a bound', () => {
    const timeline = [
      entry(1, { verdict: 'fail', evidence: { name: 'latency', value: 900, max: 500 } }),
      entry(3, { verdict: 'pass', evidence: { name: 'errors', value: 0.001, max: 0.01 } }),
      entry(2, { title: 'fail-fast:success-rate', verdict: 'fail', evidence: { value: 0.5, min: 0.9 } }),
      entry(4, { kind: 'decision', verdict: 'fail', evidence: { value: 1, max: 0 } }),
    ];
    expect(decidingCheck(timeline)).toEqual({ name: 'success-rate', value: 0.5, min: 0.9 });
  });

  it('reads the failing check of a fast round, and a check without data', () => {
    const fast = entry(5, {
      title: 'fast-check',
      verdict: 'fail',
      evidence: {
        mode: 'fast',
        checks: [
          { name: 'ok', verdict: 'pass', value: 1, min: 0 },
          { name: 'errors', verdict: 'fail', value: null, max: 0.05 },
        ],
      },
    });
    expect(decidingCheck([fast])).toEqual({ name: 'errors', value: null, max: 0.05 });
    expect(describeCheck({ name: 'errors', value: null, max: 0.05 })).toBe('errors = no data (max 0.05)');
  });

  it('finds none when no failed check has a bound', () => {
    expect(
      decidingCheck([entry(1, { title: 'check:alerts', verdict: 'fail', evidence: { alerts: [] } })]),
    ).toBeUndefined();
    expect(describeCheck({ name: 'p95', value: 1.23456, min: 0, max: 2 })).toBe('p95 = 1.235 (min 0, max 2)');
  });
});
