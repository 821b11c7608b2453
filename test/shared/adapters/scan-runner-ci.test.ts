import { describe, expect, it } from 'vitest';
import type { GitHubClient } from '../../../shared/adapters/github.js';
import { JobScanRunner, UNKNOWN_COMMIT } from '../../../shared/adapters/scan-runner.js';
import type { GateSpec, ImageRef } from '../../../shared/contracts/plan.js';
import type { CiVerdict } from '../../../shared/domain/scan-policy.js';
import type { JobRunner } from '../../../shared/ports/jobs.js';

const IMAGE: ImageRef = {
  registry: 'hearloveen.azurecr.io',
  repository: 'api-gateway',
  tag: '1.4.2',
  digest: `sha256:${'5ba0'.repeat(16)}`,
};
const SHA = 'acb5820ced9479c074f688cc328bf03f341a511d';

/** The ci-status gate reads GitHub only: any Job call is a mistake. */
function setup(extra: Partial<ConstructorParameters<typeof JobScanRunner>[0]> = {}) {
  const jobs = { runs: 0 };
  const refuse = async (): Promise<never> => {
    jobs.runs++;
    throw new Error('the ci-status gate must not start or read Jobs');
  };
  const runner = new JobScanRunner({
    jobs: { run: refuse, status: refuse, logs: refuse } satisfies JobRunner,
    target: { subscriptionId: 's', resourceGroup: 'rg', cluster: 'c', namespace: 'ns' },
    ...extra,
  });
  return { runner, jobs };
}

describe('ci-status gate', () => {
  const gate: GateSpec = {
    kind: 'ci-status',
    name: 'ci-status',
    repository: 'hearloveen/platform',
    checks: ['lint', 'build'],
  };
  const verdict = (state: CiVerdict['state'], missing: string[] = []): CiVerdict => ({
    state,
    missing,
    checks: [
      {
        name: 'lint',
        source: 'check-run',
        status: 'completed',
        conclusion: state === 'fail' ? 'failure' : 'success',
        state: state === 'fail' ? 'fail' : 'pass',
      },
    ],
  });
  const github = (answers: CiVerdict[]) => {
    const calls: unknown[][] = [];
    const client: Pick<GitHubClient, 'ciStatus'> = {
      ciStatus: async (...args) => {
        calls.push(args);
        return (answers.length > 1 ? answers.shift() : answers[0]) as CiVerdict;
      },
    };
    return { client, calls };
  };

  it('is pending while checks run, with the CI poll interval and wait, then passes on a later check', async () => {
    const gh = github([verdict('pending', ['build']), verdict('pass')]);
    const { runner, jobs } = setup({ github: gh.client, ciPollIntervalMs: 20_000, ciWaitMs: 120_000 });
    const started = await runner.start(gate, IMAGE, SHA);
    expect(started).toEqual({
      done: false,
      handle: {},
      pollAfterMs: 20_000,
      timeoutMs: 120_000,
      detail: 'check(s) pending: build',
    });
    const checked = await runner.check(gate, IMAGE, {}, SHA);
    expect(checked).toMatchObject({
      done: true,
      result: {
        verdict: 'pass',
        summary: 'all 2 check(s) passed',
        evidence: { sha: SHA, repository: 'hearloveen/platform' },
      },
    });
    expect(gh.calls).toEqual([
      ['hearloveen/platform', SHA, ['lint', 'build']],
      ['hearloveen/platform', SHA, ['lint', 'build']],
    ]);
    expect(jobs.runs).toBe(0);
  });

  it('defaults to a 30 s poll and a 15 min wait', async () => {
    const { runner } = setup({
      github: github([verdict('pending', ['build'])]).client,
    });
    expect(await runner.check(gate, IMAGE, {}, SHA)).toMatchObject({
      done: false,
      pollAfterMs: 30_000,
      timeoutMs: 900_000,
    });
  });

  it('fails on a failed check, naming it, on the first read', async () => {
    const { runner } = setup({ github: github([verdict('fail')]).client });
    expect(await runner.start(gate, IMAGE, SHA)).toMatchObject({
      done: true,
      result: { verdict: 'fail', summary: 'check(s) failed: lint' },
    });
  });

  it('fails closed without a commit, and throws without a GitHub connection', async () => {
    const { runner } = setup({ github: github([verdict('pass')]).client });
    expect(await runner.start(gate, IMAGE)).toMatchObject({
      done: true,
      result: { verdict: 'fail', summary: expect.stringContaining('no known commit') },
    });
    const { runner: bare } = setup();
    await expect(bare.start(gate, IMAGE, SHA)).rejects.toThrow(/no GitHub connection/);
    await expect(bare.check(gate, IMAGE, {}, SHA)).rejects.toThrow(/no GitHub connection/);
  });

  it.each([
    [undefined, 'fail', UNKNOWN_COMMIT],
    ['fail', 'fail', UNKNOWN_COMMIT],
    ['skip', 'warn', 'skipped: the image has no known commit (whenCommitUnknown: skip)'],
  ] as const)('without a commit, whenCommitUnknown %s gives %s', async (policy, expected, summary) => {
    const { client, calls } = github([verdict('pass')]);
    const { runner } = setup({ github: client });
    const spec: GateSpec = { ...gate, ...(policy && { whenCommitUnknown: policy }) };
    expect(await runner.start(spec, IMAGE)).toMatchObject({
      done: true,
      result: { verdict: expected, summary },
    });
    expect(calls).toEqual([]);
  });

  it.each([
    ['https://github.com/hearloveen/platform', 'pass'],
    ['https://github.com/HearLoveen/platform.git', 'pass'],
    ['git@github.com:hearloveen/platform.git', 'pass'],
    ['https://github.com/other-team/platform', 'fail'],
    ['https://gitlab.example/hearloveen/platform/sub', 'fail'],
    ['not a url', 'fail'],
  ] as const)('an image whose source label is %s: %s', async (source, expected) => {
    const { client, calls } = github([verdict('pass')]);
    const { runner } = setup({ github: client });
    const progress = await runner.start(gate, IMAGE, SHA, source);
    expect(progress).toMatchObject({ done: true, result: { verdict: expected } });
    if (expected === 'fail') {
      expect(progress).toMatchObject({
        result: {
          summary: expect.stringContaining('not hearloveen/platform: an image built from another repository'),
        },
      });
      expect(calls).toEqual([]);
    }
    // The check reads it too (a pending gate checked again).
    expect(await runner.check(gate, IMAGE, {}, SHA, source)).toMatchObject({ result: { verdict: expected } });
  });
});
