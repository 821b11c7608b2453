import { Module } from 'node:module';
import type {
  FunctionCallback,
  FunctionMetadata,
  HostLogger,
  HostLogLevel,
  RegisteredFunction,
} from './types.js';

/** The request string the worker answers; `@azure/functions` requires it lazily (contract 1.1). */
export const CORE_MODULE = '@azure/functions-core';
export const DEVHOST_VERSION = '0.1.0-gantry-devhost';

export type HookName = 'appStart' | 'appTerminate' | 'preInvocation' | 'postInvocation' | 'log';
export type HookCallback = (context: Record<string, unknown>) => unknown;
const HOOK_NAMES: ReadonlySet<string> = new Set<HookName>([
  'appStart',
  'appTerminate',
  'preInvocation',
  'postInvocation',
  'log',
]);
const LOG_LEVELS: ReadonlySet<string> = new Set<HostLogLevel>([
  'trace',
  'debug',
  'information',
  'warning',
  'error',
  'critical',
]);

/** Same contract as the worker's `Disposable` (VS Code style; dispose runs at most once). */
export class Disposable {
  static from(...disposables: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => {
      for (const d of disposables) d?.dispose();
    });
  }

  #callOnDispose: (() => unknown) | undefined;

  constructor(callOnDispose: () => unknown) {
    this.#callOnDispose = callOnDispose;
  }

  dispose(): unknown {
    const callback = this.#callOnDispose;
    this.#callOnDispose = undefined;
    return callback?.();
  }
}

/** One host's functions and hooks. Registration is open only while its app is loading. */
export class Registry {
  readonly appHookData: Record<string, unknown> = {};
  readonly #functions = new Map<string, RegisteredFunction>();
  readonly #hooks = new Map<string, HookCallback[]>();
  readonly #logger: HostLogger;
  #locked = false;
  #inLogHook = false;

  constructor(logger: HostLogger = () => {}) {
    this.#logger = logger;
  }

  get locked(): boolean {
    return this.#locked;
  }

  /** Called by the loader once every app file ran and the appStart hooks finished. */
  lock(): void {
    this.#locked = true;
  }

  registerFunction(metadata: FunctionMetadata, callback: FunctionCallback): Disposable {
    const id = metadata.functionId ?? metadata.name;
    this.#assertOpen(`register function "${id}"`);
    if (this.#functions.has(id)) throw new Error(`A function with id "${id}" has already been registered.`);
    if (typeof callback !== 'function')
      throw new TypeError(`Function "${id}" was registered without a callback.`);
    const triggers = Object.entries(metadata.bindings ?? {}).filter(([, b]) => /trigger$/i.test(b.type));
    const [first] = triggers;
    if (!first || triggers.length > 1) {
      throw new Error(`Function "${id}" must have exactly one trigger binding, found ${triggers.length}.`);
    }
    const [triggerName, trigger] = first;
    this.#functions.set(id, { name: metadata.name, metadata, callback, triggerName, trigger });
    return new Disposable(() => {
      this.#assertOpen(`dispose function "${id}"`);
      this.#functions.delete(id);
    });
  }

  registerHook(name: string, callback: HookCallback): Disposable {
    // RangeError is what the library expects from hosts that do not know a hook (see its `log`).
    if (!HOOK_NAMES.has(name)) throw new RangeError(`Unrecognized hook "${name}"`);
    const list = this.#hooks.get(name) ?? [];
    list.push(callback);
    this.#hooks.set(name, list);
    return new Disposable(() => {
      const index = list.indexOf(callback);
      if (index >= 0) list.splice(index, 1);
    });
  }

  /** Exact id first; Functions names are case-insensitive in the host, so fall back to that. */
  get(name: string): RegisteredFunction | undefined {
    const exact = this.#functions.get(name);
    if (exact) return exact;
    const lower = name.toLowerCase();
    return this.list().find((f) => f.name.toLowerCase() === lower);
  }

  list(): RegisteredFunction[] {
    return [...this.#functions.values()];
  }

  hookCount(name: HookName): number {
    return this.#hooks.get(name)?.length ?? 0;
  }

  /** Runs the hooks of `name` one after another (awaiting each), like the worker. */
  async runHooks(name: HookName, context: Record<string, unknown>): Promise<void> {
    for (const hook of [...(this.#hooks.get(name) ?? [])]) await hook(context);
  }

  /**
   * Runs `log` hooks (synchronously, like the worker; they may rewrite level and message), then writes
   * the line. A hook that logs itself would recurse, so logs emitted from inside a log hook skip hooks.
   */
  emitLog(
    level: string,
    category: string,
    message: string,
    invocationContext?: { functionName: string },
  ): void {
    const context: Record<string, unknown> = {
      hookData: {},
      appHookData: this.appHookData,
      level,
      category,
      message,
      invocationContext,
    };
    if (!this.#inLogHook) {
      this.#inLogHook = true;
      try {
        for (const hook of [...(this.#hooks.get('log') ?? [])]) void hook(context);
      } finally {
        this.#inLogHook = false;
      }
    }
    const finalLevel = String(context.level);
    if (!LOG_LEVELS.has(finalLevel)) return; // 'none' and unknown levels are dropped
    const prefix = invocationContext ? `[${invocationContext.functionName}]` : `[${category}]`;
    this.#logger(finalLevel as HostLogLevel, `${prefix} ${String(context.message)}`);
  }

  #assertOpen(action: string): void {
    if (this.#locked) {
      throw new Error(`Cannot ${action}: registration is only allowed during app startup.`);
    }
  }
}

/*
 * `@azure/functions` caches the object its first `require('@azure/functions-core')` returns, for the
 * life of the process (and caches failure as "test mode"). Tests run several hosts in one process
 * sharing one copy of the library, so the object handed out must stay valid across hosts: it is a
 * single facade that forwards to the registry installed *now*. The programming model lives on the
 * facade for the same reason: the library sets it once per process, not once per host.
 */
let current: Registry | undefined;
let programmingModel: unknown;

function active(): Registry {
  if (!current) {
    throw new Error(`${CORE_MODULE} was used while no dev host is loading or running an app.`);
  }
  return current;
}

export const coreApi = {
  version: DEVHOST_VERSION,
  hostVersion: '4.x (gantry devhost)',
  Disposable,
  registerFunction: (metadata: FunctionMetadata, callback: FunctionCallback): Disposable =>
    active().registerFunction(metadata, callback),
  registerHook: (name: string, callback: HookCallback): Disposable => active().registerHook(name, callback),
  setProgrammingModel: (model: unknown): void => {
    programmingModel = model;
  },
  getProgrammingModel: (): unknown => programmingModel,
  log: (level: string, category: string, message: string): void => {
    if (current) current.emitLog(level, category, message);
    else console.error(`[${category}] ${message}`);
  },
};

type RequireFn = (this: unknown, id: string) => unknown;
const moduleProto = Module.prototype as unknown as { require: RequireFn };
let installed: { original: RequireFn; proxy: RequireFn } | undefined;

/**
 * Makes `registry` the one `@azure/functions-core` forwards to, installing the require hook on first
 * use (the worker's technique: a Proxy around `Module.prototype.require` that answers exactly one
 * request string). Call before loading app code. A later install replaces the current registry.
 */
export function install(registry: Registry): void {
  current = registry;
  if (installed) return;
  const original = moduleProto.require;
  const proxy = new Proxy(original, {
    apply(target, thisArg, args: [string]) {
      return args[0] === CORE_MODULE ? coreApi : Reflect.apply(target, thisArg, args);
    },
  });
  moduleProto.require = proxy;
  installed = { original, proxy };
}

/**
 * Detaches `registry` (when given, only if it is the current one) and removes the require hook. Copies
 * of the library that already cached the facade keep it; it then refuses calls with a clear error.
 */
export function uninstall(registry?: Registry): void {
  if (registry && current !== registry) return;
  current = undefined;
  if (installed && moduleProto.require === installed.proxy) moduleProto.require = installed.original;
  installed = undefined;
}

export function currentRegistry(): Registry | undefined {
  return current;
}
