import { exampleWithoutRingsFile } from '../fixtures/example-config.js';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAzurite, type AzuriteHandle } from '../../devhost/durable/azurite.js';
import { startTestHost } from '../../devhost/testing.js';
import { PORTS_OVERRIDE } from '../../shared/composition.js';
import { phaseInstanceId } from '../../shared/contracts/events.js';
import type { TimelineEntry } from '../../shared/domain/deployment.js';
import type { Ports } from '../../shared/ports/index.js';
import { processRedactor, TELEMETRY_OVERRIDE } from '../../shared/telemetry/registry.js';
import { canaryVerdicts } from '../../shared/telemetry/signals.js';
import { FakeWorld, worldPorts } from '../fakes/world.js';
import { MemoryOtel, type Point } from '../shared/telemetry/memory-otel.js';
import { ada, digest, PipelineHarness, principalHeaders } from './pipeline-harness.js';

/**
 * The compiled app in the dev host with telemetry recorded in memory (through the test seam, as the
 * ports are), so what the activity dispatcher records for a real pipeline run can be checked.
 */
const IMAGE = (d: string) => `hearloveen.azurecr.io/api-gateway:1.4.0@${d}`;
const MONDAY_10 = Date.UTC(2026, 0, 5, 10, 0, 0);
/** A configured secret: set like the Argo CD token is in Azure, so it must never reach telemetry. */
const SECRET = `argocd-${randomBytes(12).toString('hex')}`;
type Globals = Record<symbol, unknown>;

let azurite: AzuriteHandle;
let h: PipelineHarness;
let otel: MemoryOtel;
let logs: string[];

beforeAll(async () => {
  azurite = await startAzurite({ location: undefined });
});
afterAll(async () => {
  await azurite?.stop();
});

beforeEach(async () => {
  process.env.GANTRY_STORAGE = azurite.connectionString;
  process.env.GANTRY_CONFIG_PATH = exampleWithoutRingsFile();
  process.env.GANTRY_TABLE_PREFIX = `T${randomBytes(4).toString('hex')}`;
  process.env.GANTRY_DEV_PRINCIPAL = '';
  process.env.GANTRY_ARGOCD_TOKEN = SECRET;
  delete process.env.APPLICATIONINSIGHTS_CONNECTION_STRING;
  otel = new MemoryOtel();
  // The app's composition root adds the configured secrets to this same process-wide redactor.
  (globalThis as Globals)[TELEMETRY_OVERRIDE] = otel.telemetry(processRedactor());
  const world = new FakeWorld();
  (globalThis as Globals)[PORTS_OVERRIDE] = {
    ...worldPorts(world),
  } satisfies Partial<Ports>;
  logs = [];
  const host = await startTestHost({
    appDir: '.',
    store: 'memory',
    startTime: MONDAY_10,
    logger: (level, ...args) => logs.push(`${level} ${args.map(String).join(' ')}`),
  });
  h = new PipelineHarness(host, world);
});

afterEach(async () => {
  await h?.host.close();
  delete (globalThis as Globals)[PORTS_OVERRIDE];
  delete (globalThis as Globals)[TELEMETRY_OVERRIDE];
  delete process.env.GANTRY_ARGOCD_TOKEN;
  await otel.shutdown();
});

async function toCanary(id: string): Promise<void> {
  await h.waitForPhase(id, 'tests', 'test workflows');
  for (const { workflow } of h.world.dispatched) {
    const url = `/runtime/webhooks/durabletask/instances/${encodeURIComponent(phaseInstanceId(id, 'tests'))}/raiseEvent/testResult`;
    const body = JSON.stringify({ workflow, conclusion: 'success' });
    const res = await h.host.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(202);
  }
  await h.waitForPhase(id, 'approval', 'approval');
  const approve = await h.host.request(`/api/deployments/${id}/approve`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...principalHeaders(ada) },
    body: JSON.stringify({ comment: 'ok' }),
  });
  expect(approve.status).toBe(202);
}

const activitySpans = () => otel.spans().filter((s) => s.name.startsWith('activity '));

/** Seconds spent in each stage, from the transitions in the timeline. */
function stageSeconds(timeline: TimelineEntry[]): Map<string, number> {
  const transitions = timeline.filter((e) => e.kind === 'transition');
  const out = new Map<string, number>();
  transitions.slice(1).forEach((e, i) => {
    const from = e.title.split('->')[0] ?? '';
    out.set(from, (Date.parse(e.at) - Date.parse(transitions[i]?.at ?? '')) / 1000);
  });
  return out;
}

describe('telemetry of a pipeline run (dev host, compiled app)', () => {
  it('records activity spans and the metrics the timeline stands for', async () => {
    // Success rate drops to 90% whenever the canary takes traffic: the canary is rolled back.
    h.world.metric = (q, w) => (q.template.includes('duration') ? 200 : w.weight > 0 ? 90 : 99.9);
    const d = await h.submit('ApiGateway', IMAGE(digest()));
    await toCanary(d.id);
    const view = await h.finish(d.id);
    expect(view.deployment.state).toBe('RolledBack');

    // Every activity ran in a span naming its deployment and service (lane activities: the service).
    const spans = activitySpans();
    const names = new Set(spans.map((s) => s.attributes['gantry.activity']));
    for (const n of ['takeNext', 'record', 'deployImage', 'setWeight', 'analyse', 'scale'])
      expect(names).toContain(n);
    for (const s of spans) {
      expect(s.name).toBe(`activity ${String(s.attributes['gantry.activity'])}`);
      expect(s.attributes['gantry.service'], s.name).toBe('ApiGateway');
      expect(s.attributes['gantry.outcome'], s.name).toBe('success');
      if (String(s.attributes['gantry.instance.id']).startsWith('deploy:')) {
        expect(s.attributes['gantry.deployment.id'], s.name).toBe(d.id);
      }
    }

    // Canary verdicts: exactly the ones the timeline's check entries hold, by metric, verdict and mode.
    const expected = new Map<string, number>();
    for (const v of view.timeline.flatMap(canaryVerdicts)) {
      const key = `${v.metric}/${v.verdict}/${v.mode}`;
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    const attr = (p: Point, k: string) => String(p.attributes[`gantry.${k}`]);
    const verdicts = await otel.points('gantry.canary.verdicts');
    const recorded = new Map(
      verdicts.map((p) => [`${attr(p, 'metric')}/${attr(p, 'verdict')}/${attr(p, 'check.mode')}`, p.value]),
    );
    expect(recorded).toEqual(expected);
    expect([...recorded.keys()].some((k) => k.includes('/fail/'))).toBe(true);

    const svc = { 'gantry.service': 'ApiGateway' };
    expect(await otel.points('gantry.deployment.outcomes')).toEqual([
      expect.objectContaining({ value: 1, attributes: { ...svc, 'gantry.outcome': 'RolledBack' } }),
    ]);
    expect(await otel.points('gantry.rollbacks')).toEqual([
      expect.objectContaining({ value: 1, attributes: { ...svc, 'gantry.stage': 'Canary' } }),
    ]);

    // Stage durations: one per stage left, each the time between its transitions in the timeline.
    const durations = await otel.points('gantry.stage.duration');
    const byStage = new Map(durations.map((p) => [String(p.attributes['gantry.stage']), p.value]));
    expect(byStage).toEqual(stageSeconds(view.timeline));
    expect(byStage.get('AwaitingApproval')).toBeGreaterThan(0);

    // Structured logs through the invocation context: one per activity, with the same attributes.
    const completed = logs.filter((l) => / activity \w+ completed \{/.test(l));
    expect(completed).toHaveLength(spans.length);
    const parsed = completed.map((l) => JSON.parse(l.slice(l.indexOf('{'))) as Record<string, unknown>);
    expect(parsed.filter((p) => p['gantry.deployment.id'] === d.id).length).toBeGreaterThan(10);

    // No connection string: Azure Monitor was never loaded, nothing was registered globally.
    const cache = createRequire(__filename).cache;
    expect(Object.keys(cache).filter((k) => k.includes('@azure/monitor-opentelemetry'))).toEqual([]);
    const api = (globalThis as Globals)[Symbol.for('opentelemetry.js.api.1')] as
      Record<string, unknown> | undefined;
    expect(api?.trace).toBeUndefined();
    expect(api?.metrics).toBeUndefined();
    expect(Object.keys(cache).some((k) => k.endsWith(`dist/shared/telemetry/instrument.js`))).toBe(true);
  });

  it('records an activity that keeps failing as error spans with its code, and no secret anywhere', async () => {
    const ports = (globalThis as Globals)[PORTS_OVERRIDE] as Partial<Ports>;
    const world = h.world;
    // A broken router whose error carries the configured secret (adapters must not do this; telemetry
    // must not leak it when one does).
    ports.router = {
      setWeight: (target, router, weight) =>
        weight > 0
          ? Promise.reject(
              Object.assign(new Error(`admission webhook denied token ${SECRET}`), {
                code: 'router-refused',
              }),
            )
          : world.setWeight(target, router, weight),
      readWeight: () => world.readWeight(),
    };
    const d = await h.submit('ApiGateway', IMAGE(digest()));
    await toCanary(d.id);
    const view = await h.finish(d.id);
    expect(view.deployment.state).toBe('RolledBack');

    const failed = activitySpans().filter((s) => s.attributes['gantry.outcome'] === 'error');
    expect(failed.length).toBeGreaterThanOrEqual(2); // retried by the orchestration
    for (const s of failed) {
      expect(s.name).toBe('activity setWeight');
      expect(s.attributes).toMatchObject({
        'gantry.error.code': 'router-refused',
        'gantry.deployment.id': d.id,
        'gantry.service': 'ApiGateway',
      });
      expect(s.events.find((e) => e.name === 'exception')?.attributes?.['exception.message']).toBe(
        'admission webhook denied token [redacted]',
      );
    }
    const warnings = logs.filter((l) => / activity setWeight failed \{/.test(l));
    expect(warnings).toHaveLength(failed.length);
    expect(warnings[0]).toContain('"gantry.error.code":"router-refused"');

    const exported = JSON.stringify(
      otel.spans().map((s) => ({ a: s.attributes, e: s.events, st: s.status })),
    );
    expect(exported).not.toContain(SECRET);
    expect(logs.join('\n')).not.toContain(SECRET);
    expect(await otel.points('gantry.rollbacks')).toEqual([
      expect.objectContaining({
        value: 1,
        attributes: { 'gantry.service': 'ApiGateway', 'gantry.stage': 'Canary' },
      }),
    ]);
  });
});
