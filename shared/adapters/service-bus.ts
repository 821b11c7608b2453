import type { TokenCredential } from '@azure/identity';
import { ServiceBusClient, type ServiceBusMessage } from '@azure/service-bus';
import type { AppClock } from '../ports/clock.js';
import type { Notification, Notifier } from '../ports/notifier.js';
import { toCloudEvent, type CloudEvent, type DeploymentEventData } from './cloudevents.js';

export const TOPICS = { deployments: 'deployments', incidents: 'incidents' } as const;
export type Topic = keyof typeof TOPICS;

/** Service Bus rejects longer message and session ids client-side. */
const MAX_ID_LENGTH = 128;

/** The part of `ServiceBusSender` used here, so tests can enforce the broker's rules in memory. */
export interface MessageSender {
  sendMessages(message: ServiceBusMessage): Promise<void>;
  close(): Promise<void>;
}

/** Every event goes to `deployments` (the full timeline); incidents are also on their own topic for paging. */
export function topicsFor(kind: Notification['kind']): Topic[] {
  return kind === 'incident' ? ['deployments', 'incidents'] : ['deployments'];
}

/**
 * Pure. `messageId` = the CloudEvent id, so a retried send inside the topic's duplicate-detection window
 * is dropped by the broker. `sessionId` = deployment id gives FIFO per deployment to session-enabled
 * subscriptions (ignored by the others). `service`/`kind` are copied to application properties so
 * subscriptions can filter with SQL rules without reading the body.
 */
export function toServiceBusMessage(event: CloudEvent<DeploymentEventData>): ServiceBusMessage {
  if (event.id.length > MAX_ID_LENGTH) {
    throw new Error(`message id longer than ${MAX_ID_LENGTH} characters: ${event.id.slice(0, 40)}…`);
  }
  return {
    // An object body is JSON-encoded by the SDK into one AMQP data section (CloudEvents AMQP structured mode).
    body: event,
    contentType: 'application/cloudevents+json',
    messageId: event.id,
    sessionId: event.subject,
    correlationId: event.subject,
    subject: event.type,
    applicationProperties: {
      service: event.data.service,
      kind: event.data.kind,
      sequence: event.data.sequence,
    },
  };
}

/**
 * Publishes each notification as a CloudEvent. Sends are awaited one after the other, so a caller that
 * publishes a deployment's notifications in sequence gets them enqueued in sequence. A failure part-way
 * (e.g. `incidents` after `deployments`) rejects; the caller's retry re-sends both and the broker drops
 * the one already accepted.
 */
export class ServiceBusNotifier implements Notifier {
  constructor(
    private readonly senders: Record<Topic, MessageSender>,
    private readonly clock: AppClock,
    private readonly onClose: () => Promise<void> = async () => {},
  ) {}

  /** Identity-based: `namespace` is the fully qualified `<ns>.servicebus.windows.net`. */
  static create(namespace: string, credential: TokenCredential, clock: AppClock): ServiceBusNotifier {
    const client = new ServiceBusClient(fullyQualifiedNamespace(namespace), credential);
    const senders = {
      deployments: client.createSender(TOPICS.deployments),
      incidents: client.createSender(TOPICS.incidents),
    };
    return new ServiceBusNotifier(senders, clock, () => client.close());
  }

  async publish(notification: Notification): Promise<void> {
    const message = toServiceBusMessage(toCloudEvent(notification, this.clock.now()));
    for (const topic of topicsFor(notification.kind)) {
      await this.senders[topic].sendMessages(message);
    }
  }

  async close(): Promise<void> {
    await Promise.all(Object.values(this.senders).map((s) => s.close()));
    await this.onClose();
  }
}

/** Accepts the forms people paste (`sb://…/`, the portal's host name); rejects a bare namespace name. */
export function fullyQualifiedNamespace(value: string): string {
  const host = value
    .trim()
    .replace(/^sb:\/\//, '')
    .replace(/\/+$/, '');
  if (!/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(host)) {
    // The value is not echoed: a connection string pasted here by mistake carries a key.
    throw new Error('invalid Service Bus namespace: expected <ns>.servicebus.windows.net');
  }
  return host;
}

// Kept in its own file so the composition root can use it without loading the Service Bus SDK.
export { NoopNotifier } from './noop-notifier.js';
