import { describe, expect, it } from 'vitest';
import { currentWeight, liveLabel, renderStatus, type DeploymentView } from '../../../cli/render/status.js';
import { makeStyle, stripAnsi } from '../../../cli/style.js';
import type { LiveStatus } from '../../../shared/app/status.js';

const T0 = Date.UTC(2026, 0, 5, 10);
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

const VIEW: DeploymentView = {
  deployment: {
    id: 'apigateway-1111aaaa2222',
    service: 'ApiGateway',
    state: 'Canary',
    image: { registry: 'r.io', repository: 'api-gateway', tag: '1.4.0', digest: `sha256:${'1'.repeat(64)}` },
    source: 'github',
    pushedBy: 'ci-bot',
    commitSha: 'abcdef0123456789abcdef0123456789abcdef01',
    createdAt: at(0),
    updatedAt: at(120),
    weight: 10,
  },
  timeline: [
    { deploymentId: 'x', seq: 1, at: at(0), kind: 'transition', title: '->Queued' },
    { deploymentId: 'x', seq: 2, at: at(30), kind: 'transition', title: 'Queued->Canary' },
    { deploymentId: 'x', seq: 3, at: at(40), kind: 'action', title: 'weight:25', evidence: { weight: 25 } },
    {
      deploymentId: 'x',
      seq: 4,
      at: at(60),
      kind: 'check',
      title: 'check:p95',
      verdict: 'pass',
      evidence: { value: 200, max: 500, weight: 25 },
    },
    {
      deploymentId: 'x',
      seq: 5,
      at: at(61),
      kind: 'decision',
      title: 'approve:accepted',
      verdict: 'pass',
      actor: 'ada',
      comment: 'ok',
    },
  ],
  live: {
    running: true,
    stage: 'canary',
    step: 'step 2/3',
    weight: 25,
    failedChecks: 2,
    waitingFor: 'next check',
  },
};

describe('liveLabel and currentWeight', () => {
  it.each<[LiveStatus, string]>([
    [{ running: false }, ''],
    [{ running: true }, 'running'],
    [
      { running: true, stage: 'approval', waitingFor: 'approval by devops-team' },
      'running: approval, waiting for approval by devops-team',
    ],
    [{ running: true, stage: 'canary', failedChecks: 1 }, 'running: canary, 1 failed check'],
    [{ running: true, stage: 'canary', failedChecks: 0 }, 'running: canary'],
  ])('%j -> %j', (live, label) => {
    expect(liveLabel(live)).toBe(label);
  });

  it('prefers the live phase weight over the stored one', () => {
    expect(currentWeight(VIEW)).toBe(25);
    expect(currentWeight({ ...VIEW, live: { running: false } })).toBe(10);
  });
});

describe('renderStatus', () => {
  it('shows the record, stages, current weight, last checks and events', () => {
    expect(renderStatus(VIEW, makeStyle(false), 120)).toEqual([
      'apigateway-1111aaaa2222',
      'service  ApiGateway',
      'state    Canary  running: canary, step 2/3, waiting for next check, 2 failed checks',
      'weight   25%',
      `image    r.io/api-gateway:1.4.0@sha256:${'1'.repeat(64)}`,
      'source   github, pushed by ci-bot, commit abcdef012345',
      'created  2026-01-05 10:00:00Z',
      'updated  2026-01-05 10:02:00Z',
      '',
      'Stages',
      'STAGE   STARTED               TOOK  NOTE',
      'Queued  2026-01-05 10:00:00Z   30s',
      'Canary  2026-01-05 10:00:30Z   now',
      '',
      'Last checks (1 pass)',
      'CHECK      VERDICT  VALUE                 AT',
      'check:p95  pass     200 (max 500) at 25%  2026-01-05 10:01:00Z',
      '',
      'Events',
      'AT                    EVENT             VERDICT  BY   NOTE',
      '2026-01-05 10:01:01Z  approve:accepted  pass     ada  ok',
    ]);
  });

  it('says where the commit came from and what the image says about itself', () => {
    const lines = (provenance: NonNullable<DeploymentView['deployment']['provenance']>, commitSha?: string) =>
      renderStatus(
        { ...VIEW, deployment: { ...VIEW.deployment, commitSha, provenance } },
        makeStyle(false),
        120,
      ).slice(5, 7);
    expect(
      lines(
        {
          commitFrom: 'image',
          detail: 'x',
          source: 'https://github.com/hearloveen/platform',
          version: '1.4.0',
        },
        VIEW.deployment.commitSha,
      ),
    ).toEqual([
      'source   github, pushed by ci-bot, commit abcdef012345 (from the image label)',
      'origin   https://github.com/hearloveen/platform 1.4.0',
    ]);
    expect(
      lines({ detail: 'no commit known: the image has no org.opencontainers.image.revision label' }),
    ).toEqual([
      'source   github, pushed by ci-bot',
      'origin   no commit known: the image has no org.opencontainers.image.revision label',
    ]);
  });

  it('lists the whole timeline with --timeline, and colours only on request', () => {
    const lines = renderStatus(
      { ...VIEW, deployment: { ...VIEW.deployment, state: 'RolledBack', reason: 'checks failed' } },
      makeStyle(true),
      120,
      true,
    );
    expect(lines.map(stripAnsi).slice(-7)).toEqual([
      '',
      'Timeline',
      '2026-01-05 10:00:00Z  Queued',
      '2026-01-05 10:00:30Z  Queued -> Canary',
      '2026-01-05 10:00:40Z  traffic -> 25%',
      '2026-01-05 10:01:00Z  check:p95  pass  200 (max 500) at 25%',
      '2026-01-05 10:01:01Z  approve:accepted  pass  by ada: ok',
    ]);
    expect(lines.join('\n')).toContain('\x1b[31mRolledBack\x1b[39m');
    expect(stripAnsi(lines.join('\n'))).toContain('reason   checks failed');
  });

  it('puts the deciding evidence of a rollback right under the header', () => {
    const lines = renderStatus(
      {
        ...VIEW,
        deployment: { ...VIEW.deployment, state: 'RolledBack', reason: 'fail-fast: success' },
        decidedBy: {
          seq: 9,
          at: at(90),
          title: 'fast-check',
          kind: 'fail-fast',
          name: 'request-success-rate',
          verdict: 'fail',
          value: 0,
          min: 95,
          query: 'sum(rate(x[1m]))',
          evaluatedAt: at(90),
          weight: 10,
        },
      },
      makeStyle(false),
      120,
    ).map(stripAnsi);
    const start = lines.indexOf('Why it stopped');
    expect(start).toBeGreaterThan(0);
    expect(start).toBeLessThan(lines.indexOf('Stages'));
    expect(lines.slice(start, start + 6).join('\n')).toMatch(
      /decided by +fail-fast request-success-rate +fail\nvalue +0 \(min 95\)\nweight +10%\nquery +sum\(rate\(x\[1m\]\)\)\nat +2026-01-05 10:01:30Z/,
    );
  });
});

describe('renderStatus of a release train', () => {
  it('shows which version runs in which ring, before the stages', () => {
    const digest = `sha256:${'1'.repeat(64)}`;
    const view: DeploymentView = {
      ...VIEW,
      deployment: { ...VIEW.deployment, state: 'Verifying' },
      rings: [
        {
          name: 'eu-west',
          region: 'westeurope',
          state: 'released',
          weight: 0,
          image: digest,
          targets: [{ cluster: 'aks-west', namespace: 'prod', argoApp: 'a' }],
        },
        {
          name: 'eu-north',
          region: 'northeurope',
          state: 'deploying',
          weight: 10,
          image: digest,
          targets: [{ cluster: 'aks-north', namespace: 'prod', argoApp: 'b' }],
        },
        { name: 'eu-central', state: 'pending', weight: 0, image: null, targets: [] },
      ],
    };
    const lines = renderStatus(view, makeStyle(false), 120).map(stripAnsi);
    const start = lines.indexOf('Rings');
    expect(start).toBeGreaterThan(0);
    expect(lines.slice(start + 1, start + 5).map((l) => l.split(/\s{2,}/).filter(Boolean))).toEqual([
      ['RING', 'REGION', 'STATE', 'WEIGHT', 'IMAGE', 'STARTED', 'ENDED', 'TARGETS'],
      ['eu-west', 'westeurope', 'released', '111111111111', 'aks-west/prod'],
      ['eu-north', 'northeurope', 'deploying', '10%', '111111111111', 'aks-north/prod'],
      ['eu-central', 'pending', 'previous release'],
    ]);
    expect(renderStatus(VIEW, makeStyle(false), 120).map(stripAnsi)).not.toContain('Rings');
  });
});
