/**
 * Runs complete happy-path pipelines through the compiled Gantry app (`dist/`) in the dev host: memory
 * task hub, virtual clock, in-process fakes for the outside systems and an in-memory RunStore, installed
 * through the app's test seam. Each pipeline is driven the way test/e2e/pipeline.test.ts drives one: over
 * HTTP, with the test host's waits skipping virtual time.
 */
import { appServicePrincipalHeaders } from '../../shared/app/principal.js';
import { randomBytes } from 'node:crypto';
import { PORTS_OVERRIDE } from '../../shared/composition.js';
import { PHASES, phaseInstanceId, pipelineInstanceId, type Phase } from '../../shared/contracts/events.js';
import {
  EventType,
  EventTypeName,
  TERMINAL_STATUSES,
  type InstanceState,
} from '../../devhost/durable/types.js';
import { startTestHost, type TestHost } from '../../devhost/testing.js';
import { exampleWithoutRingsFile } from '../../test/fixtures/example-config.js';
import { MemoryRunStore } from '../../test/fakes/memory-run-store.js';
import { FakeWorld, worldPorts } from '../../test/fakes/world.js';
import { collectGarbage, startStopwatch } from '../devhost/measure.js';
import { ORCHESTRATOR, installProbes, type Probes } from '../devhost/probes.js';
import type { StorageStub } from './storage-stub.js';
import { countingStore, type Counter } from '../ingest/counting.js';

/** Monday 10:00 UTC: business hours, so production waits for an approval (as in the e2e test). */
export const MONDAY_10 = Date.UTC(2026, 0, 5, 10, 0, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WORKFLOWS = ['integration', 'e2e', 'performance', 'security'];
const TRANSITIONS = 'Queued Gating Staging Testing AwaitingApproval Canary Promoting Verifying Succeeded';

export interface PipelineSample {
  wallMs: number;
  cpuMs: number;
  /** From the canary phase's first state to its completion (its 40 checks and the weight changes). */
  canaryCpuMs: number;
  /** Episodes (`OrchestratorStarted`) in the histories of the pipeline and its 7 phases. */
  episodes: number;
  /** Every orchestrator invocation in the interval, the service lane's included. */
  invocations: number;
  /** History events of the pipeline and its 7 phases. */
  historyEvents: number;
  canaryHistoryEvents: number;
  /** Activity functions executed in the interval (the lane's `takeNext` and `finishRun` included). */
  activities: number;
  /** Canary checks in the timeline (`check:<metric>`). */
  checks: number;
  /** Virtual time the pipeline took. */
  virtualMinutes: number;
  /** History events of the pipeline and its 7 phases by type name (`TaskScheduled`, `TimerCreated`, ...). */
  eventsByType: Record<string, number>;
  /** Activities scheduled by the pipeline and its phases, by name. */
  activitiesByName: Record<string, number>;
}

interface User {
  name: string;
  groups: string[];
  roles: string[];
}
const ci: User = { name: 'ci-bot', groups: [], roles: ['Gantry.Operator'] };
const ada: User = { name: 'ada', groups: ['devops-team'], roles: ['Gantry.Approver'] };

const principalHeaders = appServicePrincipalHeaders;

export class PipelineBench {
  private readonly probes: Probes;

  private constructor(
    readonly host: TestHost,
    readonly world: FakeWorld,
    readonly store: MemoryRunStore,
    private readonly ports: Record<string, unknown>,
  ) {
    this.probes = installProbes(host);
  }

  /**
   * A dev host with the compiled app (appDir `.`). All records go to the in-memory `store`; `stub` is the
   * storage setting, there to catch any request that would still leave memory (see storage-stub.ts).
   */
  static async start(options: {
    batching: boolean;
    stub: StorageStub;
    /** Counts the app's RunStore calls (bench/cost.ts). */
    storeCalls?: Counter;
  }): Promise<PipelineBench> {
    // ApiGateway with one production target (the example's train taken out): the figures stay
    // comparable with the ones recorded before the example became a two-ring train.
    process.env.GANTRY_CONFIG_PATH = exampleWithoutRingsFile();
    process.env.GANTRY_STORAGE = options.stub.connectionString;
    const world = new FakeWorld();
    const store = new MemoryRunStore();
    const host = await startTestHost({
      appDir: '.',
      store: 'memory',
      startTime: MONDAY_10,
      batching: options.batching,
    });
    const ports = {
      // Every outside system, the registry included: the real adapters would be built otherwise.
      ...worldPorts(world),
      store: options.storeCalls ? countingStore(store, options.storeCalls) : store,
      // Own clock: the devhost's global app clock belongs to whichever host started last.
      clock: { now: () => host.clock.now() },
    };
    return new PipelineBench(host, world, store, ports);
  }

  /** Points the app's test seam at this bench's fakes (several benches can share the process). */
  activate(): void {
    (globalThis as Record<symbol, unknown>)[PORTS_OVERRIDE] = this.ports;
  }

  async close(): Promise<void> {
    await this.host.close();
    const global = globalThis as Record<symbol, unknown>;
    if (global[PORTS_OVERRIDE] === this.ports) delete global[PORTS_OVERRIDE];
  }

  /**
   * Virtual time jumps to 10:00 UTC at least 34 hours later, outside the measurement: every pipeline
   * starts in business hours (production needs an approval; 02:00-06:00 would auto-approve), and the
   * previous one's leftover timers (test timeouts, the 24 h approval expiry) fire before, not during it.
   */
  private async nextMorning(): Promise<void> {
    const now = this.host.clock.now();
    await this.host.advance(Math.ceil((now + DAY) / DAY) * DAY + 10 * HOUR - now);
  }

  /** One pipeline from the POST to the pipeline's completion and an idle engine, measured. */
  async run(): Promise<PipelineSample> {
    this.activate();
    await this.nextMorning();
    const image = `hearloveen.azurecr.io/api-gateway:1.4.0@sha256:${randomBytes(32).toString('hex')}`;
    const weightsBefore = this.world.weights.length;
    const virtualStart = this.host.clock.now();
    await collectGarbage();
    this.probes.reset();
    const watch = startStopwatch();
    const id = await this.submit(image);
    await this.waitForPhase(id, 'tests', 'test workflows');
    for (const workflow of WORKFLOWS) await this.raiseTestResult(id, workflow);
    await this.waitForPhase(id, 'approval', 'approval');
    await this.post(`/api/deployments/${id}/approve`, { comment: 'looks good' }, ada, 202);
    const canary = phaseInstanceId(id, 'canary');
    await this.host.waitFor(canary, () => true);
    const canaryCpu = process.cpuUsage();
    await this.host.waitFor(canary, (s) => TERMINAL_STATUSES.has(s.runtimeStatus));
    const canaryUsed = process.cpuUsage(canaryCpu);
    const final = await this.host.waitForCompletion(pipelineInstanceId(id));
    await this.host.idle();
    const { wallMs, cpuMs } = watch.stop();
    const counts = this.probes.snapshot();

    const checks = await this.verify(id, final, weightsBefore);
    const histories = await Promise.all(
      [pipelineInstanceId(id), ...PHASES.map((p) => phaseInstanceId(id, p))].map((i) =>
        this.host.engine.getHistory(i),
      ),
    );
    const canaryHistory = histories[1 + PHASES.indexOf('canary')] ?? [];
    return {
      wallMs,
      cpuMs,
      canaryCpuMs: (canaryUsed.user + canaryUsed.system) / 1000,
      episodes: histories.flat().filter((e) => e.EventType === EventType.OrchestratorStarted).length,
      invocations: counts[ORCHESTRATOR]?.calls ?? 0,
      historyEvents: histories.reduce((sum, h) => sum + h.length, 0),
      canaryHistoryEvents: canaryHistory.length,
      activities: counts.activity?.calls ?? 0,
      checks,
      virtualMinutes: (this.host.clock.now() - virtualStart) / 60_000,
      eventsByType: tally(histories.flat().map((e) => EventTypeName[e.EventType] ?? String(e.EventType))),
      activitiesByName: tally(
        histories
          .flat()
          .filter((e) => e.EventType === EventType.TaskScheduled)
          .map((e) => e.Name ?? '?'),
      ),
    };
  }

  /** Fails the benchmark unless the pipeline took the full default happy path; returns its checks. */
  private async verify(id: string, final: InstanceState, weightsBefore: number): Promise<number> {
    const fail = (what: string): never => {
      throw new Error(`pipeline ${id}: ${what}`);
    };
    if (final.runtimeStatus !== 'Completed') fail(`orchestration ended ${final.runtimeStatus}`);
    const deployment = await this.store.findDeployment(id);
    if (deployment?.state !== 'Succeeded') fail(`ended ${deployment?.state}: ${deployment?.reason}`);
    const timeline = await this.store.listEvents(id);
    const transitions = timeline
      .filter((e) => e.kind === 'transition')
      .map((e) => e.title.split('->')[1])
      .join(' ');
    if (transitions !== TRANSITIONS) fail(`transitions ${transitions}`);
    if (!timeline.some((e) => e.title === 'approve:accepted')) fail('no approve:accepted');
    const weights = this.world.weights.slice(weightsBefore).join(',');
    if (weights !== '10,25,50,0') fail(`weights ${weights}`);
    return timeline.filter((e) => e.kind === 'check' && e.title.startsWith('check:')).length;
  }

  private async submit(image: string): Promise<string> {
    const body = await this.post('/api/deployments', { service: 'ApiGateway', image }, ci, 201);
    return (body as { deployment: { id: string } }).deployment.id;
  }

  private async raiseTestResult(id: string, workflow: string): Promise<void> {
    const instance = encodeURIComponent(phaseInstanceId(id, 'tests'));
    const res = await this.host.request(
      `/runtime/webhooks/durabletask/instances/${instance}/raiseEvent/testResult`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ workflow, conclusion: 'success' }),
      },
    );
    await res.arrayBuffer();
    if (res.status !== 202) throw new Error(`raise testResult ${workflow}: HTTP ${res.status}`);
  }

  /** POSTs as `user`; returns the parsed response body. */
  private async post(path: string, body: unknown, user: User, expected: number): Promise<unknown> {
    const res = await this.host.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...principalHeaders(user) },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status !== expected) throw new Error(`POST ${path}: HTTP ${res.status} ${text}`);
    return text ? (JSON.parse(text) as unknown) : undefined;
  }

  /** Waits, skipping virtual time, until the phase reports that it waits for `waitingFor`. */
  private waitForPhase(id: string, phase: Phase, waitingFor: string): Promise<InstanceState> {
    return this.host.waitFor(phaseInstanceId(id, phase), (s) => {
      const status = s.customStatus ? (JSON.parse(s.customStatus) as { waitingFor?: string }) : {};
      return s.runtimeStatus === 'Running' && (status.waitingFor ?? '').startsWith(waitingFor);
    });
  }
}

function tally(names: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of names) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}
