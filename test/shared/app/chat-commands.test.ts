import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FileConfigSource } from '../../../shared/adapters/config-file.js';
import { chatIdentity, runChatCommand } from '../../../shared/app/chat-commands.js';
import type { Principal } from '../../../shared/app/principal.js';
import { loadConfig } from '../../../shared/config/load.js';
import type { DeploymentRecord, ReleaseRecord } from '../../../shared/domain/deployment.js';
import type { ChatInbound, ChatUserLookup } from '../../../shared/ports/chat.js';
import type { Ports } from '../../../shared/ports/index.js';
import type { OrchestrationControl } from '../../../shared/ports/orchestration-control.js';
import { MemoryRunStore } from '../../fakes/memory-run-store.js';

/**
 * The chat application service over the in-memory store: which principal a Slack user becomes, and what
 * each command answers. The approval policy end to end (and Slack's wire) is in test/e2e/chat-slack.test.ts.
 */
const CHAT = `
chat:
  principals:
    - { email: ada@hearloveen.io, name: ada, groups: [devops-team], roles: [Gantry.Operator, Gantry.Approver] }
    - { domain: hearloveen.io, roles: [Gantry.Reader] }
`;
const config = new FileConfigSource(
  loadConfig(`${readFileSync('config/gantry.example.yaml', 'utf8')}${CHAT}`, 'gantry.yaml'),
);
const AT = '2026-01-05T12:00:00.000Z';
const ID = 'apigateway-9f2c1d0e8b7a';

class Directory implements ChatInbound {
  constructor(private readonly users: Record<string, ChatUserLookup>) {}
  async lookupUser(userId: string): Promise<ChatUserLookup> {
    return this.users[userId] ?? { kind: 'not-found' };
  }
  async reply(): Promise<void> {}
}

function setup() {
  const store = new MemoryRunStore();
  const started: Array<{ name: string; instanceId: string }> = [];
  const control: OrchestrationControl = {
    ensureLane: async () => {},
    raise: async () => 'accepted',
    start: async (name, instanceId) => (started.push({ name, instanceId }), 'started'),
    status: async () => undefined,
  };
  const chatInbound = new Directory({
    U0ADA: { kind: 'found', email: 'Ada@Hearloveen.io' },
    U0RITA: { kind: 'found', email: 'rita@hearloveen.io' },
    U0EVE: { kind: 'found', email: 'eve@elsewhere.example' },
    U0BOT: { kind: 'no-email' },
  });
  const ports = { config, store, chatInbound } as unknown as Ports;
  return { store, control, started, ports };
}

async function principalOf(ports: Ports, userId: string): Promise<Principal> {
  const identity = await chatIdentity(ports, userId);
  if (identity.kind !== 'mapped') throw new Error(identity.reply.text);
  return identity.principal;
}

const release = (n: number): ReleaseRecord => ({
  service: 'ApiGateway',
  environment: 'production',
  deploymentId: `apigateway-${String(n).repeat(12)}`,
  image: {
    registry: 'hearloveen.azurecr.io',
    repository: 'api-gateway',
    tag: `1.0.${n}`,
    digest: `sha256:${String(n).repeat(64)}`,
  },
  releasedAt: `2026-01-0${n}T09:00:00.000Z`,
});

describe('chatIdentity', () => {
  it('maps a user by the e-mail Slack vouches for', async () => {
    const { ports } = setup();
    expect(await principalOf(ports, 'U0ADA')).toEqual({
      name: 'ada',
      id: 'ada@hearloveen.io',
      groups: ['devops-team'],
      roles: ['Gantry.Reader', 'Gantry.Operator', 'Gantry.Approver'],
      source: 'slack',
    });
    expect((await principalOf(ports, 'U0RITA')).roles).toEqual(['Gantry.Reader']);
  });

  it.each([
    ['U0EVE', /^eve@elsewhere\.example is not mapped to a Gantry principal/],
    ['U0BOT', /no e-mail address.*users:read\.email/],
    ['U0GONE', /^Slack does not know user U0GONE/],
  ])('refuses %s with an ephemeral explanation', async (userId, text) => {
    const identity = await chatIdentity(setup().ports, userId);
    expect(identity).toEqual({
      kind: 'refused',
      reply: { response_type: 'ephemeral', text: expect.stringMatching(text) },
    });
  });

  it('is a 503 without Slack configured', async () => {
    const ports = { config, store: new MemoryRunStore() } as unknown as Ports;
    await expect(chatIdentity(ports, 'U0ADA')).rejects.toMatchObject({
      status: 503,
      code: 'slack-not-configured',
    });
  });
});

describe('runChatCommand', () => {
  it('answers help and status (never released, nothing in flight) to a reader', async () => {
    const { ports, control } = setup();
    const rita = await principalOf(ports, 'U0RITA');
    const help = await runChatCommand(ports, control, { principal: rita, command: { kind: 'help' }, at: AT });
    expect(help.text).toContain('Usage: /gantry');
    const status = await runChatCommand(ports, control, {
      principal: rita,
      command: { kind: 'status', service: 'api-gateway' },
      at: AT,
    });
    expect(status).toEqual({
      response_type: 'ephemeral',
      text: '*ApiGateway*\nproduction: never released\nin flight: nothing',
    });
  });

  it('refuses a reader every action, naming the role and where to get it', async () => {
    const { ports, control } = setup();
    const rita = await principalOf(ports, 'U0RITA');
    for (const command of [
      { kind: 'approve', id: ID },
      { kind: 'abort', id: ID },
      { kind: 'rollback', environment: 'production', service: 'api-gateway', comment: 'x' },
    ] as const) {
      const reply = await runChatCommand(ports, control, { principal: rita, command, at: AT });
      expect(reply.response_type).toBe('ephemeral');
      expect(reply.text).toMatch(
        /^Refused \(role-required\): .* needs the Gantry\.(Approver|Operator) role.*chat\.principals/,
      );
    }
  });

  it('refuses approving a deployment that does not exist', async () => {
    const { ports, control } = setup();
    const ada = await principalOf(ports, 'U0ADA');
    const reply = await runChatCommand(ports, control, {
      principal: ada,
      command: { kind: 'approve', id: ID },
      at: AT,
    });
    expect(reply.text).toMatch(/^Refused \(deployment-not-found\)/);
  });

  it('aborts a queued deployment: it is taken off the queue, the reason saying it came from Slack', async () => {
    const { ports, control, store } = setup();
    const ada = await principalOf(ports, 'U0ADA');
    const { image } = release(1);
    const queued: DeploymentRecord = {
      id: ID,
      service: 'ApiGateway',
      image,
      state: 'Queued',
      source: 'manual',
      createdAt: AT,
      updatedAt: AT,
      weight: 0,
    };
    await store.createDeployment(queued);
    await store.enqueue({
      service: 'ApiGateway',
      digest: image.digest,
      deploymentId: ID,
      state: 'queued',
      enqueuedAt: AT,
    });
    const reply = await runChatCommand(ports, control, {
      principal: ada,
      command: { kind: 'abort', id: ID },
      at: AT,
    });
    expect(reply).toEqual({
      response_type: 'in_channel',
      text: `ada aborted ${ID}; the run is rolling back.`,
    });
    expect(await store.getDeployment('ApiGateway', ID)).toMatchObject({
      state: 'Cancelled',
      reason: 'abort by ada: aborted (via Slack)',
    });
  });

  it('rolls production back to the previous release through rollback.ts, and refuses staging', async () => {
    const { ports, control, store, started } = setup();
    const ada = await principalOf(ports, 'U0ADA');
    await store.recordRelease(release(1));
    await store.recordRelease(release(2));
    const staging = await runChatCommand(ports, control, {
      principal: ada,
      command: { kind: 'rollback', environment: 'staging', service: 'api-gateway', comment: 'x' },
      at: AT,
    });
    expect(staging.text).toMatch(/^Refused \(unsupported-environment\)/);
    expect(started).toEqual([]);
    const reply = await runChatCommand(ports, control, {
      principal: ada,
      command: {
        kind: 'rollback',
        environment: 'production',
        service: 'api-gateway',
        comment: 'p95 doubled',
      },
      at: AT,
    });
    expect(reply.text).toBe(
      `ada is rolling ApiGateway back from ${release(2).deploymentId} to ${release(1).deploymentId}: p95 doubled`,
    );
    expect(started).toEqual([{ name: expect.any(String), instanceId: 'rollback:ApiGateway' }]);
    const audit = (await store.listEvents(release(1).deploymentId)).find((e) => e.title === 'rollback:to');
    expect(audit).toMatchObject({
      actor: 'ada',
      comment: 'p95 doubled (via Slack)',
      evidence: { principalSource: 'slack' },
    });
  });

  it('throws what is not a refusal, for the caller to log', async () => {
    const { ports, control } = setup();
    const ada = await principalOf(ports, 'U0ADA');
    const store = Object.create(ports.store) as MemoryRunStore;
    store.listQueue = () => Promise.reject(new Error('storage down'));
    const broken = { ...ports, store };
    await expect(
      runChatCommand(broken, control, {
        principal: ada,
        command: { kind: 'status', service: 'ApiGateway' },
        at: AT,
      }),
    ).rejects.toThrow('storage down');
  });
});
