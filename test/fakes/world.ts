import type {
  GateSpec,
  ImageBinding,
  ImageRef,
  RouterSpec,
  SmokeCheck,
  TestWorkflow,
} from '../../shared/contracts/plan.js';
import { alertsQuery } from '../../shared/analysis/templates.js';
import type { Cluster, ClusterTarget, RolloutState, TrafficRouter } from '../../shared/ports/cluster.js';
import type { GitOps, SyncState } from '../../shared/ports/gitops.js';
import type {
  FiringAlerts,
  MetricSample,
  Metrics,
  MetricsQuery,
  RangeQuery,
  RangeSamples,
} from '../../shared/ports/metrics.js';
import type { ChatChannels, ChatOutcome, ChatThread } from '../../shared/ports/chat.js';
import type { ChatMessage } from '../../shared/domain/chat-message.js';
import type { Ports } from '../../shared/ports/index.js';
import type { Notification, Notifier } from '../../shared/ports/notifier.js';
import type { ImageProvenance, ImageRegistry } from '../../shared/ports/registry.js';
import type {
  GateProgress,
  GateResult,
  ScanRunner,
  SmokeResult,
  SmokeRunner,
  TestRunner,
} from '../../shared/ports/runners.js';

export type FaultyMethod =
  | 'deployImage'
  | 'status'
  | 'rollback'
  | 'setImage'
  | 'scale'
  | 'rollout'
  | 'setWeight'
  | 'readWeight'
  | 'dispatch';

export interface AppState {
  image?: ImageRef;
  history: ImageRef[];
  /** Polls left before the current sync finishes. */
  pollsLeft: number;
  outcome: SyncState['phase'];
}

/** Decides a metric value from what the canary looks like when the check runs. */
export type MetricScript = (q: MetricsQuery, world: FakeWorld) => number | null;

/**
 * In-process fakes of every outside system the pipeline touches, recording what they were asked to do.
 * Behaviour is scripted per test (failing gates, syncs, smoke checks, metric values).
 */
export class FakeWorld implements GitOps, Cluster, TrafficRouter, Metrics, TestRunner, Notifier {
  readonly apps = new Map<string, AppState>();
  readonly weights: number[] = [];
  readonly scales: Array<{ deployment: string; replicas: number }> = [];
  readonly images: Array<{ deployment: string; digest: string }> = [];
  readonly rollbacks: Array<{ app: string; historyId?: number }> = [];
  readonly deploys: Array<{ app: string; digest: string }> = [];
  readonly dispatched: Array<{ workflow: string; deploymentId: string }> = [];
  readonly notifications: Notification[] = [];
  readonly queries: MetricsQuery[] = [];
  /** `owner/name@sha` → committer date, for the trigger's commit-time lookup. */
  readonly commitTimes = new Map<string, string>();
  readonly commitLookups: string[] = [];
  /** The commit each gate was started with (`<gate>@<digest>` -> sha), as the ci-status gate sees it. */
  readonly gateCommits = new Map<string, string | undefined>();
  /** Alerts currently firing (label sets); every one matches. */
  firing: Array<Record<string, string>> = [];
  /** Thrown by every metrics call while set (a Prometheus outage). */
  metricsOutage: Error | undefined;
  /** Gate name → verdict (default pass). */
  gateVerdicts = new Map<string, GateResult['verdict']>();
  /** Gate name → checks it stays pending for (default 1). */
  gatePolls = new Map<string, number>();
  scanPollMs = 5_000;
  scanTimeoutMs = 15 * 60_000;
  /** `gate@digest` of every start and check, in order. */
  readonly scanStarts: string[] = [];
  readonly scanChecks: string[] = [];
  private readonly pendingScans = new Map<string, number>();
  /** App name → sync outcome after deployImage (default Succeeded). */
  syncOutcomes = new Map<string, SyncState['phase']>();
  syncPolls = 1;
  failingSmoke = new Set<string>();
  crashLoopingDigests = new Set<string>();
  metric: MetricScript = (q) =>
    q.template.includes('duration') || q.template.includes('latency') ? 200 : 99.9;
  weight = 0;
  /** Weights the router refuses to set (a broken router), to test unexpected failures. */
  failWeights = new Set<number>();
  /** Method name → errors its next calls throw, one per call (scripted provider faults). */
  readonly faults = new Map<string, Error[]>();

  /** The next `count` calls of `method` throw `error` (then it works again). */
  failNext(method: FaultyMethod, error: Error, count = 1): void {
    this.faults.set(method, [...(this.faults.get(method) ?? []), ...Array<Error>(count).fill(error)]);
  }

  private fault(method: FaultyMethod): void {
    const next = this.faults.get(method)?.shift();
    if (next) throw next;
  }

  async deployImage(app: string, _binding: ImageBinding, image: ImageRef): Promise<void> {
    this.fault('deployImage');
    const state = this.apps.get(app) ?? { history: [], pollsLeft: 0, outcome: 'None' };
    if (state.image) state.history.push(state.image);
    state.image = image;
    state.pollsLeft = this.syncPolls;
    state.outcome = this.syncOutcomes.get(app) ?? 'Succeeded';
    this.apps.set(app, state);
    this.deploys.push({ app, digest: image.digest });
  }

  async status(app: string): Promise<SyncState> {
    this.fault('status');
    const state = this.apps.get(app);
    if (!state) return { phase: 'None', sync: 'Unknown', health: 'Missing' };
    if (state.pollsLeft > 0) {
      state.pollsLeft--;
      return { phase: 'Running', sync: 'OutOfSync', health: 'Progressing' };
    }
    if (state.outcome !== 'Succeeded')
      return {
        phase: state.outcome,
        sync: 'OutOfSync',
        health: 'Degraded',
        message: 'PreSync hook db-migrate failed',
      };
    return {
      phase: 'Succeeded',
      sync: 'Synced',
      health: 'Healthy',
      revision: state.image?.digest,
      // Argo CD's `status.summary.images`: what the application's live resources run.
      ...(state.image
        ? { images: [`${state.image.registry}/${state.image.repository}@${state.image.digest}`] }
        : {}),
    };
  }

  async rollback(app: string, historyId?: number): Promise<void> {
    this.fault('rollback');
    this.rollbacks.push({ app, historyId });
    const state = this.apps.get(app);
    if (state) {
      state.image = state.history.pop();
      state.outcome = 'Succeeded';
      state.pollsLeft = 0;
    }
  }

  async setImage(_t: ClusterTarget, deployment: string, image: ImageRef): Promise<void> {
    this.fault('setImage');
    this.images.push({ deployment, digest: image.digest });
  }

  async scale(_t: ClusterTarget, deployment: string, replicas: number): Promise<void> {
    this.fault('scale');
    this.scales.push({ deployment, replicas });
  }

  async rollout(_t: ClusterTarget, deployment: string): Promise<RolloutState> {
    this.fault('rollout');
    const last = [...this.images].reverse().find((i) => i.deployment === deployment);
    const crash = last !== undefined && this.crashLoopingDigests.has(last.digest);
    return {
      ready: !crash,
      phase: crash ? 'progressing' : 'complete',
      replicas: 1,
      readyReplicas: crash ? 0 : 1,
      crashLooping: crash ? [`${deployment}-0`] : [],
    };
  }

  async setWeight(_t: ClusterTarget, _r: RouterSpec, weight: number): Promise<number> {
    this.fault('setWeight');
    if (this.failWeights.has(weight))
      throw new Error(`ingress admission webhook refused canary-weight ${weight}`);
    this.weight = weight;
    this.weights.push(weight);
    return weight;
  }

  /** What the router reads back: the last weight set, unless something changed it behind Gantry's back. */
  async readWeight(): Promise<number> {
    this.fault('readWeight');
    return this.weight;
  }

  async commitTime(repository: string, sha: string): Promise<string | undefined> {
    this.commitLookups.push(`${repository}@${sha}`);
    const time = this.commitTimes.get(`${repository}@${sha}`);
    if (time === 'error') throw new Error('GitHub unavailable');
    return time;
  }

  async resolveCommit(
    repository: string,
    ref: string,
  ): Promise<{ sha: string; committedAt?: string } | undefined> {
    this.commitLookups.push(`${repository}@${ref}`);
    const found = [...this.commitTimes.entries()].find(([k]) => k.startsWith(`${repository}@${ref}`));
    if (found?.[1] === 'error') throw new Error('GitHub unavailable');
    return found ? { sha: found[0].slice(repository.length + 1), committedAt: found[1] } : undefined;
  }

  /** The registry: provenance per digest (`imageLabels`); an unknown digest is not in the registry. */
  readonly imageLabels = new Map<string, ImageProvenance>();
  readonly registry: ImageRegistry = {
    provenance: async (image: ImageRef) => this.imageLabels.get(image.digest),
  };

  async queryRange(q: Omit<MetricsQuery, 'at'>, range: RangeQuery): Promise<RangeSamples> {
    if (this.metricsOutage) throw this.metricsOutage;
    const samples: RangeSamples['samples'] = [];
    for (let t = Date.parse(range.start); t <= Date.parse(range.end); t += range.stepMs) {
      const at = new Date(t).toISOString();
      const value = this.metric({ ...q, at }, this);
      if (value !== null) samples.push({ at, value });
    }
    return { query: `range:${q.template}`, samples };
  }

  /** As Prometheus answers `ALERTS{alertstate="firing", <matchers>}`: only the alerts every matcher selects. */
  async firingAlerts(
    matchers: Record<string, string>,
    variables: Record<string, string>,
  ): Promise<FiringAlerts> {
    if (this.metricsOutage) throw this.metricsOutage;
    const query = alertsQuery(matchers, variables);
    const wanted = Object.entries(matchers).map(
      ([label, value]) =>
        [label, value.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, key: string) => variables[key] ?? '')] as const,
    );
    return { query, alerts: this.firing.filter((a) => wanted.every(([label, value]) => a[label] === value)) };
  }

  async query(q: MetricsQuery): Promise<MetricSample> {
    if (this.metricsOutage) throw this.metricsOutage;
    this.queries.push(q);
    return {
      query: `${q.template}{namespace="${q.variables.namespace ?? ''}"}`,
      value: this.metric(q, this),
      evaluatedAt: q.at,
    };
  }

  /**
   * Image gates: verdicts scripted per gate name. Each gate is pending for `gatePolls` checks (default 1,
   * so the durable poll loop runs; `Infinity` never finishes) before its verdict.
   */
  readonly scans: ScanRunner = {
    start: async (gate: GateSpec, image: ImageRef, commitSha?: string): Promise<GateProgress> => {
      const key = `${gate.name}@${image.digest}`;
      this.scanStarts.push(key);
      this.gateCommits.set(key, commitSha);
      // Idempotent like the real runner: a retried start finds the scan it already started.
      if (!this.pendingScans.has(key)) this.pendingScans.set(key, this.gatePolls.get(gate.name) ?? 1);
      return this.scanProgress(gate, key);
    },
    check: async (gate: GateSpec, image: ImageRef): Promise<GateProgress> => {
      const key = `${gate.name}@${image.digest}`;
      this.scanChecks.push(key);
      const left = this.pendingScans.get(key);
      if (left === undefined) throw new Error(`no scan started for ${key}`);
      this.pendingScans.set(key, left - 1);
      return this.scanProgress(gate, key);
    },
  };

  private scanProgress(gate: GateSpec, key: string): GateProgress {
    if ((this.pendingScans.get(key) ?? 0) > 0) {
      return {
        done: false,
        handle: { jobName: `fake-${gate.name}` },
        pollAfterMs: this.scanPollMs,
        timeoutMs: this.scanTimeoutMs,
        detail: `job fake-${gate.name} running`,
      };
    }
    const verdict = this.gateVerdicts.get(gate.name) ?? 'pass';
    const critical = verdict === 'fail' ? 2 : 0;
    const result: GateResult = {
      gate: gate.name,
      verdict,
      summary: critical ? `${critical} critical vulnerabilities` : 'clean',
      evidence: { critical },
    };
    return { done: true, result };
  }

  /** Smoke checks: fail for the names in `failingSmoke`. */
  readonly smoke: SmokeRunner = {
    run: async (check: SmokeCheck): Promise<SmokeResult> => {
      const ok = !this.failingSmoke.has(check.name);
      return ok
        ? { check: check.name, ok, status: 200, attempts: 1 }
        : { check: check.name, ok, status: 503, attempts: check.retries + 1 };
    },
  };

  async dispatch(workflow: TestWorkflow, deploymentId: string): Promise<{ runId?: number }> {
    this.fault('dispatch');
    this.dispatched.push({ workflow: workflow.name, deploymentId });
    return { runId: 1000 + this.dispatched.length };
  }

  async publish(notification: Notification): Promise<void> {
    this.notifications.push(notification);
  }

  /** What the chat port was asked to deliver (Slack channel or Teams webhook, message, thread). */
  readonly chatSent: Array<{ to: string; message: ChatMessage; thread?: ChatThread }> = [];
  /** When set, every chat delivery answers this (an outage, a rate limit) instead of succeeding. */
  chatAnswer: ChatOutcome | undefined;

  readonly chat: ChatChannels = {
    publicUrl: 'https://gantry.example',
    slack: {
      send: async (channel, message, thread) => {
        if (this.chatAnswer) return this.chatAnswer;
        this.chatSent.push({ to: `slack:${channel}`, message, ...(thread && { thread }) });
        return { status: 'sent', thread: thread ?? { channel, ts: `1.${this.chatSent.length}` } };
      },
    },
    teams: {
      send: async (webhook, message) => {
        if (this.chatAnswer) return this.chatAnswer;
        this.chatSent.push({ to: `teams:${webhook}`, message });
        return { status: 'sent' };
      },
    },
  };
}

/** The outside-system ports a FakeWorld stands in for (all but config, store and clock). */
export function worldPorts(
  world: FakeWorld,
): Pick<
  Ports,
  | 'gitops'
  | 'cluster'
  | 'router'
  | 'metrics'
  | 'scans'
  | 'smoke'
  | 'tests'
  | 'notifier'
  | 'source'
  | 'registry'
  | 'chat'
> {
  return {
    gitops: world,
    cluster: world,
    router: world,
    metrics: world,
    scans: world.scans,
    smoke: world.smoke,
    tests: world,
    notifier: world,
    source: world,
    registry: world.registry,
    chat: world.chat,
  };
}
