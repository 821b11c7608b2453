import { describe, expect, it } from 'vitest';
import { FileConfigSource } from '../../../shared/adapters/config-file.js';
import type { InboundAlert } from '../../../shared/alerts/alert.js';
import { handleAlerts } from '../../../shared/app/alerts.js';
import { ROLLBACK_ORCHESTRATION } from '../../../shared/contracts/rollback.js';
import type { DeploymentRecord, DeploymentState, ReleaseRecord } from '../../../shared/domain/deployment.js';
import type { Ports } from '../../../shared/ports/index.js';
import type { Notification } from '../../../shared/ports/notifier.js';
import type { OrchestrationControl } from '../../../shared/ports/orchestration-control.js';
import { MemoryRunStore } from '../../fakes/memory-run-store.js';

const config = FileConfigSource.load('config/gantry.example.yaml');
const NOW = Date.parse('2026-01-05T12:00:00.000Z');
const ago = (min: number) => new Date(NOW - min * 60_000).toISOString();
const image = (n: number) => ({
  registry: 'hearloveen.azurecr.io',
  repository: 'api-gateway',
  tag: `1.0.${n}`,
  digest: `sha256:${String(n).repeat(64).slice(0, 64)}`,
});

function setup(pipelineStatus?: string) {
  const store = new MemoryRunStore();
  const notifications: Notification[] = [];
  const started: Array<[string, string]> = [];
  const raised: string[] = [];
  const control: OrchestrationControl = {
    ensureLane: async () => undefined,
    start: async (name, id) => (started.push([name, id]), 'started'),
    raise: async (id) => (raised.push(id), 'accepted'),
    status: async (id) =>
      id.startsWith('deploy:') && pipelineStatus
        ? { runtimeStatus: pipelineStatus, customStatus: null }
        : undefined,
  };
  const ports = {
    config,
    store,
    clock: { now: () => NOW },
    notifier: { publish: async (n: Notification) => void notifications.push(n) },
  } as unknown as Ports;
  return { store, ports, control, notifications, started, raised };
}

async function release(env: ReturnType<typeof setup>, n: number, minutesAgo: number): Promise<ReleaseRecord> {
  const id = `apigateway-${String(n).repeat(12).slice(0, 12)}`;
  const record: DeploymentRecord = {
    ...{ id, service: 'ApiGateway', image: image(n), state: 'Succeeded', source: 'github' },
    ...{ createdAt: ago(minutesAgo + 30), updatedAt: ago(minutesAgo), weight: 0 },
  };
  await env.store.createDeployment(record);
  const r: ReleaseRecord = {
    service: 'ApiGateway',
    environment: 'production',
    deploymentId: id,
    image: image(n),
    releasedAt: ago(minutesAgo),
  };
  await env.store.recordRelease(r);
  return r;
}

async function running(env: ReturnType<typeof setup>, state: DeploymentState): Promise<string> {
  const id = 'apigateway-999999999999';
  await env.store.createDeployment({
    ...{ id, service: 'ApiGateway', image: image(9), state, source: 'github' },
    ...{ createdAt: ago(20), updatedAt: ago(1), weight: 10 },
  });
  await env.store.enqueue({
    service: 'ApiGateway',
    digest: image(9).digest,
    deploymentId: id,
    enqueuedAt: ago(20),
    state: 'running',
  });
  return id;
}

const alert = (over: Partial<InboundAlert> = {}): InboundAlert => ({
  source: 'alertmanager',
  id: 'aaaabbbbccccdddd',
  name: 'HighErrorRate',
  status: 'firing',
  labels: { alertname: 'HighErrorRate', namespace: 'hearloveen-prod', deployment: 'api-gateway' },
  annotations: { summary: 'errors', token: 'must-not-be-stored' },
  startsAt: ago(2),
  ...over,
});

describe('handleAlerts', () => {
  it('rolls a fresh release back once, then ignores the repeat; both on the timeline, in order', async () => {
    const env = setup();
    const [good, bad] = [await release(env, 1, 300), await release(env, 2, 10)];
    const [first] = await handleAlerts(env.ports, env.control, [alert()]);
    expect(first).toMatchObject({
      outcome: 'rolled-back',
      deploymentId: bad.deploymentId,
      instanceId: 'rollback:ApiGateway',
    });
    expect(env.started).toEqual([[ROLLBACK_ORCHESTRATION, 'rollback:ApiGateway']]);
    const [current] = await env.store.listReleases('ApiGateway', 'production', 1);
    expect([current?.deploymentId, current?.via]).toEqual([good.deploymentId, 'rollback']);
    const [repeat] = await handleAlerts(env.ports, env.control, [alert()]);
    expect([repeat?.outcome, repeat?.deploymentId]).toEqual(['ignored', good.deploymentId]);
    const entries = (await env.store.listEvents(bad.deploymentId)).filter((e) =>
      e.title.startsWith('alert:'),
    );
    expect(entries).toEqual([
      expect.objectContaining({
        seq: NOW * 1000 + 900,
        kind: 'decision',
        verdict: 'fail',
        actor: 'alertmanager',
      }),
    ]);
    // Annotation keys that name secrets are redacted like every other recorded evidence.
    expect(JSON.stringify(entries)).not.toContain('must-not-be-stored');
    expect(env.notifications.map((n) => [n.kind, n.title, n.deploymentId])).toEqual([
      ['incident', 'alert:rolled-back', bad.deploymentId],
    ]);
  });

  it('gives entries of one millisecond distinct seqs', async () => {
    const env = setup();
    const r = await release(env, 1, 10);
    const resolved = (id: string) => alert({ id, status: 'resolved' });
    await handleAlerts(env.ports, env.control, [resolved('01'), resolved('02')]);
    await handleAlerts(env.ports, env.control, [resolved('03')]);
    const seqs = (await env.store.listEvents(r.deploymentId)).map((e) => e.seq);
    expect(seqs).toEqual([NOW * 1000 + 900, NOW * 1000 + 901, NOW * 1000 + 902]);
    expect(env.notifications).toEqual([]); // ignored alerts only go on the timeline
  });

  it('aborts a canary through the stored interrupt, raised to the phases', async () => {
    const env = setup('Running');
    const id = await running(env, 'Canary');
    const [r] = await handleAlerts(env.ports, env.control, [
      alert({ labels: { ...alert().labels, deployment: 'api-gateway-canary' } }),
    ]);
    expect([r?.outcome, r?.deploymentId]).toEqual(['aborted', id]);
    const stored = await env.store.getDeployment('ApiGateway', id);
    expect(stored?.interrupts).toEqual([
      expect.objectContaining({
        kind: 'abort',
        actor: 'alertmanager',
        reason: expect.stringMatching(/^alert HighErrorRate firing since/),
      }),
    ]);
    expect(env.raised).toContain(`deploy:${id}:canary`);
  });

  it('reports an action the run no longer allows as refused, with the reason', async () => {
    const env = setup('Completed');
    await running(env, 'Verifying');
    const [r] = await handleAlerts(env.ports, env.control, [alert()]);
    expect([r?.outcome, r?.reason]).toEqual([
      'refused',
      expect.stringMatching(/refused: deployment-finished/),
    ]);
    expect(env.notifications.map((n) => n.title)).toEqual(['alert:refused']);
  });

  it('an alert no service matches: ignored, on no timeline', async () => {
    const env = setup();
    const r = await release(env, 1, 10);
    const [res] = await handleAlerts(env.ports, env.control, [alert({ labels: { namespace: 'other' } })]);
    expect(res).toMatchObject({ outcome: 'ignored', reason: expect.stringMatching(/^no matching service/) });
    expect(res?.service).toBeUndefined();
    expect(await env.store.listEvents(r.deploymentId)).toEqual([]);
  });
});
