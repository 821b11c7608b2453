import { describe, expect, it } from 'vitest';
import { api, seedReleases, useApiHost } from '../../e2e/api-fixtures.js';
import { ada, reader } from '../../e2e/pipeline-harness.js';
import { gantry } from '../harness.js';

useApiHost();

const url = () => api.h.host.url;

describe('gantry quarantine and hold', { timeout: 60_000 }, () => {
  it('shows the digest a rollback quarantined on the board, and lifts it with a reason', async () => {
    const [, , r3] = await seedReleases();
    const d = r3?.image.digest ?? '';
    expect(
      (await gantry(['rollback', 'ApiGateway', '-m', 'p95 doubled'], { url: url(), as: ada })).code,
    ).toBe(0);
    await api.h.host.waitForCompletion('rollback:ApiGateway');

    const board = await gantry(['service', 'ApiGateway'], { url: url() });
    expect(board.stdout).toMatch(
      new RegExp(
        `Quarantined +@${d.slice(7, 19)}\\S* +${r3?.deploymentId} .*service rolled back by ada: p95 doubled`,
      ),
    );
    expect(board.stdout).toContain(`lift: gantry quarantine lift ApiGateway ${d} --reason`);

    const noReason = await gantry(['quarantine', 'lift', 'ApiGateway', d], { url: url(), as: ada });
    expect([noReason.code, noReason.stderr]).toEqual([2, expect.stringMatching(/needs a reason: --reason/)]);
    const asReader = await gantry(['quarantine', 'lift', 'ApiGateway', d, '--reason', 'x'], {
      url: url(),
      as: reader,
    });
    expect([asReader.code, asReader.stderr]).toEqual([1, expect.stringMatching(/HTTP 403/)]);
    const lifted = await gantry(['quarantine', 'lift', 'ApiGateway', d, '--reason', 'false alarm'], {
      url: url(),
      as: ada,
    });
    expect([lifted.code, lifted.stderr]).toEqual([0, '']);
    expect(lifted.stdout).toContain(`Lifted the quarantine of @${d.slice(7, 19)}`);
    const again = await gantry(['quarantine', 'lift', 'ApiGateway', d, '--reason', 'x'], {
      url: url(),
      as: ada,
    });
    expect([again.code, again.stderr]).toEqual([1, expect.stringMatching(/HTTP 409 already-lifted/)]);
    expect((await gantry(['service', 'ApiGateway'], { url: url() })).stdout).toMatch(/Quarantined +none/);

    // A manual rollback does not hold the lane: nothing to lift.
    const hold = await gantry(['hold', 'lift', 'ApiGateway', '--reason', 'x'], { url: url(), as: ada });
    expect([hold.code, hold.stderr]).toEqual([1, expect.stringMatching(/HTTP 409 not-held/)]);
    const typo = await gantry(['hold', 'release', 'ApiGateway', '--reason', 'x'], { url: url(), as: ada });
    expect([typo.code, typo.stderr]).toEqual([2, expect.stringMatching(/knows one action, lift/)]);
  });
});
