/** The shapes the worker's `@azure/functions-core` API exchanges with `@azure/functions` (contract 1.2-1.3). */

export interface BindingMetadata {
  type: string;
  direction: 'in' | 'out' | 'inout';
  name?: string;
  [option: string]: unknown;
}

export interface FunctionMetadata {
  name: string;
  functionId?: string;
  bindings: Record<string, BindingMetadata>;
  retryOptions?: Record<string, unknown>;
}

export type FunctionCallback = (...args: unknown[]) => unknown;

export interface RegisteredFunction {
  name: string;
  metadata: FunctionMetadata;
  callback: FunctionCallback;
  /** Binding name (key in metadata.bindings) and binding of the trigger. */
  triggerName: string;
  trigger: BindingMetadata;
}

export interface InvokeOptions {
  invocationId?: string;
  triggerMetadata?: Record<string, unknown>;
}

export interface InvokeResult {
  /** The callback's return value (awaited). */
  result: unknown;
  /** Values the handler set with context.extraOutputs, keyed by binding name. */
  extraOutputs: Record<string, unknown>;
}

/**
 * Supplies the value of a non-trigger input binding of a given type (e.g. `durableClient`) for one
 * invocation. `origin` is the externally visible origin of the request being served, when there is one.
 */
export type ExtraInputProvider = (binding: BindingMetadata, origin: string | undefined) => unknown;

/** Invokes registered functions the way the Node worker does (contract 1.5, path B). */
export interface FunctionInvoker {
  get(name: string): RegisteredFunction | undefined;
  list(): RegisteredFunction[];
  /** Invokes `name` with a fresh InvocationContext; rejects with whatever the handler threw. */
  invoke(
    name: string,
    triggerValue: unknown,
    options?: InvokeOptions & { origin?: string },
  ): Promise<InvokeResult>;
  /** Registers the provider used for input bindings of `bindingType`. */
  provideInput(bindingType: string, provider: ExtraInputProvider): void;
}

/** Log levels of the Functions host (the same strings `InvocationContext` log handlers receive). */
export type HostLogLevel = 'trace' | 'debug' | 'information' | 'warning' | 'error' | 'critical';

/** Where the dev host writes its own and the functions' log lines; same shape as the SDK's `LogHandler`. */
export type HostLogger = (level: HostLogLevel, ...args: unknown[]) => void;

/**
 * Function keys, as the host's key store would hold them. `undefined` (the default, like Core Tools)
 * means keys are not enforced at all.
 */
export interface HostKeys {
  master?: string;
  host?: string[];
  /** Per function name. */
  functions?: Record<string, string[]>;
  /** System keys by extension name, e.g. `eventgrid_extension`. */
  system?: Record<string, string>;
}
