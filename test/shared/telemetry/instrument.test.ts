import { InvocationContext } from '@azure/functions';
import { SpanStatusCode } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { record } from '../../../shared/activities/record.js';
import { NoopNotifier } from '../../../shared/adapters/service-bus.js';
import type { RecordInput } from '../../../shared/contracts/activities.js';
import type { DeploymentRecord } from '../../../shared/domain/deployment.js';
import type { Ports } from '../../../shared/ports/index.js';
import type { Telemetry } from '../../../shared/ports/telemetry.js';
import { instrumentActivity, logLine, type ActivityHandler } from '../../../shared/telemetry/instrument.js';
import { Redactor, REDACTED } from '../../../shared/telemetry/redact.js';
import { MemoryRunStore } from '../../fakes/memory-run-store.js';
import { MemoryOtel } from './memory-otel.js';

const SECRET = 'kv-argocd-token-0123456789';
const ID = 'apigateway-0123456789ab';
const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

let otel: MemoryOtel;
let telemetry: Telemetry;
let redactor: Redactor;
let store: MemoryRunStore;
let ports: Ports;
let logs: Array<{ level: string; line: string }>;

beforeEach(async () => {
  otel = new MemoryOtel();
  redactor = new Redactor([SECRET]);
  telemetry = otel.telemetry(redactor);
  store = new MemoryRunStore();
  ports = {
    store,
    notifier: new NoopNotifier(),
    config: { services: () => ['ApiGateway', 'Audio'], plan: () => undefined },
  } as unknown as Ports;
  logs = [];
  const deployment: DeploymentRecord = {
    id: ID,
    service: 'ApiGateway',
    image: { registry: 'r.azurecr.io', repository: 'api-gateway', digest: `sha256:${'0'.repeat(64)}` },
    state: 'Canary',
    source: 'manual',
    createdAt: at(0),
    updatedAt: at(0),
    weight: 10,
  };
  await store.createDeployment(deployment);
  await store.appendEvent({
    deploymentId: ID,
    seq: 1,
    at: at(600),
    kind: 'transition',
    title: 'AwaitingApproval->Canary',
  });
});
afterEach(async () => {
  await otel.shutdown();
});

function invocation(instanceId: string, traceParent?: string): InvocationContext {
  return new InvocationContext({
    invocationId: 'inv-1',
    functionName: 'activity',
    triggerMetadata: { instanceId },
    traceContext: { traceParent, traceState: '', attributes: {} },
    logHandler: (level, ...args) => logs.push({ level, line: args.map(String).join(' ') }),
  });
}

function wrap(name: string, handler: ActivityHandler, getPorts = async () => ports) {
  return instrumentActivity(name, handler, { ports: getPorts, telemetry: async () => telemetry, redactor });
}

/** The JSON attributes of a structured log line. */
const logged = (line: string | undefined): Record<string, unknown> =>
  JSON.parse((line ?? '').slice((line ?? '').indexOf('{'))) as Record<string, unknown>;

const rollback: RecordInput = {
  deploymentId: ID,
  service: 'ApiGateway',
  entry: { seq: 2, at: at(900), kind: 'transition', title: 'Canary->RolledBack', comment: 'checks failed' },
  transition: { to: 'RolledBack', reason: '5 failed checks reached the threshold' },
};

describe('instrumentActivity', () => {
  it('runs the activity in a span with its deployment, service and outcome, and records its metrics', async () => {
    const out = (await wrap('record', record as ActivityHandler)(
      rollback,
      invocation(`deploy:${ID}`),
    )) as DeploymentRecord;
    expect(out.state).toBe('RolledBack');

    const [span] = otel.spans('activity record');
    expect(span?.attributes).toEqual({
      'gantry.activity': 'record',
      'gantry.deployment.id': ID,
      'gantry.service': 'ApiGateway',
      'gantry.instance.id': `deploy:${ID}`,
      'faas.invocation_id': 'inv-1',
      'gantry.outcome': 'success',
    });
    const svc = { 'gantry.service': 'ApiGateway' };
    expect(await otel.points('gantry.deployment.outcomes')).toEqual([
      expect.objectContaining({ value: 1, attributes: { ...svc, 'gantry.outcome': 'RolledBack' } }),
    ]);
    expect(await otel.points('gantry.rollbacks')).toEqual([
      expect.objectContaining({ value: 1, attributes: { ...svc, 'gantry.stage': 'Canary' } }),
    ]);
    // Canary entered at 600 s (in the stored timeline), left at 900 s.
    expect(await otel.points('gantry.stage.duration')).toEqual([
      expect.objectContaining({
        value: 300,
        count: 1,
        attributes: { ...svc, 'gantry.stage': 'Canary', 'gantry.stage.next': 'RolledBack' },
      }),
    ]);
    expect(logs.map((l) => l.level)).toEqual(['information']);
    expect(logs[0]?.line).toMatch(/^activity record completed \{/);
    expect(logged(logs[0]?.line)).toMatchObject({ 'gantry.deployment.id': ID, 'gantry.outcome': 'success' });
  });

  it('names the service of a phase activity from its instance id and the configuration', async () => {
    const setWeight: ActivityHandler = async (_p, input) => (input as { weight: number }).weight;
    expect(await wrap('setWeight', setWeight)({ weight: 10 }, invocation(`deploy:${ID}:canary`))).toBe(10);
    expect(otel.spans('activity setWeight')[0]?.attributes).toMatchObject({
      'gantry.deployment.id': ID,
      'gantry.service': 'ApiGateway',
    });
  });

  it('records an activity that throws as an error span with its code and no secret, and rethrows it', async () => {
    const error = Object.assign(
      new Error(`admission webhook refused: Authorization: Bearer ${SECRET} (token ${SECRET})`),
      { code: 'router-refused' },
    );
    const failing: ActivityHandler = () => Promise.reject(error);
    const input = { weight: 10, note: 'inputs are never logged' };
    const thrown = await wrap('setWeight', failing)(input, invocation(`deploy:${ID}:canary`)).catch(
      (e: unknown) => e,
    );
    expect(thrown).toBe(error);

    const [span] = otel.spans('activity setWeight');
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.attributes).toMatchObject({
      'gantry.outcome': 'error',
      'gantry.error.code': 'router-refused',
      'gantry.deployment.id': ID,
    });
    const everything = JSON.stringify({ a: span?.attributes, e: span?.events, s: span?.status, logs });
    expect(everything).not.toContain(SECRET);
    expect(everything).toContain(REDACTED);

    expect(logs.map((l) => l.level)).toEqual(['warning']);
    expect(logs[0]?.line).toMatch(/^activity setWeight failed \{/);
    expect(logged(logs[0]?.line)).toMatchObject({
      'gantry.error.code': 'router-refused',
      'gantry.outcome': 'error',
    });
    expect(logs[0]?.line).not.toContain('inputs are never logged');
    // A failed attempt counts nothing: its retry will.
    expect(await otel.points('gantry.deployment.outcomes')).toEqual([]);
  });

  it('keeps the activity result when its metrics cannot be derived, and says so', async () => {
    store.listEvents = () =>
      Promise.reject(Object.assign(new Error('table down'), { code: 'storage-error' }));
    const out = (await wrap('record', record as ActivityHandler)(
      rollback,
      invocation(`deploy:${ID}`),
    )) as DeploymentRecord;
    expect(out.state).toBe('RolledBack');
    expect(otel.spans('activity record')[0]?.attributes['gantry.outcome']).toBe('success');
    expect(logs.map((l) => [l.level, l.line.split(' {')[0]])).toEqual([
      ['warning', 'telemetry: metrics not recorded'],
      ['information', 'activity record completed'],
    ]);
    expect(logged(logs[0]?.line)).toMatchObject({ 'gantry.error.code': 'storage-error' });
  });

  it('counts deployments a lane superseded', async () => {
    const takeNext: ActivityHandler = async () => ({ superseded: ['apigateway-aaaaaaaaaaaa'] });
    await wrap('takeNext', takeNext)({ service: 'ApiGateway', at: at(0) }, invocation('lane:ApiGateway'));
    expect(await otel.points('gantry.deployment.outcomes')).toEqual([
      expect.objectContaining({
        value: 1,
        attributes: { 'gantry.service': 'ApiGateway', 'gantry.outcome': 'Superseded' },
      }),
    ]);
  });

  it('records a failure to build the ports as a failed span', async () => {
    const handler: ActivityHandler = async () => 'never';
    const broken = wrap('syncStatus', handler, () =>
      Promise.reject(Object.assign(new Error('bad settings'), { code: 'settings-invalid' })),
    );
    await expect(broken({ app: 'a' }, invocation(`deploy:${ID}:staging`))).rejects.toThrow('bad settings');
    expect(otel.spans('activity syncStatus')[0]?.attributes['gantry.error.code']).toBe('settings-invalid');
  });

  it("joins the host's trace from the invocation's traceparent", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await wrap('syncStatus', async () => 'ok')(
      { app: 'a' },
      invocation(`deploy:${ID}:staging`, `00-${traceId}-00f067aa0ba902b7-01`),
    );
    const [span] = otel.spans('activity syncStatus');
    expect(span?.spanContext().traceId).toBe(traceId);
    expect(span?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
  });
});

describe('logLine', () => {
  it('is the redacted message then the redacted attributes as JSON', () => {
    const line = logLine(
      `failed with ${SECRET}`,
      { 'gantry.service': 'web', authorization: 'x', none: undefined },
      redactor,
    );
    expect(line).toBe(`failed with ${REDACTED} {"gantry.service":"web","authorization":"${REDACTED}"}`);
  });
});
