import type { Clock } from '../devhost/durable/types.js';
import { jsonResponse, type HostRequest, type HostResponse, type HostRoute } from '../devhost/http/types.js';
import { readRoutes, type Route } from './traffic-routes.js';
import type { SandboxWorld } from './world.js';

/**
 * The sandbox's Alertmanager: the `alert` fault's alerts (the `ALERTS` series of traffic.ts, same
 * labels) delivered to Gantry's `/api/webhooks/alertmanager` as Alertmanager's webhook receiver does:
 * payload version 4, grouped by `alertname`, sent `group_wait` after a change, resolved alerts sent once
 * with their `endsAt`, the token in `Authorization: Bearer`. `repeat_interval` is not a timer (a repeating
 * timer would keep an auto-advancing clock busy): `POST /sandbox/alertmanager/resend` sends the firing
 * groups again, as a repeat would.
 */

type Labels = Record<string, string>;
export type AlertmanagerDelivery = (payload: AlertmanagerMessage) => Promise<number>;

export interface AlertmanagerMessage {
  version: '4';
  groupKey: string;
  truncatedAlerts: number;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: Labels;
  commonLabels: Labels;
  commonAnnotations: Labels;
  externalURL: string;
  alerts: Array<{
    status: 'firing' | 'resolved';
    labels: Labels;
    annotations: Labels;
    startsAt: string;
    endsAt: string;
    generatorURL: string;
    fingerprint: string;
  }>;
}

interface Tracked {
  labels: Labels;
  fingerprint: string;
  startsAt: string;
  endsAt?: string;
}

/** Go's zero time: what Alertmanager sends as `endsAt` of an alert with no end yet. */
const NO_END = '0001-01-01T00:00:00Z';
const SEPARATOR = 0xff;

/** Prometheus `model.LabelSet.Fingerprint`: FNV-1a 64 over sorted names and values, `%016x`. */
export function fingerprint(labels: Labels): string {
  let hash = 0xcbf29ce484222325n;
  const add = (bytes: Iterable<number>) => {
    for (const b of bytes) hash = BigInt.asUintN(64, (hash ^ BigInt(b)) * 0x100000001b3n);
  };
  for (const name of Object.keys(labels).sort()) {
    add(Buffer.from(name, 'utf8'));
    add([SEPARATOR]);
    add(Buffer.from(labels[name] as string, 'utf8'));
    add([SEPARATOR]);
  }
  return hash.toString(16).padStart(16, '0');
}

/**
 * The alerts firing now: one per running backend whose image carries an `alert` fault, in any cluster
 * (labelled with its `cluster` when the sandbox has several, as each cluster's Prometheus would label it).
 */
function firingNow(root: SandboxWorld): Labels[] {
  const out: Labels[] = [];
  const several = root.clusters.size > 1;
  for (const world of root.clusters.values())
    for (const route of readRoutes(world)) firingOn(world, route, several, out);
  return out;
}

function firingOn(world: SandboxWorld, route: Route, several: boolean, out: Labels[]): void {
  const backends = route.kind === 'nginx' ? [route.primary, route.canary] : route.backends;
  for (const backend of backends) {
    const alert = backend && !backend.noEndpoints ? world.faultFor(backend.image).alert : undefined;
    if (!backend || !alert) continue;
    out.push({
      alertname: alert,
      severity: 'critical',
      ...(several && { cluster: world.cluster }),
      namespace: route.namespace,
      deployment: backend.deployment ?? backend.service,
    });
  }
}

export interface AlertmanagerOptions {
  deliver: AlertmanagerDelivery;
  /** Default 30 s, Alertmanager's default `group_wait`. */
  groupWaitMs?: number;
  /** Where the alerts' `generatorURL` points (the sandbox Prometheus). */
  prometheusUrl?: string;
}

export class SandboxAlertmanager {
  private readonly firing = new Map<string, Tracked>();
  private readonly resolved = new Map<string, Tracked>();
  private readonly changed = new Set<string>();
  private timer: { cancel(): void } | undefined;
  readonly deliveries: Array<{ at: string; status: number; alerts: number; groupKey: string }> = [];
  private readonly unsubscribe: () => void;

  constructor(
    private readonly world: SandboxWorld,
    private readonly clock: Clock,
    private readonly options: AlertmanagerOptions,
  ) {
    const unsubscribe = [...world.root.clusters.values()].map((w) => w.onChange(() => this.evaluate()));
    this.unsubscribe = () => unsubscribe.forEach((u) => u());
    this.evaluate();
  }

  /** Compares what fires now with what fired; a change is sent `group_wait` later. */
  evaluate(): void {
    const now = this.world.nowIso();
    const current = new Map(firingNow(this.world.root).map((l) => [fingerprint(l), l]));
    for (const [fp, labels] of current) {
      if (this.firing.has(fp)) continue;
      this.firing.set(fp, { labels, fingerprint: fp, startsAt: now });
      this.resolved.delete(fp);
      this.changed.add(labels.alertname as string);
    }
    for (const [fp, tracked] of this.firing) {
      if (current.has(fp)) continue;
      this.firing.delete(fp);
      this.resolved.set(fp, { ...tracked, endsAt: now });
      this.changed.add(tracked.labels.alertname as string);
    }
    if (this.changed.size > 0 && !this.timer)
      this.timer = this.clock.schedule(this.clock.now() + (this.options.groupWaitMs ?? 30_000), () => {
        this.timer = undefined;
        void this.flush();
      });
  }

  /** Sends every changed group (its firing alerts and those just resolved). */
  async flush(): Promise<void> {
    const groups = [...this.changed];
    this.changed.clear();
    for (const name of groups) await this.send(name, true);
  }

  /** Sends the firing groups again, as `repeat_interval` would; how many groups were sent. */
  async resend(): Promise<number> {
    const names = new Set([...this.firing.values()].map((t) => t.labels.alertname as string));
    for (const name of names) await this.send(name, false);
    return names.size;
  }

  close(): void {
    this.unsubscribe();
    this.timer?.cancel();
  }

  private async send(alertname: string, withResolved: boolean): Promise<void> {
    const of = (m: Map<string, Tracked>) => [...m.values()].filter((t) => t.labels.alertname === alertname);
    const resolved = withResolved ? of(this.resolved) : [];
    for (const t of resolved) this.resolved.delete(t.fingerprint);
    const alerts = [...of(this.firing), ...resolved];
    if (alerts.length === 0) return;
    const message = this.message(alertname, alerts);
    const status = await this.options.deliver(message).catch(() => 0);
    this.deliveries.push({
      at: this.world.nowIso(),
      status,
      alerts: alerts.length,
      groupKey: message.groupKey,
    });
  }

  private message(alertname: string, alerts: Tracked[]): AlertmanagerMessage {
    const common = Object.fromEntries(
      Object.entries(alerts[0]?.labels ?? {}).filter(([k, v]) => alerts.every((a) => a.labels[k] === v)),
    );
    const expr = encodeURIComponent(`ALERTS{alertname="${alertname}"}`);
    return {
      version: '4',
      groupKey: `{}:{alertname="${alertname}"}`,
      truncatedAlerts: 0,
      status: alerts.some((a) => !a.endsAt) ? 'firing' : 'resolved',
      receiver: 'gantry',
      groupLabels: { alertname },
      commonLabels: common,
      commonAnnotations: {},
      externalURL: '',
      alerts: alerts.map((a) => ({
        status: a.endsAt ? 'resolved' : 'firing',
        labels: a.labels,
        annotations: {
          summary: `${alertname} on ${a.labels.namespace}/${a.labels.deployment} (sandbox alert fault)`,
        },
        startsAt: a.startsAt,
        endsAt: a.endsAt ?? NO_END,
        generatorURL: this.options.prometheusUrl ? `${this.options.prometheusUrl}/graph?g0.expr=${expr}` : '',
        fingerprint: a.fingerprint,
      })),
    };
  }
}

/**
 * `GET /sandbox/alertmanager` (firing alerts and deliveries), `POST /sandbox/alertmanager/resend`; and
 * after any fault change on the control API, a fresh evaluation (faults are not Kubernetes changes).
 */
export function alertmanagerRoutes(am: SandboxAlertmanager, control: HostRoute): HostRoute {
  return async (req: HostRequest): Promise<HostResponse | undefined> => {
    const path = req.url.pathname;
    if (path === '/sandbox/alertmanager' && req.method === 'GET')
      return jsonResponse(200, { deliveries: am.deliveries });
    if (path === '/sandbox/alertmanager/resend' && req.method === 'POST')
      return jsonResponse(200, { groups: await am.resend() });
    const answer = await control(req);
    if (path.startsWith('/sandbox/faults/') && answer && answer.status < 300) am.evaluate();
    return answer;
  };
}

/** Posts a message to Gantry's Alertmanager route (`hostUrl` read at delivery time), as Alertmanager does. */
export function deliverAlertmanager(hostUrl: () => string, token: string | undefined): AlertmanagerDelivery {
  return async (message) => {
    const res = await fetch(`${hostUrl()}/api/webhooks/alertmanager`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Alertmanager/0.28.1',
        ...(token && { authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify(message),
    });
    await res.body?.cancel();
    return res.status;
  };
}
