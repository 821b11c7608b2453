import { exampleWithoutRings } from '../fixtures/example-config.js';
import { activityHandlers } from '../../shared/activities/index.js';
import type { RecordInput } from '../../shared/contracts/activities.js';
import { FileConfigSource } from '../../shared/adapters/config-file.js';
import { loadConfig } from '../../shared/config/load.js';
import { submitImage, interrupt } from '../../shared/app/deployments.js';
import { decide } from '../../shared/app/approvals.js';
import {
  Events,
  laneInstanceId,
  phaseInstanceId,
  pipelineInstanceId,
  type Phase,
} from '../../shared/contracts/events.js';
import type { DeploymentRecord } from '../../shared/domain/deployment.js';
import type { Ports } from '../../shared/ports/index.js';
import type { OrchestrationControl } from '../../shared/ports/orchestration-control.js';
import { lane } from '../../orchestrations/lane.js';
import { PHASE_STATE, pipeline } from '../../orchestrations/pipeline.js';
import { phaseFunction, RING_FUNCTION, RING_TARGET_FUNCTION } from '../../shared/contracts/orchestrations.js';
import { approvalPhase } from '../../orchestrations/phases/approval.js';
import { canaryPhase } from '../../orchestrations/phases/canary.js';
import { gatesPhase } from '../../orchestrations/phases/gates.js';
import { promotionPhase } from '../../orchestrations/phases/promotion.js';
import { stagingPhase } from '../../orchestrations/phases/staging.js';
import { testsPhase } from '../../orchestrations/phases/tests.js';
import { verificationPhase } from '../../orchestrations/phases/verification.js';
import { ringPhase } from '../../orchestrations/ring.js';
import { ringTargetPhase } from '../../orchestrations/ring-target.js';
import { rollbackService } from '../../orchestrations/rollback.js';
import { ROLLBACK_ORCHESTRATION } from '../../shared/contracts/rollback.js';
import type { InstanceState } from '../../devhost/durable/types.js';
import { TERMINAL_STATUSES } from '../../devhost/durable/types.js';
import { harness, type Harness, type OrchestratorFn } from '../devhost/durable/engine-harness.js';
import { FakeWorld, worldPorts } from '../fakes/world.js';
import { MemoryRunStore } from '../fakes/memory-run-store.js';

const ORCHESTRATORS: Array<[string, OrchestratorFn]> = [
  ['lane', lane],
  ['pipeline', pipeline],
  [phaseFunction('gates'), gatesPhase],
  [phaseFunction('staging'), stagingPhase],
  [phaseFunction('tests'), testsPhase],
  [phaseFunction('approval'), approvalPhase],
  [phaseFunction('canary'), canaryPhase],
  [phaseFunction('promotion'), promotionPhase],
  [phaseFunction('verification'), verificationPhase],
  [RING_FUNCTION, ringPhase],
  [RING_TARGET_FUNCTION, ringTargetPhase],
  [ROLLBACK_ORCHESTRATION, rollbackService],
];

type AnyHandler = (ports: Ports, input: unknown) => Promise<unknown>;

/** Runs before an activity's handler (e.g. to deliver an interrupt at an exact point of a run). */
export type ActivityHook = (name: string, input: unknown) => Promise<void>;

/**
 * Runs `deliver` once, when the pipeline records its transition into the state of `phase`: the gap in
 * which the previous phase has returned and `phase` has not started yet.
 */
export function atTransition(phase: Phase, deliver: () => Promise<void> | void): ActivityHook {
  let done = false;
  return async (name, input) => {
    if (done || name !== 'record') return;
    if ((input as RecordInput).transition?.to !== PHASE_STATE[phase]) return;
    done = true;
    await deliver();
  };
}

/**
 * The orchestrations from source, run by the dev host's engine through the real SDK replay on a virtual
 * clock, with activities bound to fakes and an in-memory RunStore. Faster than the HTTP end-to-end suite
 * and measured by coverage; the HTTP suite proves the same flows through the compiled app.
 */
export class Orchestrations {
  private constructor(
    readonly h: Harness,
    readonly world: FakeWorld,
    readonly ports: Ports,
    readonly control: OrchestrationControl,
  ) {}

  /** `ports` replaces single ports (e.g. `metrics` with a real Prometheus adapter); the rest are fakes. */
  static async start(
    options: {
      startTime?: number;
      config?: FileConfigSource;
      ports?: Partial<Ports>;
      onActivity?: ActivityHook;
    } = {},
  ): Promise<Orchestrations> {
    const world = new FakeWorld();
    const store = new MemoryRunStore();
    let now = (): number => options.startTime ?? Date.UTC(2026, 0, 5, 10);
    const ports: Ports = {
      // The example with ApiGateway as one production target: trains have their own tests (rings*.test.ts).
      config: options.config ?? new FileConfigSource(loadConfig(exampleWithoutRings(), 'gantry.yaml')),
      store,
      ...worldPorts(world),
      clock: { now: () => now() },
      ...options.ports,
    };
    const h = await harness(
      (i) => {
        for (const [name, fn] of ORCHESTRATORS) i.orchestrator(name, fn);
        for (const [name, handler] of Object.entries(activityHandlers) as Array<[string, AnyHandler]>) {
          i.activity(name, async (input) => {
            await options.onActivity?.(name, input);
            return handler(ports, input);
          });
        }
      },
      { autoAdvance: false },
    );
    h.clock.advanceTo(options.startTime ?? Date.UTC(2026, 0, 5, 10));
    now = () => h.clock.now();
    const control: OrchestrationControl = {
      async ensureLane(service, digest) {
        const id = laneInstanceId(service);
        const s = await h.engine.getInstance(id);
        if (!s || TERMINAL_STATUSES.has(s.runtimeStatus))
          await h.engine.start({ name: 'lane', instanceId: id, input: JSON.stringify({ service }) });
        else await h.engine.raiseEvent(id, Events.wake.name, JSON.stringify({ digest }));
      },
      async start(name, id, input) {
        const s = await h.engine.getInstance(id);
        if (s && !TERMINAL_STATUSES.has(s.runtimeStatus)) return 'running';
        await h.engine.start({ name, instanceId: id, input: JSON.stringify(input) });
        return 'started';
      },
      raise: (id, event, payload) => h.engine.raiseEvent(id, event, JSON.stringify(payload)),
      async status(id) {
        const s = await h.engine.getInstance(id);
        return (
          s && {
            runtimeStatus: s.runtimeStatus,
            customStatus: s.customStatus ? JSON.parse(s.customStatus) : null,
          }
        );
      },
    };
    return new Orchestrations(h, world, ports, control);
  }

  close(): Promise<void> {
    return this.h.close();
  }

  nowIso(): string {
    return new Date(this.h.clock.now()).toISOString();
  }

  async submit(image: string, service = 'ApiGateway', pushedBy = 'ci-bot'): Promise<DeploymentRecord> {
    const { deployment } = await submitImage(this.ports, this.control, {
      image,
      service,
      source: 'manual',
      pushedBy,
      at: this.nowIso(),
    });
    return deployment;
  }

  /** Lets virtual time run until the phase waits for `waitingFor`. */
  waitForPhase(id: string, phase: Phase, waitingFor: string): Promise<InstanceState> {
    return this.waitFor(phaseInstanceId(id, phase), (s) => {
      const st = s.customStatus ? (JSON.parse(s.customStatus) as { waitingFor?: string }) : {};
      return s.runtimeStatus === 'Running' && (st.waitingFor ?? '').startsWith(waitingFor);
    });
  }

  /** Waits with auto-advancing time; switches it off the moment the predicate holds. */
  waitFor(
    instanceId: string,
    predicate: (s: InstanceState) => boolean,
    advance = true,
  ): Promise<InstanceState> {
    this.h.clock.autoAdvance = advance;
    return this.h.waitFor(instanceId, (s) => {
      const ok = predicate(s);
      if (ok) this.h.clock.autoAdvance = false;
      return ok;
    });
  }

  async finish(id: string): Promise<DeploymentRecord> {
    await this.waitFor(pipelineInstanceId(id), (s) => TERMINAL_STATUSES.has(s.runtimeStatus));
    await this.h.engine.waitForIdle();
    return (await this.ports.store.findDeployment(id)) as DeploymentRecord;
  }

  async completeTests(
    id: string,
    workflows = ['integration', 'e2e', 'performance', 'security'],
  ): Promise<void> {
    await this.waitForPhase(id, 'tests', 'test workflows');
    for (const workflow of workflows) {
      await this.h.engine.raiseEvent(
        phaseInstanceId(id, 'tests'),
        Events.testResult.name,
        JSON.stringify({ workflow, conclusion: 'success' }),
      );
    }
  }

  async approve(id: string, approver = 'ada', groups = ['devops-team']): Promise<void> {
    await this.waitForPhase(id, 'approval', 'approval');
    await decide(this.ports, this.control, {
      id,
      principal: {
        name: approver,
        groups,
        roles: ['Gantry.Reader', 'Gantry.Approver'],
        source: 'development',
      },
      decision: 'approve',
      comment: 'ok',
      at: this.nowIso(),
    });
  }

  interrupt(
    id: string,
    kind: 'cancel' | 'abort' | 'skipAnalysis',
    reason = 'test',
  ): Promise<DeploymentRecord> {
    return interrupt(this.ports, this.control, id, kind, 'ops', reason);
  }
}
