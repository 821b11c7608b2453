import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { format } from 'node:util';
import type * as AzureFunctions from '@azure/functions';
import type { Registry } from './core-module.js';
import type {
  BindingMetadata,
  ExtraInputProvider,
  FunctionCallback,
  FunctionInvoker,
  HostLogger,
  InvokeOptions,
  InvokeResult,
  RegisteredFunction,
} from './types.js';

export type FunctionsModule = typeof AzureFunctions;

/**
 * The app's own copy of `@azure/functions`. A second copy would break `instanceof HttpResponse` and
 * would not share the state the app's registrations set up (contract 1.4).
 */
export function loadFunctionsModule(appDir: string): FunctionsModule {
  return createRequire(path.join(path.resolve(appDir), 'package.json'))(
    '@azure/functions',
  ) as FunctionsModule;
}

export interface InvokerOptions {
  registry: Registry;
  sdk: FunctionsModule;
  logger?: HostLogger;
}

type BindingOption = AzureFunctions.FunctionTrigger &
  AzureFunctions.FunctionInput &
  AzureFunctions.FunctionOutput;
const RETURN_KEY = '$return';

/** Invokes registered callbacks directly with public constructors (contract 1.5, path B). */
export class Invoker implements FunctionInvoker {
  readonly #registry: Registry;
  readonly #sdk: FunctionsModule;
  readonly #logger: HostLogger;
  /** Keyed by lower-case binding type (the host matches types case-insensitively). */
  readonly #providers = new Map<string, { type: string; provide: ExtraInputProvider }>();

  constructor(options: InvokerOptions) {
    this.#registry = options.registry;
    this.#sdk = options.sdk;
    this.#logger = options.logger ?? (() => {});
  }

  get sdk(): FunctionsModule {
    return this.#sdk;
  }

  get(name: string): RegisteredFunction | undefined {
    return this.#registry.get(name);
  }

  list(): RegisteredFunction[] {
    return this.#registry.list();
  }

  provideInput(bindingType: string, provider: ExtraInputProvider): void {
    this.#providers.set(bindingType.toLowerCase(), { type: bindingType, provide: provider });
  }

  async invoke(
    name: string,
    triggerValue: unknown,
    options: InvokeOptions & { origin?: string } = {},
  ): Promise<InvokeResult> {
    const fn = this.get(name);
    if (!fn) throw new Error(`Function "${name}" is not registered.`);
    const invocationId = options.invocationId ?? randomUUID();
    const context = this.#createContext(fn, invocationId, options.triggerMetadata);
    await this.#bindExtraInputs(fn, context, options.origin);
    const started = Date.now();
    this.#logger('debug', `Executing 'Functions.${fn.name}' (Id=${invocationId})`);
    try {
      const result = await this.#runWithHooks(fn, context, triggerValue);
      this.#logger(
        'debug',
        `Executed 'Functions.${fn.name}' (Succeeded, Id=${invocationId}, ${Date.now() - started}ms)`,
      );
      return { result, extraOutputs: collectExtraOutputs(fn, context) };
    } catch (err) {
      this.#logger(
        'debug',
        `Executed 'Functions.${fn.name}' (Failed, Id=${invocationId}, ${Date.now() - started}ms)`,
      );
      throw err;
    }
  }

  /** Hook contexts are plain objects the library wraps; the host reads back what hooks changed. */
  async #runWithHooks(
    fn: RegisteredFunction,
    context: AzureFunctions.InvocationContext,
    triggerValue: unknown,
  ): Promise<unknown> {
    const hookData: Record<string, unknown> = {};
    const appHookData = this.#registry.appHookData;
    const pre = {
      hookData,
      appHookData,
      invocationContext: context,
      inputs: [triggerValue] as unknown[],
      functionCallback: fn.callback,
    };
    await this.#registry.runHooks('preInvocation', pre);
    const post: Record<string, unknown> = {
      hookData,
      appHookData,
      invocationContext: context,
      inputs: pre.inputs,
    };
    try {
      post.result = await (pre.functionCallback as FunctionCallback)(...pre.inputs, context);
    } catch (err) {
      post.error = err ?? new Error(`Function ${fn.name} threw ${String(err)}`);
    }
    await this.#registry.runHooks('postInvocation', post);
    if (post.error !== undefined && post.error !== null) throw post.error;
    return post.result;
  }

  #createContext(
    fn: RegisteredFunction,
    invocationId: string,
    triggerMetadata: Record<string, unknown> | undefined,
  ): AzureFunctions.InvocationContext {
    // Log hooks receive the InvocationContext itself, which exists only once the constructor returned.
    const self: { context?: AzureFunctions.InvocationContext } = {};
    const context = new this.#sdk.InvocationContext({
      invocationId,
      functionName: fn.name,
      logHandler: (level, ...args) =>
        this.#registry.emitLog(level, 'user', format(...args), self.context ?? { functionName: fn.name }),
      triggerMetadata,
      options: effectiveOptions(fn),
    });
    self.context = context;
    return context;
  }

  async #bindExtraInputs(
    fn: RegisteredFunction,
    context: AzureFunctions.InvocationContext,
    origin: string | undefined,
  ): Promise<void> {
    for (const [key, binding] of Object.entries(fn.metadata.bindings)) {
      if (key === fn.triggerName || binding.direction !== 'in') continue;
      const provider = this.#providers.get(binding.type.toLowerCase());
      if (!provider) {
        const known = [...this.#providers.values()].map((p) => p.type).join(', ') || 'none';
        throw new Error(
          `Function "${fn.name}" has an input binding "${key}" of type "${binding.type}" that the dev host ` +
            `cannot provide (input types it can provide: ${known}).`,
        );
      }
      context.extraInputs.set(key, await provider.provide({ ...binding, name: key }, origin));
    }
  }
}

/** Mirrors the library's `fromRpcBindings`: each binding keyed by its metadata key, `type` kept. */
export function effectiveOptions(fn: RegisteredFunction): AzureFunctions.EffectiveFunctionOptions {
  const toOption = (key: string, binding: BindingMetadata): BindingOption =>
    ({ ...binding, name: key }) as BindingOption;
  const extraInputs: AzureFunctions.FunctionInput[] = [];
  const extraOutputs: AzureFunctions.FunctionOutput[] = [];
  let returnBinding: AzureFunctions.FunctionOutput | undefined;
  for (const [key, binding] of Object.entries(fn.metadata.bindings)) {
    if (key === fn.triggerName) continue;
    if (key === RETURN_KEY) returnBinding = toOption(key, binding);
    else if (binding.direction === 'in') extraInputs.push(toOption(key, binding));
    else extraOutputs.push(toOption(key, binding));
  }
  return { trigger: toOption(fn.triggerName, fn.trigger), return: returnBinding, extraInputs, extraOutputs };
}

function collectExtraOutputs(
  fn: RegisteredFunction,
  context: AzureFunctions.InvocationContext,
): Record<string, unknown> {
  const outputs: Record<string, unknown> = {};
  for (const [key, binding] of Object.entries(fn.metadata.bindings)) {
    if (key === RETURN_KEY || binding.direction === 'in') continue;
    const value = context.extraOutputs.get(key);
    if (value !== undefined) outputs[key] = value;
  }
  return outputs;
}
