import type { Ports } from './ports/index.js';
import { readSettings, type AppSettings } from './config.js';

/**
 * Test seam: an end-to-end test that runs the app inside the dev host puts fakes of outside systems here
 * (`globalThis[PORTS_OVERRIDE] = { gitops, cluster, ... }`). Production never sets it. A symbol in the
 * global registry survives the dev host loading its own copy of this module.
 */
export const PORTS_OVERRIDE = Symbol.for('gantry.ports.override');

/** Builds the ports that `provided` does not already supply (so an overridden store opens no storage). */
type Builder = (settings: AppSettings, provided: Partial<Ports>) => Promise<Ports>;

let builder: Builder | undefined;
let built: Promise<Ports> | undefined;
let builtFor: Partial<Ports> | undefined;
const NO_OVERRIDE: Partial<Ports> = Object.freeze({});

/** The composition root registers how to build the real adapters (functions/composition.ts). */
export function setPortsBuilder(build: Builder): void {
  builder = build;
  built = undefined;
}

/** The ports every activity and HTTP function uses, built once per process. */
export async function getPorts(): Promise<Ports> {
  if (!builder) throw new Error('no ports builder registered: functions/composition.ts was not loaded');
  const make = builder;
  const override = (globalThis as Record<symbol, Partial<Ports> | undefined>)[PORTS_OVERRIDE] ?? NO_OVERRIDE;
  if (builtFor !== override) built = undefined;
  builtFor = override;
  built ??= make(readSettings(), override).catch((error: unknown) => {
    built = undefined; // let the next invocation retry (e.g. storage was not up yet)
    throw error;
  });
  return { ...(await built), ...override };
}

/** Forgets built ports (tests that change settings). */
export function resetPorts(): void {
  built = undefined;
  builtFor = undefined;
}
