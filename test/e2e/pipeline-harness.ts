import { exampleWithoutRingsFile } from '../fixtures/example-config.js';
import { appServicePrincipalHeaders } from '../../shared/app/principal.js';
import type { Role } from '../../shared/domain/roles.js';
import { randomBytes } from 'node:crypto';
import { PORTS_OVERRIDE } from '../../shared/composition.js';
import { phaseInstanceId, pipelineInstanceId, type Phase } from '../../shared/contracts/events.js';
import type { DeploymentRecord, TimelineEntry } from '../../shared/domain/deployment.js';
import type { InstanceState } from '../../devhost/durable/types.js';
import type { HostLogger } from '../../devhost/functions/types.js';
import { startTestHost, type TestHost } from '../../devhost/testing.js';
import { FakeWorld, worldPorts } from '../fakes/world.js';
import { checkedAgainstOpenApi } from './openapi-check.js';

export interface User {
  name: string;
  groups: string[];
  /** Gantry app roles, sent as `roles` claims. */
  roles: Role[];
}

export const principalHeaders = appServicePrincipalHeaders;

/** The pusher: triggers and stops deployments. */
export const ci: User = { name: 'ci-bot', groups: [], roles: ['Gantry.Operator'] };
/** A reviewer who also operates (cancels, resumes) in the pipeline tests. */
export const ada: User = {
  name: 'ada',
  groups: ['devops-team'],
  roles: ['Gantry.Operator', 'Gantry.Approver'],
};
export const linus: User = { name: 'linus', groups: ['tech-lead'], roles: ['Gantry.Approver'] };
/** An approver by role but in no reviewer group: the approval policy, not the role, refuses her. */
export const mallory: User = { name: 'mallory', groups: ['marketing'], roles: ['Gantry.Approver'] };
/** Reads only: what every GET in the tests identifies as. */
export const reader: User = { name: 'rita', groups: [], roles: ['Gantry.Reader'] };

export const digest = (): string => `sha256:${randomBytes(32).toString('hex')}`;

export interface View {
  deployment: DeploymentRecord;
  timeline: TimelineEntry[];
  live: Record<string, unknown>;
}

/**
 * Gantry's own function app (the compiled `dist/`) in the dev host on a virtual clock, with Table
 * Storage records in Azurite and in-process fakes for the outside systems.
 */
export class PipelineHarness {
  constructor(
    readonly host: TestHost,
    readonly world: FakeWorld,
  ) {}

  static async start(options: {
    startTime?: number;
    storage: string;
    configPath?: string;
    /** The host's log (the app's context.log/warn/error included); silent by default. */
    logger?: HostLogger;
  }): Promise<PipelineHarness> {
    process.env.GANTRY_STORAGE = options.storage;
    process.env.GANTRY_CONFIG_PATH = options.configPath ?? exampleWithoutRingsFile();
    process.env.GANTRY_TABLE_PREFIX = `T${randomBytes(4).toString('hex')}`;
    // Callers identify with App Service headers here; no development principal to fall back on.
    process.env.GANTRY_DEV_PRINCIPAL = '';
    const world = new FakeWorld();
    (globalThis as Record<symbol, unknown>)[PORTS_OVERRIDE] = {
      ...worldPorts(world),
    };
    const host = await startTestHost({
      appDir: '.',
      store: 'memory',
      startTime: options.startTime,
      ...(options.logger ? { logger: options.logger } : {}),
    });
    // Every Gantry response any e2e test sees must match the OpenAPI document (post/view go through here).
    host.request = checkedAgainstOpenApi(host.request);
    return new PipelineHarness(host, world);
  }

  async close(): Promise<void> {
    await this.host.close();
    delete (globalThis as Record<symbol, unknown>)[PORTS_OVERRIDE];
  }

  async post(path: string, body: unknown, user: User = ci): Promise<Response> {
    return this.host.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...principalHeaders(user) },
      body: JSON.stringify(body),
    });
  }

  async submit(service: string, image: string, user: User = ci): Promise<DeploymentRecord> {
    const res = await this.post('/api/deployments', { service, image }, user);
    if (res.status !== 201 && res.status !== 200)
      throw new Error(`submit: HTTP ${res.status} ${await res.text()}`);
    return ((await res.json()) as { deployment: DeploymentRecord }).deployment;
  }

  async view(id: string): Promise<View> {
    const res = await this.host.request(`/api/deployments/${id}`, { headers: principalHeaders(reader) });
    if (res.status !== 200) throw new Error(`view: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as View;
  }

  /** Waits (skipping virtual time) until the phase is waiting for the named thing. */
  waitForPhase(id: string, phase: Phase, waitingFor: string, advanceTime = true): Promise<InstanceState> {
    return this.host.waitFor(
      phaseInstanceId(id, phase),
      (s) => {
        const status = s.customStatus ? (JSON.parse(s.customStatus) as { waitingFor?: string }) : {};
        return s.runtimeStatus === 'Running' && (status.waitingFor ?? '').startsWith(waitingFor);
      },
      { advanceTime },
    );
  }

  /** Runs virtual time until the pipeline has finished, then returns the record and timeline. */
  async finish(id: string): Promise<View> {
    await this.host.waitForCompletion(pipelineInstanceId(id));
    await this.host.idle();
    return this.view(id);
  }
}

export const titles = (timeline: TimelineEntry[], kind?: TimelineEntry['kind']): string[] =>
  timeline.filter((e) => !kind || e.kind === kind).map((e) => e.title);
