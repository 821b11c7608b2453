import type { Notification } from '../ports/notifier.js';

/** CloudEvents 1.0 structured-mode JSON (https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md). */
export interface CloudEvent<T = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  subject: string;
  datacontenttype: 'application/json';
  data: T;
}

export interface DeploymentEventData {
  deploymentId: string;
  service: string;
  sequence: number;
  kind: Notification['kind'];
  title: string;
  detail?: Record<string, unknown>;
}

export class CloudEventError extends Error {
  readonly code = 'invalid-notification';
  constructor(message: string) {
    super(message);
    this.name = 'CloudEventError';
  }
}

/** `<deploymentId>:<sequence>`: the same transition always gets the same id, so retries can be dropped. */
export function eventId(n: Pick<Notification, 'deploymentId' | 'sequence'>): string {
  return `${n.deploymentId}:${n.sequence}`;
}

/**
 * Pure: the same notification and time give the same event. `time` is when it is published (the
 * notification carries no timestamp); consumers order by `data.sequence`, not by `time`.
 */
export function toCloudEvent(n: Notification, now: number): CloudEvent<DeploymentEventData> {
  if (!n.deploymentId || !n.service) throw new CloudEventError('deploymentId and service are required');
  if (!Number.isSafeInteger(n.sequence) || n.sequence < 0) {
    throw new CloudEventError(`sequence must be a non-negative integer (got ${String(n.sequence)})`);
  }
  const data: DeploymentEventData = {
    deploymentId: n.deploymentId,
    service: n.service,
    sequence: n.sequence,
    kind: n.kind,
    title: n.title,
    ...(n.detail === undefined ? {} : { detail: n.detail }),
  };
  return {
    specversion: '1.0',
    id: eventId(n),
    source: `/gantry/deployments/${encodeURIComponent(n.service)}`,
    type: `io.gantry.deployment.${n.kind}`,
    time: new Date(now).toISOString(),
    subject: n.deploymentId,
    datacontenttype: 'application/json',
    data,
  };
}
