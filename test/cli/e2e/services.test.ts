import { describe, expect, it } from 'vitest';
import type { ReleaseRecord } from '../../../shared/domain/deployment.js';
import { api, seedReleases, useApiHost } from '../../e2e/api-fixtures.js';
import { ada, titles } from '../../e2e/pipeline-harness.js';
import { gantry } from '../harness.js';

useApiHost();

const url = () => api.h.host.url;
const tag = (r: ReleaseRecord | undefined) =>
  `${r?.image.repository}:${r?.image.tag}@${r?.image.digest.slice(7, 19)}`;

describe('gantry services and releases', { timeout: 60_000 }, () => {
  it('lists production releases newest first, with a limit, and every configured service', async () => {
    const [r1, r2, r3] = await seedReleases();
    const table = await gantry(['releases', 'apigateway'], { url: url() });
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')).toEqual([
      expect.stringMatching(/^RELEASED +DEPLOYMENT +NOTE +IMAGE$/),
      `2026-01-05 11:32:00Z  ${r3?.deploymentId}  live  ${tag(r3)}`,
      `2026-01-05 11:31:00Z  ${r2?.deploymentId}  -     ${tag(r2)}`,
      `2026-01-05 11:30:00Z  ${r1?.deploymentId}  -     ${tag(r1)}`,
      '',
    ]);
    const two = JSON.parse(
      (await gantry(['releases', 'ApiGateway', '-n', '2', '--json'], { url: url() })).stdout,
    );
    expect(two.releases.map((r: ReleaseRecord) => r.deploymentId)).toEqual([
      r3?.deploymentId,
      r2?.deploymentId,
    ]);
    const none = await gantry(['releases', 'AudioService'], { url: url() });
    expect(none.stdout).toBe('AudioService has no production release yet.\n');

    const services = await gantry(['services'], { url: url() });
    const rows = services.stdout.trimEnd().split('\n');
    expect(rows.map((r) => r.split(/\s+/)[0])).toEqual([
      'SERVICE',
      'ApiGateway',
      'AudioService',
      'AnalysisService',
      'UserService',
      'NotificationService',
      'IoTService',
    ]);
    expect(rows[1]).toMatch(
      new RegExp(`^ApiGateway +- +2026-01-05 11:32:00Z +${r3?.deploymentId}  ${tag(r3)}$`),
    );
    expect(rows[2]).toMatch(/^AudioService +- +none$/);
  });

  it.each<[string[], number, RegExp]>([
    [
      ['releases', 'Nope'],
      1,
      /^gantry: error: HTTP 404 unknown-service: Service 'Nope' is not configured\.\n$/,
    ],
    [['releases', 'ApiGateway', '--limit', '500'], 2, /--limit must be a whole number from 1 to 200/],
  ])('%j fails with exit %i', async (args, code, stderr) => {
    const r = await gantry(args, { url: url() });
    expect([r.code, r.stdout]).toEqual([code, '']);
    expect(r.stderr).toMatch(stderr);
  });
});

describe('gantry rollback', { timeout: 60_000 }, () => {
  it('goes back to the previous release, then to a named one, audited under the caller', async () => {
    const [r1, r2, r3] = await seedReleases();
    const r = await gantry(['rollback', 'ApiGateway', '-m', 'p95 doubled after 1.0.202'], {
      url: url(),
      as: ada,
    });
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout.split('\n').slice(0, 3)).toEqual([
      'Rolling back ApiGateway (api-gateway-prod), requested by ada:',
      `  from ${r3?.deploymentId}  ${tag(r3)}`,
      `  to   ${r2?.deploymentId}  ${tag(r2)}`,
    ]);
    await api.h.host.waitForCompletion('rollback:ApiGateway');
    const view = await api.h.view(r2?.deploymentId ?? '');
    expect(view.timeline.find((e) => e.title === 'rollback:to')).toMatchObject({
      actor: 'ada',
      comment: 'p95 doubled after 1.0.202',
    });
    expect(titles(view.timeline)).toContain('rollback:synced:api-gateway-prod');
    // Only the restored release reads as live; the one left is marked, and `via: rollback` is shown.
    const table = (await gantry(['releases', 'ApiGateway'], { url: url() })).stdout.split('\n');
    expect(table[1]).toMatch(new RegExp(`^\\S+ \\S+  ${r2?.deploymentId}  live, via rollback  `));
    expect(table[2]).toMatch(new RegExp(`^\\S+ \\S+  ${r3?.deploymentId}  rolled back +`));
    expect(table.filter((l) => l.includes('live'))).toHaveLength(1);
    const board = await gantry(['service', 'ApiGateway'], { url: url() });
    expect(board.code).toBe(0);
    expect(board.stdout).toMatch(/production {2}live 1\.0\.201 @[0-9a-f]{12} {2}as released/);
    expect(board.stdout).toContain(`Last known good  ${r2?.deploymentId}  ${tag(r2)}  via rollback`);
    expect(board.stdout).toMatch(new RegExp(`${r3?.deploymentId} {2}Succeeded {2}rolled back`));
    const json = JSON.parse((await gantry(['service', 'ApiGateway', '--json'], { url: url() })).stdout);
    expect(json.environments[1].current).toMatchObject({ verdict: 'match', digest: r2?.image.digest });

    const named = await gantry(
      ['rollback', 'ApiGateway', '--to', r1?.deploymentId ?? '', '-m', 'back to 1.0.200', '--json'],
      { url: url(), as: ada },
    );
    expect(JSON.parse(named.stdout).rollback).toMatchObject({
      to: { deploymentId: r1?.deploymentId },
      requestedBy: 'ada',
    });
    await api.h.host.waitForCompletion('rollback:ApiGateway');
    expect(api.h.world.deploys.map((d) => d.digest)).toEqual([r2?.image.digest, r1?.image.digest]);
  });

  it.each<[string[], number, RegExp]>([
    [['rollback', 'ApiGateway'], 2, /'rollback' needs a reason: -m "<text>"/],
    [['rollback', 'Nope', '-m', 'x'], 1, /HTTP 404 unknown-service/],
    [
      ['rollback', 'ApiGateway', '--to', 'apigateway-000000000000', '-m', 'x'],
      1,
      /HTTP 404 release-not-found: Deployment 'apigateway-000000000000' was never released/,
    ],
    [['rollback', 'AudioService', '-m', 'x'], 1, /HTTP 409 no-previous-release/],
  ])('%j is refused with exit %i and nothing deployed', async (args, code, stderr) => {
    await seedReleases();
    const r = await gantry(args, { url: url(), as: ada });
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(stderr);
    expect(api.h.world.deploys).toEqual([]);
  });
});
