/** Builders shared by the task-hub store contract suites. */
import type {
  HistoryEvent,
  InboxMessage,
  InstanceState,
  TaskHubStore,
} from '../../../devhost/durable/types.js';
import { EventType } from '../../../devhost/durable/types.js';

export interface StoreFixture {
  store: TaskHubStore;
  cleanup(): Promise<void>;
}

export type MakeStore = () => Promise<StoreFixture>;

export function instance(instanceId: string, overrides: Partial<InstanceState> = {}): InstanceState {
  return {
    instanceId,
    name: 'deployPipeline',
    executionId: 'exec-1',
    runtimeStatus: 'Running',
    input: '{"app":"web"}',
    output: null,
    customStatus: null,
    createdTime: '2025-01-01T00:00:00.000Z',
    lastUpdatedTime: '2025-01-01T00:00:01.000Z',
    ...overrides,
  };
}

export function event(
  type: (typeof EventType)[keyof typeof EventType],
  extra: Partial<HistoryEvent> = {},
): HistoryEvent {
  return { EventType: type, EventId: -1, IsPlayed: false, Timestamp: '2025-01-01T00:00:00.000Z', ...extra };
}

/** A short episode: OrchestratorStarted, one scheduled task with a marker, OrchestratorCompleted. */
export function episode(marker: string, eventId = 0): HistoryEvent[] {
  return [
    event(EventType.OrchestratorStarted),
    event(EventType.TaskScheduled, { EventId: eventId, Name: 'step', Input: JSON.stringify(marker) }),
    event(EventType.OrchestratorCompleted),
  ];
}

export function message(instanceId: string, id: string, result = `"${id}"`): InboxMessage {
  return {
    id,
    instanceId,
    executionId: 'exec-1',
    event: event(EventType.TaskCompleted, { TaskScheduledId: 0, Result: result }),
  };
}

/** Zero-padded so that ids sort in arrival order, as the engine's ids do. */
export function messageId(n: number): string {
  return `msg-${String(n).padStart(6, '0')}`;
}
