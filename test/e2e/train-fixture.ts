import { EXAMPLE_RINGS, exampleWithoutRings } from '../fixtures/example-config.js';
import { expect } from 'vitest';
import { phaseInstanceId } from '../../shared/contracts/events.js';
import { digest, type PipelineHarness } from './pipeline-harness.js';

/**
 * A two-ring ApiGateway (EU West canary, EU North plain rollout after a 30-minute soak), written over
 * the example configuration, and how a test drives a run of it up to its test workflows passing. Shared
 * by the HTTP and the dashboard tests of release trains, so both judge the same train.
 */
export const TUESDAY_03 = Date.UTC(2026, 0, 6, 3, 0, 0); // auto-approved: no human needed
export const WORKFLOWS = ['integration', 'e2e', 'performance', 'security'];
export const NORTH_APP = 'api-gateway-prod-eun';
export const PROD_BLOCK =
  '      application: api-gateway-prod\n      image: { kustomizeImage: hearloveen.azurecr.io/api-gateway }\n';
/** The example's own ApiGateway train, put back over the ring-less example. */
export const RINGS = EXAMPLE_RINGS;

/** The example configuration with the train (and `extra` under the last ring) in place. */
export function trainYaml(extra = ''): string {
  const example = exampleWithoutRings();
  // The replacement below must find the production block, or the "train" would be a plain service.
  expect(example).toContain(PROD_BLOCK);
  return example.replace(PROD_BLOCK, PROD_BLOCK + RINGS + extra);
}

/** Submits ApiGateway 3.0.0 and lets its four test workflows pass; the train then runs on its own. */
export async function submitTrain(x: PipelineHarness): Promise<{ id: string; digest: string }> {
  const d = digest();
  const { id } = await x.submit('ApiGateway', `hearloveen.azurecr.io/api-gateway:3.0.0@${d}`);
  await x.waitForPhase(id, 'tests', 'test workflows');
  for (const workflow of WORKFLOWS) {
    const instance = encodeURIComponent(phaseInstanceId(id, 'tests'));
    const res = await x.host.request(
      `/runtime/webhooks/durabletask/instances/${instance}/raiseEvent/testResult`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ workflow, conclusion: 'success' }),
      },
    );
    expect(res.status).toBe(202);
  }
  return { id, digest: d };
}
