import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RejudgeResult } from '../../../cli/render/rejudge.js';
import { api, useApiHost } from '../../e2e/api-fixtures.js';
import { ada, ci, digest } from '../../e2e/pipeline-harness.js';
import { awaitingApproval, gantry, imageOf } from '../harness.js';

useApiHost();

const dir = mkdtempSync(join(tmpdir(), 'gantry-rejudge-e2e-'));
const spec = (name: string, text: string): string => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

/** The example's analysis with a success-rate bound the recorded 99.9 % no longer meets. */
const STRICTER = spec(
  'stricter.yaml',
  `canary:
  interval: 1m
  threshold: 2
  steps:
    - { weight: 10, duration: 5m }
    - { weight: 25, duration: 5m }
    - { weight: 50, duration: 10m }
  metrics:
    - { name: request-success-rate, templateRef: request-success-rate, thresholdRange: { min: 99.95 } }
    - name: request-duration-p95
      templateRef: request-duration
      templateVariables: { quantile: '0.95' }
      thresholdRange: { max: 500 }
`,
);

async function releasedRun(): Promise<string> {
  const id = await awaitingApproval(api.h, 'ApiGateway', imageOf('ApiGateway', digest()), ci);
  expect((await api.h.post(`/api/deployments/${id}/approve`, { comment: 'ok' }, ada)).status).toBe(202);
  expect((await api.h.finish(id)).deployment.state).toBe('Succeeded');
  return id;
}

describe('gantry rejudge against the dev host', { timeout: 60_000 }, () => {
  it('shows that a stricter bound would have rolled a released run back, and the same config changes nothing', async () => {
    const id = await releasedRun();
    const stricter = await gantry(['rejudge', id, '--config', STRICTER], { url: api.h.host.url, as: ci });
    expect([stricter.code, stricter.stderr]).toEqual([0, '']);
    expect(stricter.stdout).toMatch(
      /^outcome {3}passed \(\d+ failed checks?\) -> rolled-back \(\d+ failed checks?\) {2}CHANGED$/m,
    );
    expect(stricter.stdout).toMatch(/^\S+ \S+ {2}request-success-rate +99\.9 {2}pass {2}fail/m);

    const asJson = await gantry(['rejudge', id, '--config', STRICTER, '--json'], {
      url: api.h.host.url,
      as: ci,
    });
    const result = JSON.parse(asJson.stdout) as RejudgeResult;
    expect(result).toMatchObject({ deploymentId: id, outcomeChanged: true, original: { outcome: 'passed' } });
    expect(result.changedChecks).toBeGreaterThan(0);
    expect(result.checks.filter((c) => c.changed).every((c) => c.metric === 'request-success-rate')).toBe(
      true,
    );

    // The whole pipeline file: the service comes from the id, its block merged over the defaults.
    const same = await gantry(['rejudge', id, '--config', 'config/gantry.example.yaml', '--json'], {
      url: api.h.host.url,
      as: ci,
    });
    expect(JSON.parse(same.stdout)).toMatchObject({ outcomeChanged: false, changedChecks: 0 });
  });

  it('reports an invalid spec (400, one line per problem) and a run without canary checks (409)', async () => {
    const id = await awaitingApproval(api.h, 'ApiGateway', imageOf('ApiGateway', digest()), ci);
    const invalid = spec(
      'invalid.yaml',
      'canary: { interval: soon, threshold: 0, steps: [], metrics: [] }\n',
    );
    const bad = await gantry(['rejudge', id, '--config', invalid], { url: api.h.host.url, as: ci });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^gantry: error: HTTP 400 invalid-spec: /);
    expect(bad.stderr.split('\n').filter((l) => l.startsWith('  canary.')).length).toBeGreaterThan(1);
    const early = await gantry(['rejudge', id, '--config', STRICTER], { url: api.h.host.url, as: ci });
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(
      new RegExp(`^gantry: error: HTTP 409 \\S+: Deployment ${id} has no canary checks`),
    );
  });
});
