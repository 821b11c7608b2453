import { describe, expect, it } from 'vitest';
import { FileConfigSource } from '../../../shared/adapters/config-file.js';
import { callerFrom, describeCaller } from '../../../shared/app/caller.js';
import type { Principal } from '../../../shared/app/principal.js';
import { trustFor } from '../../../shared/app/trust.js';
import type { Role } from '../../../shared/domain/roles.js';
import type { DeploymentRecord, DeploymentState } from '../../../shared/domain/deployment.js';
import type { Ports } from '../../../shared/ports/index.js';
import { MemoryRunStore } from '../../fakes/memory-run-store.js';

const AT = '2026-01-05T10:00:00.000Z';
const ID = 'apigateway-0123456789ab';
const ALL_ROLES: Role[] = ['Gantry.Reader', 'Gantry.Operator', 'Gantry.Approver'];
const user = (name: string, groups: string[], roles: Role[] = ALL_ROLES): Principal => ({
  name,
  groups,
  roles,
  source: 'app-service',
});
const ada = user('ada', ['devops-team']);

async function world(state: DeploymentState, requested = true): Promise<Ports> {
  const store = new MemoryRunStore();
  const deployment: DeploymentRecord = {
    id: ID,
    service: 'ApiGateway',
    image: {
      registry: 'hearloveen.azurecr.io',
      repository: 'api-gateway',
      tag: '2.1.0',
      digest: `sha256:0123456789ab${'c'.repeat(52)}`,
    },
    state,
    source: 'manual',
    pushedBy: 'ci-bot',
    createdAt: AT,
    updatedAt: AT,
    weight: 0,
  };
  await store.createDeployment(deployment);
  if (requested)
    await store.appendEvent({
      deploymentId: ID,
      seq: Date.parse(AT) * 1000 + 400,
      at: AT,
      kind: 'decision',
      title: 'approval:required',
      evidence: {
        kind: 'required',
        reviewers: ['devops-team', 'tech-lead'],
        minApprovers: 1,
        waitTimerMs: 1_800_000,
        expiryMs: 86_400_000,
        forbidSelfApproval: true,
      },
    });
  return { store, config: FileConfigSource.load('config/gantry.example.yaml') } as unknown as Ports;
}

const allowed = (view: Awaited<ReturnType<typeof describeCaller>>) =>
  Object.entries(view.deployment?.actions ?? {})
    .filter(([, p]) => p.allowed)
    .map(([a]) => a);

describe('describeCaller', () => {
  it('names the caller and the server time, with no deployment asked about', async () => {
    const view = await describeCaller(await world('Canary'), { principal: ada, at: AT });
    expect(view).toEqual({
      authenticated: true,
      principal: { name: 'ada', groups: ['devops-team'], roles: ALL_ROLES, source: 'app-service' },
      serverTime: AT,
    });
  });

  it('answers anyone about themselves, but a deployment only to a signed-in reader', async () => {
    const ports = await world('Canary');
    const nobody = user('nobody', ['devops-team'], []);
    expect(await describeCaller(ports, { principal: nobody, at: AT })).toMatchObject({
      principal: { roles: [] },
    });
    await expect(
      describeCaller(ports, { principal: nobody, deploymentId: ID, at: AT }),
    ).rejects.toMatchObject({
      status: 403,
      code: 'role-required',
      details: { role: 'Gantry.Reader' },
    });
    await expect(describeCaller(ports, { principal: null, deploymentId: ID, at: AT })).rejects.toMatchObject({
      status: 401,
      code: 'unauthenticated',
    });
  });

  it.each<[string, Principal | null, DeploymentState, boolean, string[]]>([
    ['a reviewer, request open', ada, 'AwaitingApproval', true, ['approve', 'reject', 'cancel', 'abort']],
    [
      'the pusher, in a reviewer group',
      user('ci-bot', ['devops-team']),
      'AwaitingApproval',
      true,
      ['reject', 'cancel', 'abort'],
    ],
    [
      'someone outside the reviewer groups',
      user('mallory', ['marketing']),
      'AwaitingApproval',
      true,
      ['cancel', 'abort'],
    ],
    ['a reviewer before the request is recorded', ada, 'AwaitingApproval', false, ['cancel', 'abort']],
    ['a reviewer during the canary', ada, 'Canary', true, ['cancel', 'abort', 'skip-analysis']],
    ['anyone after the end', ada, 'Succeeded', true, []],
    ['a reader only', user('rita', ['devops-team'], ['Gantry.Reader']), 'AwaitingApproval', true, []],
    [
      'a reviewer who is an approver, not an operator',
      user('ada', ['devops-team'], ['Gantry.Reader', 'Gantry.Approver']),
      'AwaitingApproval',
      true,
      ['approve', 'reject'],
    ],
  ])('%s may do: %j', async (_who, principal, state, requested, actions) => {
    const view = await describeCaller(await world(state, requested), { principal, deploymentId: ID, at: AT });
    expect(view.deployment).toMatchObject({ id: ID, state });
    expect(allowed(view)).toEqual(actions);
  });

  it('explains a refusal in the policy’s words', async () => {
    const view = await describeCaller(await world('AwaitingApproval'), {
      principal: user('mallory', ['marketing']),
      deploymentId: ID,
      at: AT,
    });
    expect(view.deployment?.actions.approve.reason).toMatch(
      /^not-a-reviewer: mallory is not in any reviewer group/,
    );
  });

  it.each([
    ['not a deployment id', 'ApiGateway; drop', 400, 'invalid-parameter'],
    ['an unknown deployment', 'apigateway-ffffffffffff', 404, 'deployment-not-found'],
  ])('refuses %s', async (_what, deploymentId, status, code) => {
    await expect(
      describeCaller(await world('Canary'), { principal: ada, deploymentId, at: AT }),
    ).rejects.toMatchObject({
      status,
      code,
    });
  });
});

describe('callerFrom', () => {
  const headers = (h: Record<string, string>) => ({ get: (n: string) => h[n.toLowerCase()] ?? null });
  const devHost = trustFor({ azureMarkers: [], appServiceAuth: false, development: true });

  it('is nobody without any identity, and the development principal when configured', () => {
    expect(callerFrom(headers({}), undefined, devHost)).toBeNull();
    expect(callerFrom(headers({}), '{"name":"dev","groups":["devops-team"]}', devHost)).toMatchObject({
      name: 'dev',
    });
  });

  it('is a 503, not nobody, where no identity can be believed', () => {
    const open = trustFor({ azureMarkers: ['WEBSITE_SITE_NAME'], appServiceAuth: false, development: false });
    expect(() => callerFrom(headers({}), undefined, open)).toThrow(expect.objectContaining({ status: 503 }));
  });

  it('still refuses a malformed App Service principal with 401', () => {
    expect(() => callerFrom(headers({ 'x-ms-client-principal': '%%%' }), undefined, devHost)).toThrow(
      expect.objectContaining({ status: 401, code: 'invalid-principal' }),
    );
  });
});
