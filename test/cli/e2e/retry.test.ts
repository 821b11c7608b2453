import { describe, expect, it } from 'vitest';
import { api, useApiHost } from '../../e2e/api-fixtures.js';
import { ada, ci, digest } from '../../e2e/pipeline-harness.js';
import { gantry, imageOf } from '../harness.js';

useApiHost();

const url = () => api.h.host.url;

describe('gantry retry against the dev host', { timeout: 60_000 }, () => {
  it('queues the failed image again as a linked run; a second retry is refused with the reason', async () => {
    api.h.world.gateVerdicts.set('vulnerability', 'fail');
    const first = await api.h.submit('ApiGateway', imageOf('ApiGateway', digest()), ci);
    expect((await api.h.finish(first.id)).deployment.state).toBe('Failed');

    const ok = await gantry(['retry', first.id, '-m', 'allow-listed the CVE'], { url: url(), as: ada });
    expect([ok.code, ok.stderr]).toEqual([0, '']);
    const run = `${first.id}-r1`;
    expect(ok.stdout).toBe(
      `Retrying ${first.id} (Failed) as ${run} (ApiGateway, Queued).\nFollow it with: gantry watch ${run}\n`,
    );
    const view = await api.h.view(run);
    expect(view.deployment.retryOf).toBe(first.id);
    expect(view.timeline[0]).toMatchObject({ actor: 'ada', comment: 'allow-listed the CVE' });

    // The retry runs on (the gate still fails): a second retry of the first run is refused either way.
    const again = await gantry(['retry', first.id], { url: url(), as: ada });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(
      new RegExp(`^gantry: error: HTTP 409 retry-exists: Deployment ${first.id} .*retried by ${run}`),
    );
    const asJson = await gantry(['retry', first.id, '--json'], { url: url(), as: ada });
    expect(JSON.parse(asJson.stderr)).toMatchObject({
      error: { status: 409, code: 'retry-exists', details: { deployment: first.id, retriedBy: run } },
    });

    const status = JSON.parse((await gantry(['status', first.id, '--json'], { url: url() })).stdout) as {
      deployment: { retriedBy?: string };
    };
    expect(status.deployment.retriedBy).toBe(run);
    const whoami = await gantry(['whoami', first.id], { url: url(), as: ada });
    expect(whoami.stdout).toMatch(new RegExp(`^retry +no: the deployment .*retried by ${run}`, 'm'));
  });

  it('reports a malformed id and an unknown one as the API answers them', async () => {
    const bad = await gantry(['retry', 'apigateway-0123456789ab-r0'], { url: url(), as: ada });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^gantry: error: HTTP 400 invalid-deployment-id/);
    const unknown = await gantry(['retry', 'apigateway-0123456789ab'], { url: url(), as: ada });
    expect(unknown.stderr).toMatch(/^gantry: error: HTTP 404 deployment-not-found/);
  });
});
