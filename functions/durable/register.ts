/* eslint-disable @typescript-eslint/no-require-imports -- the point of this file: see below */
import {
  app,
  input,
  trigger,
  type FunctionHandler,
  type FunctionInput,
  type InvocationContext,
} from '@azure/functions';
import type {
  ActivityOptions,
  EventGridDurableClientOptions,
  HttpDurableClientOptions,
  OrchestrationHandler,
} from 'durable-functions';

/**
 * Durable registrations that load the `durable-functions` SDK on a function's first invocation instead
 * of when the function files load. The SDK and what it pulls (axios, validator and lodash for the
 * client, moment for replay: about 400 files) cost a fresh worker ~150 ms before it can answer
 * anything, a health check or a dashboard read included (issue 19, docs/benchmarks.md "Cold start").
 * The first Durable invocation still pays that load: it moves, it does not vanish.
 *
 * Each function registers exactly what the SDK's own `df.app.*` would (the same trigger and input
 * binding types, test/functions/durable/register.test.ts compares them) and, on first use, runs the
 * SDK's own wrapper around the handler, so replay and client behaviour are the SDK's.
 */

type Sdk = typeof import('durable-functions');

/** What `df.app.orchestration` and `df.app.activity` wrap handlers with; not in the SDK's typings. */
interface Wrappers {
  createOrchestrator(handler: OrchestrationHandler): FunctionHandler;
  wrapActivityHandler(handler: ActivityOptions['handler']): FunctionHandler;
}

let sdk: Sdk | undefined;
let wrappers: Wrappers | undefined;

/** The SDK, loaded on first use (one copy: the module cache the rest of the app shares). */
export function durableSdk(): Sdk {
  return (sdk ??= require('durable-functions') as Sdk);
}

function sdkWrappers(): Wrappers {
  if (wrappers) return wrappers;
  // Pinned SDK version (package.json): these two are what its `app.orchestration`/`app.activity` call.
  const { createOrchestrator } = require('durable-functions/lib/src/util/testingUtils.js') as Wrappers;
  const { wrapActivityHandler } = durableSdk().app as unknown as Wrappers;
  return (wrappers = { createOrchestrator, wrapActivityHandler });
}

/** A handler built on first invocation and kept. */
function onFirstCall(build: () => FunctionHandler): FunctionHandler {
  let handler: FunctionHandler | undefined;
  return (triggerInput, context) => (handler ??= build())(triggerInput, context);
}

/**
 * An orchestration whose generator is also loaded on first use: orchestrator modules import the SDK
 * (`RetryOptions`), and none of them is needed before the first replay.
 */
export function orchestration(name: string, load: () => OrchestrationHandler): void {
  app.generic(name, {
    trigger: trigger.generic({ type: 'orchestrationTrigger' }),
    handler: onFirstCall(() => sdkWrappers().createOrchestrator(load())),
  });
}

export function activity(name: string, options: ActivityOptions): void {
  app.generic(name, {
    trigger: trigger.generic({ type: 'activityTrigger' }),
    ...options,
    handler: onFirstCall(() => sdkWrappers().wrapActivityHandler(options.handler)),
  });
}

const isClientInput = (binding: FunctionInput): boolean =>
  binding.type === 'durableClient' || binding.type === 'orchestrationClient';

/** The options plus the `durableClient` input binding, as the SDK's `addClientInput` adds it. */
function withClientInput(extraInputs: FunctionInput[] | undefined): FunctionInput[] {
  const inputs = extraInputs ?? [];
  return inputs.some(isClientInput) ? inputs : [...inputs, input.generic({ type: 'durableClient' })];
}

const client = (context: InvocationContext) => durableSdk().getClient(context);

/** `df.app.client.http` and `df.app.client.eventGrid`, the SDK loaded on first invocation. */
export const durableClient = {
  http(name: string, options: HttpDurableClientOptions): void {
    app.http(name, {
      ...options,
      extraInputs: withClientInput(options.extraInputs),
      handler: (request, context) => options.handler(request, client(context), context),
    });
  },
  eventGrid(name: string, options: EventGridDurableClientOptions): void {
    app.eventGrid(name, {
      ...options,
      extraInputs: withClientInput(options.extraInputs),
      handler: (event, context) => options.handler(event, client(context), context),
    });
  },
};
