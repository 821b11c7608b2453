import { describe, expect, it } from 'vitest';
import {
  formatStatusTime,
  parseJsonLenient,
  toStatusJson,
  transformHistory,
} from '../../../devhost/durable/status-json.js';
import { EventType } from '../../../devhost/durable/types.js';
import type { HistoryEvent, InstanceState } from '../../../devhost/durable/types.js';

const state: InstanceState = {
  instanceId: 'inst-1',
  name: 'orch',
  executionId: 'e1',
  runtimeStatus: 'Running',
  input: '{"name":"Ada"}',
  output: null,
  customStatus: '{"stage":"waiting"}',
  createdTime: '2025-01-01T00:00:00.123Z',
  lastUpdatedTime: '2025-01-01T00:00:17.999Z',
};

const ev = (type: number, extra: Partial<HistoryEvent> = {}): HistoryEvent => ({
  EventType: type as HistoryEvent['EventType'],
  EventId: -1,
  IsPlayed: true,
  Timestamp: '2025-01-01T00:00:00.000Z',
  ...extra,
});

describe('parseJsonLenient / formatStatusTime', () => {
  it('parses JSON, keeps non-JSON strings, maps null and blank', () => {
    expect(parseJsonLenient('{"a":1}')).toEqual({ a: 1 });
    expect(parseJsonLenient('"x"')).toBe('x');
    expect(parseJsonLenient('user asked')).toBe('user asked');
    expect(parseJsonLenient(null)).toBeNull();
    expect(parseJsonLenient(undefined)).toBeNull();
    expect(parseJsonLenient('  ')).toBe('');
  });

  it('formats times without fractions and leaves unparsable text alone', () => {
    expect(formatStatusTime('2025-01-01T00:00:17.999Z')).toBe('2025-01-01T00:00:17Z');
    expect(formatStatusTime('2025-01-01T01:00:00+01:00')).toBe('2025-01-01T00:00:00Z');
    expect(formatStatusTime('not a time')).toBe('not a time');
  });
});

describe('toStatusJson', () => {
  it('reports every field, parsed, with null for absent values and no history keys', () => {
    expect(toStatusJson(state)).toEqual({
      name: 'orch',
      instanceId: 'inst-1',
      runtimeStatus: 'Running',
      input: { name: 'Ada' },
      customStatus: { stage: 'waiting' },
      output: null,
      createdTime: '2025-01-01T00:00:00Z',
      lastUpdatedTime: '2025-01-01T00:00:17Z',
    });
  });

  it('hides the input with showInput=false and reports both history keys', () => {
    const json = toStatusJson(state, [ev(EventType.OrchestratorStarted)], { showInput: false });
    expect(json.input).toBeNull();
    expect(json.historyEvents).toEqual([]);
    expect(json.history).toBe(json.historyEvents);
  });

  it('uses the failure message as the output of a Failed instance', () => {
    const failed: InstanceState = {
      ...state,
      runtimeStatus: 'Failed',
      failureDetails: { ErrorType: 'Error', ErrorMessage: 'boom', IsNonRetriable: false },
    };
    expect(toStatusJson(failed).output).toBe('boom');
    expect(toStatusJson({ ...failed, output: '"stored message"' }).output).toBe('stored message');
  });
});

const history: HistoryEvent[] = [
  ev(EventType.OrchestratorStarted),
  ev(EventType.ExecutionStarted, {
    Name: 'orch',
    Version: '1',
    Input: '{"name":"Ada"}',
    OrchestrationInstance: { InstanceId: 'inst-1', ExecutionId: 'e1' },
    ParentInstance: null,
  }),
  ev(EventType.TaskScheduled, {
    EventId: 0,
    Name: 'hello',
    Version: '',
    Input: '"Ada"',
    Timestamp: 'T-sched',
  }),
  ev(EventType.TimerCreated, { EventId: 1, FireAt: '2025-01-02T00:00:00Z' }),
  ev(EventType.SubOrchestrationInstanceCreated, { EventId: 2, Name: 'child', InstanceId: 'c1', Input: '5' }),
  ev(EventType.TaskScheduled, { EventId: 3, Name: 'pending', Version: 'v', Input: '1' }),
  ev(EventType.OrchestratorCompleted),
  ev(EventType.TaskCompleted, { TaskScheduledId: 0, Result: '"Hello, Ada!"', Timestamp: 'T-done' }),
  ev(EventType.TimerFired, { TimerId: 1, FireAt: '2025-01-02T00:00:00Z' }),
  ev(EventType.SubOrchestrationInstanceFailed, {
    TaskScheduledId: 2,
    Reason: 'bad',
    FailureDetails: { ErrorType: 'Error', ErrorMessage: 'bad', IsNonRetriable: false },
  }),
  ev(EventType.EventRaised, { Name: 'approve', Input: 'true' }),
  ev(EventType.TaskCompleted, { TaskScheduledId: 9, Result: 'not json' }),
  ev(EventType.ExecutionCompleted, { OrchestrationStatus: 1, Result: '{"ok":true}' }),
];

describe('transformHistory', () => {
  it('applies the extension presentation rules (showInput default, no output)', () => {
    expect(transformHistory(history)).toEqual([
      {
        EventType: 'ExecutionStarted',
        Timestamp: '2025-01-01T00:00:00.000Z',
        FunctionName: 'orch',
        Input: { name: 'Ada' },
      },
      { EventType: 'TimerCreated', Timestamp: '2025-01-01T00:00:00.000Z', FireAt: '2025-01-02T00:00:00Z' },
      { EventType: 'TaskScheduled', Timestamp: '2025-01-01T00:00:00.000Z', Name: 'pending', Input: 1 },
      {
        EventType: 'TaskCompleted',
        Timestamp: 'T-done',
        FunctionName: 'hello',
        ScheduledTime: 'T-sched',
        Input: 'Ada',
      },
      { EventType: 'TimerFired', Timestamp: '2025-01-01T00:00:00.000Z', FireAt: '2025-01-02T00:00:00Z' },
      {
        EventType: 'SubOrchestrationInstanceFailed',
        Timestamp: '2025-01-01T00:00:00.000Z',
        Reason: 'bad',
        FailureDetails: { ErrorType: 'Error', ErrorMessage: 'bad', IsNonRetriable: false },
        FunctionName: 'child',
        ScheduledTime: '2025-01-01T00:00:00.000Z',
        Input: 5,
      },
      { EventType: 'EventRaised', Timestamp: '2025-01-01T00:00:00.000Z', Name: 'approve', Input: true },
      { EventType: 'TaskCompleted', Timestamp: '2025-01-01T00:00:00.000Z' },
      {
        EventType: 'ExecutionCompleted',
        Timestamp: '2025-01-01T00:00:00.000Z',
        OrchestrationStatus: 'Completed',
      },
    ]);
  });

  it('keeps parsed results with showHistoryOutput and drops inputs with showInput=false', () => {
    const out = transformHistory(history, { showHistoryOutput: true, showInput: false });
    const results = out.filter((item) => 'Result' in item).map((item) => item.Result);
    expect(results).toEqual(['Hello, Ada!', 'not json', { ok: true }]);
    expect(out.some((item) => 'Input' in item)).toBe(false);
    expect(out.some((item) => 'EventId' in item || 'IsPlayed' in item || 'TaskScheduledId' in item)).toBe(
      false,
    );
  });
});
