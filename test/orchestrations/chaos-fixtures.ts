import { randomBytes } from 'node:crypto';
import type { ImageRef } from '../../shared/contracts/plan.js';
import type { Orchestrations } from './harness.js';

export const PROD_APP = 'api-gateway-prod';
export const STAGING_APP = 'api-gateway-staging';
const REPO = { registry: 'hearloveen.azurecr.io', repository: 'api-gateway' };
export const digest = (): string => `sha256:${randomBytes(32).toString('hex')}`;
/** What production ran before every test run: the last known good release. */
export const LKG: ImageRef = { ...REPO, tag: '1.9.0', digest: digest() };
export const image = (): string => `${REPO.registry}/${REPO.repository}:2.0.0@${digest()}`;
/** A Tuesday 03:00 UTC: production approval is automatic, so a run needs no human to reach the end. */
export const AUTO_APPROVAL = Date.UTC(2026, 0, 6, 3, 0);

/** Production and staging already run a released image (the last known good), in the store and Argo CD. */
export async function withLastKnownGood(x: Orchestrations): Promise<void> {
  await x.ports.store.recordRelease({
    service: 'ApiGateway',
    environment: 'production',
    deploymentId: 'apigateway-0123456789ab',
    image: LKG,
    releasedAt: '2026-01-01T00:00:00.000Z',
  });
  for (const app of [PROD_APP, STAGING_APP])
    x.world.apps.set(app, { image: LKG, history: [], pollsLeft: 0, outcome: 'Succeeded' });
}
