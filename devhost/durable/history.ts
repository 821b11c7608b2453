import { EventType, type FailureDetails, type HistoryEvent } from './types.js';

type Extra = Omit<Partial<HistoryEvent>, 'EventType' | 'Timestamp'>;

/** Builds a history event; scheduling events pass their sequence number as EventId, all others get -1. */
export function historyEvent(
  type: HistoryEvent['EventType'],
  timestamp: number,
  extra: Extra = {},
): HistoryEvent {
  return {
    EventType: type,
    EventId: -1,
    IsPlayed: false,
    Timestamp: new Date(timestamp).toISOString(),
    ...extra,
  };
}

/** JSON text for a value; `undefined` becomes `null` as the extension does. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value === undefined ? null : value);
}

/** Parses JSON text, keeping non-JSON text as the raw string (how the worker treats string inputs). */
export function parseJsonText(text: string | null | undefined): unknown {
  if (text === null || text === undefined || text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * FailureDetails from a thrown value. When the app registered an exception-properties provider, the
 * activity wrapper has already rewritten the message into a JSON payload; unpack it so the orchestrator
 * sees the original type, message and properties (contract 2.8).
 */
export function failureDetailsFrom(error: unknown): FailureDetails {
  if (error instanceof Error) {
    const payload = parseProviderPayload(error.message);
    if (payload) return payload;
    return {
      ErrorType: error.name || 'Error',
      ErrorMessage: error.message,
      StackTrace: error.stack,
      IsNonRetriable: false,
    };
  }
  return { ErrorType: 'Error', ErrorMessage: String(error), IsNonRetriable: false };
}

function parseProviderPayload(message: string): FailureDetails | undefined {
  if (!message.startsWith('{')) return undefined;
  try {
    const p = JSON.parse(message) as Record<string, unknown>;
    if (typeof p.errorType !== 'string' || typeof p.errorMessage !== 'string') return undefined;
    return {
      ErrorType: p.errorType,
      ErrorMessage: p.errorMessage,
      StackTrace: typeof p.stackTrace === 'string' ? p.stackTrace : undefined,
      IsNonRetriable: p.isNonRetriable === true,
      Properties: (p.properties as Record<string, unknown> | undefined) ?? undefined,
    };
  } catch {
    return undefined;
  }
}

/** The three failure fields the extension writes on TaskFailed / SubOrchestrationInstanceFailed. */
export function failureFields(
  what: 'Activity function' | 'Orchestrator function',
  name: string,
  details: FailureDetails,
): Pick<HistoryEvent, 'Reason' | 'Details' | 'FailureDetails'> {
  return {
    Reason: `${what} '${name}' failed: ${details.ErrorMessage}`,
    Details:
      details.StackTrace ?? JSON.stringify({ $type: 'System.Exception', Message: details.ErrorMessage }),
    FailureDetails: details,
  };
}

export function simpleFailure(message: string, type = 'Error'): FailureDetails {
  return { ErrorType: type, ErrorMessage: message, IsNonRetriable: true };
}

export const isScheduling = (e: HistoryEvent): boolean =>
  e.EventType === EventType.TaskScheduled ||
  e.EventType === EventType.TimerCreated ||
  e.EventType === EventType.SubOrchestrationInstanceCreated ||
  e.EventType === EventType.EventSent;

/** The scheduled id a completion event answers, if it is one. */
export function completedId(e: HistoryEvent): number | undefined {
  switch (e.EventType) {
    case EventType.TaskCompleted:
    case EventType.TaskFailed:
    case EventType.SubOrchestrationInstanceCompleted:
    case EventType.SubOrchestrationInstanceFailed:
      return e.TaskScheduledId;
    case EventType.TimerFired:
      return e.TimerId;
    default:
      return undefined;
  }
}
