import type { Phase } from './events.js';

/**
 * Orchestrator function names the registrations (functions/durable/orchestrations.ts) and the
 * orchestrators that call them share. Here, not in the orchestrator modules: those load on a worker's
 * first replay, and registering a function must not load them (functions/durable/register.ts).
 */

/** Orchestrator function name of each phase. */
export const phaseFunction = (phase: Phase): string => `${phase}Phase`;

/** Orchestrator function name of a later ring of a release train. */
export const RING_FUNCTION = 'ringPhase';

/** Orchestrator function name of one target's phase in a ring (see `ringTargetPhase`). */
export const RING_TARGET_FUNCTION = 'ringTargetPhase';
