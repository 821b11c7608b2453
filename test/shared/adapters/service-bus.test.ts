import { DefaultAzureCredential } from '@azure/identity';
import type { ServiceBusMessage } from '@azure/service-bus';
import { describe, expect, it } from 'vitest';
import { CloudEventError, toCloudEvent } from '../../../shared/adapters/cloudevents.js';
import {
  fullyQualifiedNamespace,
  NoopNotifier,
  ServiceBusNotifier,
  toServiceBusMessage,
  topicsFor,
  type MessageSender,
  type Topic,
} from '../../../shared/adapters/service-bus.js';
import type { Notification } from '../../../shared/ports/notifier.js';

const T0 = Date.UTC(2026, 10, 27, 2, 0, 0);
const note = (over: Partial<Notification> = {}): Notification => ({
  kind: 'stage',
  deploymentId: 'web-0123456789ab',
  service: 'web',
  sequence: 3,
  title: 'Canary at 10%',
  ...over,
});

describe('toCloudEvent', () => {
  it.each([
    ['stage', 'io.gantry.deployment.stage'],
    ['outcome', 'io.gantry.deployment.outcome'],
    ['incident', 'io.gantry.deployment.incident'],
  ] as const)('%s → %s with the CloudEvents 1.0 attributes', (kind, type) => {
    const event = toCloudEvent(note({ kind, detail: { state: 'Canary' } }), T0);
    expect(event).toEqual({
      specversion: '1.0',
      id: 'web-0123456789ab:3',
      source: '/gantry/deployments/web',
      type,
      time: '2026-11-27T02:00:00.000Z',
      subject: 'web-0123456789ab',
      datacontenttype: 'application/json',
      data: {
        deploymentId: 'web-0123456789ab',
        service: 'web',
        sequence: 3,
        kind,
        title: 'Canary at 10%',
        detail: { state: 'Canary' },
      },
    });
  });

  it('omits detail when absent and escapes the service in source', () => {
    const event = toCloudEvent(note({ service: 'a b' }), T0);
    expect(event.data).not.toHaveProperty('detail');
    expect(event.source).toBe('/gantry/deployments/a%20b');
  });

  it.each([
    ['negative sequence', { sequence: -1 }],
    ['fractional sequence', { sequence: 1.5 }],
    ['empty deploymentId', { deploymentId: '' }],
    ['empty service', { service: '' }],
  ])('rejects %s', (_, over) => {
    expect(() => toCloudEvent(note(over), T0)).toThrow(CloudEventError);
  });
});

describe('toServiceBusMessage', () => {
  it('sends structured-mode CloudEvents with a deterministic messageId', () => {
    const event = toCloudEvent(note(), T0);
    expect(toServiceBusMessage(event)).toEqual({
      body: event,
      contentType: 'application/cloudevents+json',
      messageId: 'web-0123456789ab:3',
      sessionId: 'web-0123456789ab',
      correlationId: 'web-0123456789ab',
      subject: 'io.gantry.deployment.stage',
      applicationProperties: { service: 'web', kind: 'stage', sequence: 3 },
    });
  });

  it('is the same message id whatever the publish time', () => {
    const a = toServiceBusMessage(toCloudEvent(note(), T0));
    const b = toServiceBusMessage(toCloudEvent(note(), T0 + 60_000));
    expect(a.messageId).toBe(b.messageId);
  });

  it('rejects ids Service Bus would refuse (> 128 characters)', () => {
    const event = toCloudEvent(note({ deploymentId: 'x'.repeat(127) }), T0);
    expect(() => toServiceBusMessage(event)).toThrow(/128/);
  });
});

describe('topicsFor', () => {
  it.each([
    ['stage', ['deployments']],
    ['outcome', ['deployments']],
    ['incident', ['deployments', 'incidents']],
  ] as const)('%s → %j', (kind, topics) => {
    expect(topicsFor(kind)).toEqual(topics);
  });
});

/** In-memory topic: drops a messageId it has seen (duplicate detection), records arrival order. */
class FakeTopic implements MessageSender {
  readonly accepted: ServiceBusMessage[] = [];
  readonly seen = new Set<string>();
  failNext = 0;
  closed = false;
  async sendMessages(message: ServiceBusMessage): Promise<void> {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw Object.assign(new Error('ServiceBusy'), { code: 'ServiceBusy' });
    }
    const id = message.messageId;
    if (typeof id !== 'string' || !id) throw new Error('messageId required');
    if (this.seen.has(id)) return;
    this.seen.add(id);
    // Keep a copy so later mutation by the sender would not rewrite history.
    this.accepted.push(structuredClone(message));
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

function setup() {
  const topics: Record<Topic, FakeTopic> = { deployments: new FakeTopic(), incidents: new FakeTopic() };
  const clock = { t: T0, now: () => clock.t };
  return { topics, clock, notifier: new ServiceBusNotifier(topics, clock) };
}

const seqsOf = (topic: FakeTopic, deploymentId: string) =>
  topic.accepted
    .filter((m) => m.sessionId === deploymentId)
    .map((m) => (m.body as { data: { sequence: number } }).data.sequence);

describe('ServiceBusNotifier', () => {
  it('routes stage and outcome to deployments, incidents to both topics', async () => {
    const { topics, notifier } = setup();
    await notifier.publish(note({ kind: 'stage', sequence: 1 }));
    await notifier.publish(note({ kind: 'incident', sequence: 2 }));
    await notifier.publish(note({ kind: 'outcome', sequence: 3 }));
    expect(topics.deployments.accepted.map((m) => m.subject)).toEqual([
      'io.gantry.deployment.stage',
      'io.gantry.deployment.incident',
      'io.gantry.deployment.outcome',
    ]);
    expect(topics.incidents.accepted.map((m) => m.messageId)).toEqual(['web-0123456789ab:2']);
  });

  it('keeps per-deployment order when deployments interleave', async () => {
    const { topics, clock, notifier } = setup();
    for (let seq = 1; seq <= 4; seq++) {
      clock.t += 1000;
      await notifier.publish(note({ deploymentId: 'web-a', sequence: seq }));
      await notifier.publish(note({ deploymentId: 'api-b', service: 'api', sequence: seq * 10 }));
    }
    expect(seqsOf(topics.deployments, 'web-a')).toEqual([1, 2, 3, 4]);
    expect(seqsOf(topics.deployments, 'api-b')).toEqual([10, 20, 30, 40]);
  });

  it('a retried publish of the same notification adds no second message', async () => {
    const { topics, clock, notifier } = setup();
    await notifier.publish(note({ kind: 'incident', sequence: 7 }));
    clock.t += 5000; // a retry happens later: different `time`, same id
    await notifier.publish(note({ kind: 'incident', sequence: 7 }));
    expect(topics.deployments.accepted).toHaveLength(1);
    expect(topics.incidents.accepted).toHaveLength(1);
  });

  it('a failure part-way rejects, and the retry completes without duplicating', async () => {
    const { topics, notifier } = setup();
    topics.incidents.failNext = 1;
    await expect(notifier.publish(note({ kind: 'incident', sequence: 9 }))).rejects.toThrow('ServiceBusy');
    expect(topics.deployments.accepted).toHaveLength(1);
    expect(topics.incidents.accepted).toHaveLength(0);

    await notifier.publish(note({ kind: 'incident', sequence: 9 }));
    expect(topics.deployments.accepted.map((m) => m.messageId)).toEqual(['web-0123456789ab:9']);
    expect(topics.incidents.accepted.map((m) => m.messageId)).toEqual(['web-0123456789ab:9']);
  });

  it('does not send an invalid notification anywhere', async () => {
    const { topics, notifier } = setup();
    await expect(notifier.publish(note({ sequence: Number.NaN }))).rejects.toThrow(CloudEventError);
    expect(topics.deployments.accepted).toHaveLength(0);
  });

  it('close closes both senders and the client', async () => {
    const topics = { deployments: new FakeTopic(), incidents: new FakeTopic() };
    let clientClosed = false;
    const notifier = new ServiceBusNotifier(topics, { now: () => T0 }, async () => {
      clientClosed = true;
    });
    await notifier.close();
    expect([topics.deployments.closed, topics.incidents.closed, clientClosed]).toEqual([true, true, true]);
  });

  it('create builds identity-based senders without connecting', async () => {
    const notifier = ServiceBusNotifier.create(
      'gantry-sb.servicebus.windows.net',
      new DefaultAzureCredential(),
      { now: () => T0 },
    );
    expect(notifier).toBeInstanceOf(ServiceBusNotifier);
    await notifier.close();
  });
});

describe('fullyQualifiedNamespace', () => {
  it.each([
    ['gantry-sb.servicebus.windows.net', 'gantry-sb.servicebus.windows.net'],
    ['sb://gantry-sb.servicebus.windows.net/', 'gantry-sb.servicebus.windows.net'],
    [' gantry-sb.servicebus.chinacloudapi.cn ', 'gantry-sb.servicebus.chinacloudapi.cn'],
  ])('%j → %j', (input, expected) => {
    expect(fullyQualifiedNamespace(input)).toBe(expected);
  });

  it.each(['gantry-sb', 'Endpoint=sb://x.servicebus.windows.net/;SharedAccessKey=k', ''])(
    'rejects %j',
    (input) => {
      expect(() => fullyQualifiedNamespace(input)).toThrow(/invalid Service Bus namespace/);
      expect(() => fullyQualifiedNamespace(input)).not.toThrow(/SharedAccessKey/);
    },
  );
});

describe('NoopNotifier', () => {
  it('accepts and drops', async () => {
    await expect(new NoopNotifier().publish()).resolves.toBeUndefined();
  });
});
