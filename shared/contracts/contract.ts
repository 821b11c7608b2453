/**
 * Typed names: an activity or event contract carries its input and output types, so orchestrations and
 * registrations cannot disagree on a name or a payload shape.
 */
export interface ActivityContract<I, O> {
  readonly name: string;
  /** Phantom fields: never set, only carry the types. */
  readonly _input?: I;
  readonly _output?: O;
}

export interface EventContract<T> {
  readonly name: string;
  readonly _payload?: T;
}

export const activity = <I, O>(name: string): ActivityContract<I, O> => ({ name });
export const event = <T>(name: string): EventContract<T> => ({ name });

export type InputOf<C> = C extends ActivityContract<infer I, unknown> ? I : never;
export type OutputOf<C> = C extends ActivityContract<unknown, infer O> ? O : never;
export type PayloadOf<C> = C extends EventContract<infer T> ? T : never;

/** Retry policy for activities: a thrown error means "retry this" (expected outcomes are data). */
export interface RetryPolicy {
  firstRetryIntervalMs: number;
  maxAttempts: number;
  backoffCoefficient: number;
  maxRetryIntervalMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  firstRetryIntervalMs: 5_000,
  maxAttempts: 5,
  backoffCoefficient: 2,
  maxRetryIntervalMs: 60_000,
};
