/** The actions an orchestrator episode returns (contract 2.2 and 2.6). */

export const ActionType = {
  CallActivity: 0,
  CallActivityWithRetry: 1,
  CallSubOrchestrator: 2,
  CallSubOrchestratorWithRetry: 3,
  ContinueAsNew: 4,
  CreateTimer: 5,
  WaitForExternalEvent: 6,
  CallEntity: 7,
  CallHttp: 8,
  SignalEntity: 9,
  ScheduledSignalEntity: 10,
  WhenAny: 11,
  WhenAll: 12,
  LockEntities: 13,
  ReleaseEntities: 14,
} as const;

export interface RetryOptionsWire {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
  retryTimeoutInMilliseconds?: number;
}

export interface Action {
  actionType: number;
  functionName?: string;
  input?: unknown;
  instanceId?: string;
  version?: string;
  retryOptions?: RetryOptionsWire;
  fireAt?: string;
  isCanceled?: boolean;
  externalEventName?: string;
  compoundActions?: Action[];
  httpRequest?: {
    method: string;
    uri: string;
    content?: string;
    headers?: Record<string, string>;
    tokenSource?: unknown;
  };
}

export interface OrchestratorState {
  isDone: boolean;
  actions: Action[][];
  output?: unknown;
  error?: string;
  customStatus?: unknown;
  schemaVersion?: number;
  failureDetails?: {
    ErrorType: string;
    ErrorMessage: string;
    StackTrace?: string;
    IsNonRetriable?: boolean;
    Properties?: Record<string, unknown>;
  };
}

/** Atomic actions in the order the SDK numbers them: inner arrays concatenated, compounds depth-first. */
export function flattenActions(actions: Action[][]): Action[] {
  const out: Action[] = [];
  const walk = (a: Action): void => {
    if (a.actionType === ActionType.WhenAll || a.actionType === ActionType.WhenAny) {
      for (const child of a.compoundActions ?? []) walk(child);
    } else {
      out.push(a);
    }
  };
  for (const group of actions) for (const a of group) walk(a);
  return out;
}

/** How many sequence numbers an atomic action consumes (contract 2.5). */
export function idsConsumed(a: Action): number {
  switch (a.actionType) {
    case ActionType.WaitForExternalEvent:
    case ActionType.ContinueAsNew:
      return 0;
    default:
      return 1;
  }
}

const ENTITY_ACTIONS: ReadonlySet<number> = new Set([
  ActionType.CallEntity,
  ActionType.SignalEntity,
  ActionType.ScheduledSignalEntity,
  ActionType.LockEntities,
  ActionType.ReleaseEntities,
]);

export const isEntityAction = (a: Action): boolean => ENTITY_ACTIONS.has(a.actionType);

/**
 * JSON text of an activity or continue-as-new input. The SDK pre-encodes string inputs ("Ada" arrives as
 * "\"Ada\""), so a string is already JSON text; anything else is a raw value.
 */
export function preEncodedInput(input: unknown): string | null {
  if (input === undefined) return null;
  return typeof input === 'string' ? input : JSON.stringify(input);
}

/** Sub-orchestrator inputs are raw values, never pre-encoded. */
export function rawInput(input: unknown): string | null {
  return input === undefined ? null : JSON.stringify(input);
}

/** Delay before retry after failure number `attempt` (1-based); the last failure gets an immediate timer. */
export function retryDelay(options: RetryOptionsWire, attempt: number): number {
  if (attempt >= options.maxNumberOfAttempts) return 0;
  const coefficient = options.backoffCoefficient ?? 1;
  const delay = options.firstRetryIntervalInMilliseconds * Math.pow(coefficient, attempt - 1);
  const cap = options.maxRetryIntervalInMilliseconds;
  return cap !== undefined && cap > 0 ? Math.min(delay, cap) : delay;
}

const LABEL = '\n\n$OutOfProcData$:';

/** An orchestrator rejection carries its state after a label (contract 2.2); anything else is a host bug. */
export function parseOrchestratorFailure(error: unknown): OrchestratorState | undefined {
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : undefined;
  if (message === undefined) return undefined;
  const at = message.indexOf(LABEL);
  if (at < 0) return undefined;
  try {
    return JSON.parse(message.slice(at + LABEL.length)) as OrchestratorState;
  } catch {
    return undefined;
  }
}
