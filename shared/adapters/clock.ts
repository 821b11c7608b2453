import type { AppClock } from '../ports/clock.js';

/**
 * A local host may publish its clock under this global symbol (the dev host does, so that HTTP handlers
 * and activities agree with orchestrations running on its virtual clock). In Azure nothing sets it and
 * the system clock is used.
 */
export const HOST_CLOCK = Symbol.for('azure-functions-devhost.clock');

export const systemClock: AppClock = {
  now: () => {
    const host = (globalThis as Record<symbol, AppClock | undefined>)[HOST_CLOCK];
    return host ? host.now() : Date.now();
  },
};
