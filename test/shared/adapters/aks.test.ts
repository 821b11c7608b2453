import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../devhost/durable/clock.js';
import { addWorkload, startKubernetesSandbox, type KubernetesSandbox } from '../../../sandbox/kubernetes.js';
import { SandboxWorld } from '../../../sandbox/world.js';
import { AKS_SERVER_SCOPE, AksCredentials } from '../../../shared/adapters/aks.js';
import { KubernetesCluster } from '../../../shared/adapters/kubernetes.js';
import { entraKubeconfig, localAccountKubeconfig, startArmServer, type ArmServer } from './arm-server.js';
import { kubeError, OLD_IMAGE, TARGET } from './kube-harness.js';

const ARM_SCOPE = 'https://management.azure.com/.default';
/** JWT-shaped, so the redaction of tokens that a server echoes back is exercised too. */
const AKS_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiI2ZGFlNDJmOCJ9.c2lnbmF0dXJlLW9mLWFrcw';
const MINUTE = 60_000;

/** Hands out tokens per scope and records what it was asked for. */
class FakeCredential implements TokenCredential {
  readonly scopes: string[] = [];
  aksToken = AKS_TOKEN;
  failure: Error | undefined;
  constructor(private readonly clock: VirtualClock) {}
  async getToken(scopes: string | string[]): Promise<AccessToken> {
    const scope = ([] as string[]).concat(scopes)[0] ?? '';
    this.scopes.push(scope);
    if (this.failure && scope === AKS_SERVER_SCOPE) throw this.failure;
    // The ARM SDK caches its token on the wall clock; Gantry's AKS token cache uses the injected clock.
    if (scope === ARM_SCOPE) return { token: 'arm-token', expiresOnTimestamp: Date.now() + 3_600_000 };
    return { token: this.aksToken, expiresOnTimestamp: this.clock.now() + 60 * MINUTE };
  }
  count(scope: string): number {
    return this.scopes.filter((s) => s === scope).length;
  }
}

let arm: ArmServer;
let sandbox: KubernetesSandbox;
let clock: VirtualClock;
let credential: FakeCredential;
beforeEach(async () => {
  clock = new VirtualClock(Date.UTC(2026, 5, 1, 12));
  const world = new SandboxWorld(clock);
  addWorkload(world, {
    namespace: 'prod',
    deployment: 'web',
    image: OLD_IMAGE,
    router: { kind: 'replicas' },
  });
  sandbox = await startKubernetesSandbox(world, { token: AKS_TOKEN });
  arm = await startArmServer();
  arm.answer = { kubeconfig: entraKubeconfig(sandbox.url) };
  credential = new FakeCredential(clock);
});
afterEach(async () => {
  await Promise.all([arm.close(), sandbox.close()]);
});

const credentials = () =>
  new AksCredentials({
    credential,
    clock,
    clientOptions: { endpoint: arm.endpoint, agent: arm.agent, retryOptions: { maxRetries: 0 } },
  });

describe('AksCredentials', () => {
  it('reads the user kubeconfig from ARM and calls the cluster with an Entra token for the AKS server app', async () => {
    const cluster = new KubernetesCluster({ kubeconfigs: credentials() });
    expect((await cluster.rollout(TARGET, 'web')).phase).toBe('complete');
    expect(arm.calls).toEqual([
      {
        method: 'POST',
        path: `/subscriptions/${TARGET.subscriptionId}/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod/listClusterUserCredential`,
        query: { 'api-version': expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), format: 'exec' },
        authorization: 'Bearer arm-token',
      },
    ]);
    expect(credential.scopes).toEqual([ARM_SCOPE, AKS_SERVER_SCOPE]);
  });

  it('caches the kubeconfig for an hour and refreshes the token five minutes before it expires', async () => {
    const cluster = new KubernetesCluster({ kubeconfigs: credentials() });
    const poll = () => cluster.rollout(TARGET, 'web');
    await poll();
    await poll();
    clock.advance(54 * MINUTE);
    await poll();
    expect([arm.calls.length, credential.count(AKS_SERVER_SCOPE)]).toEqual([1, 1]);
    clock.advance(2 * MINUTE); // 56 min: within 5 min of expiry
    await poll();
    expect([arm.calls.length, credential.count(AKS_SERVER_SCOPE)]).toEqual([1, 2]);
    clock.advance(5 * MINUTE); // 61 min: the kubeconfig is fetched again
    await poll();
    expect(arm.calls).toHaveLength(2);
  });

  it('fetches fresh credentials after the cluster answers 401', async () => {
    credential.aksToken = 'stale-token';
    const cluster = new KubernetesCluster({ kubeconfigs: credentials() });
    expect((await kubeError(cluster.rollout(TARGET, 'web'))).code).toBe('unauthorized');
    credential.aksToken = AKS_TOKEN;
    expect((await cluster.rollout(TARGET, 'web')).phase).toBe('complete');
    expect([arm.calls.length, credential.count(AKS_SERVER_SCOPE)]).toEqual([2, 2]);
  });

  it('keeps a local-account kubeconfig user as it is', async () => {
    arm.answer = { kubeconfig: localAccountKubeconfig(sandbox.url, AKS_TOKEN) };
    const cluster = new KubernetesCluster({ kubeconfigs: credentials() });
    expect((await cluster.rollout(TARGET, 'web')).phase).toBe('complete');
    expect(credential.count(AKS_SERVER_SCOPE)).toBe(0);
  });

  it('maps ARM errors to coded errors without the request or its token', async () => {
    arm.answer = {
      status: 403,
      code: 'AuthorizationFailed',
      message: 'The client does not have authorization',
    };
    const denied = await kubeError(credentials().kubeConfig(TARGET));
    expect(denied).toMatchObject({ code: 'forbidden', status: 403 });
    expect(denied.message).toBe(
      'listClusterUserCredential for rg-prod/aks-prod: AuthorizationFailed: The client does not have authorization',
    );
    expect(JSON.stringify(denied)).not.toContain('arm-token');
    arm.answer = { status: 404, code: 'ResourceNotFound', message: 'not found' };
    expect((await kubeError(credentials().kubeConfig(TARGET))).code).toBe('not-found');
    arm.answer = { status: 400, code: 'BadRequest', message: 'local accounts disabled' };
    expect((await kubeError(credentials().kubeConfig(TARGET))).code).toBe('invalid');
    arm.answer = { status: 500, code: 'InternalServerError', message: 'boom' };
    expect((await kubeError(credentials().kubeConfig(TARGET))).code).toBe('unavailable');
    arm.answer = { kubeconfig: ': not yaml : [' };
    expect((await kubeError(credentials().kubeConfig(TARGET))).code).toBe('unavailable');
  });

  it('never puts the AKS token in an error, even when a server echoes it back', async () => {
    const echo = createServer((req, res) => {
      const message = `denied for ${req.headers.authorization ?? ''}`;
      res
        .writeHead(403, { 'content-type': 'application/json' })
        .end(JSON.stringify({ kind: 'Status', message, code: 403 }));
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    arm.answer = { kubeconfig: entraKubeconfig(`http://127.0.0.1:${(echo.address() as AddressInfo).port}`) };
    const error = await kubeError(
      new KubernetesCluster({ kubeconfigs: credentials() }).rollout(TARGET, 'web'),
    );
    echo.close();
    expect(error.code).toBe('forbidden');
    expect(error.message).toContain('denied for Bearer <redacted>');
    expect(error.message).not.toContain('c2lnbmF0dXJl');
  });

  it('reports a credential that cannot issue tokens by its type only, and checks names before calling ARM', async () => {
    credential.failure = Object.assign(new Error(`refresh token ${AKS_TOKEN} expired`), {
      name: 'AuthenticationError',
    });
    const error = await kubeError(
      new KubernetesCluster({ kubeconfigs: credentials() }).rollout(TARGET, 'web'),
    );
    expect(error).toMatchObject({ code: 'unauthorized' });
    expect(error.message).toBe('no Entra token for the AKS API server (AuthenticationError)');
    expect(arm.calls).toHaveLength(1);
    arm.calls.length = 0;
    for (const bad of [{ subscriptionId: 'nope' }, { resourceGroup: 'rg/..' }, { cluster: '-x' }])
      expect((await kubeError(credentials().kubeConfig({ ...TARGET, ...bad }))).code).toBe('invalid');
    expect(arm.calls.length).toBe(0);
  });
});
