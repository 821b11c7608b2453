import { ANNOUNCE_QUEUED_ORCHESTRATION } from '../../shared/contracts/chat.js';
import { phaseFunction, RING_FUNCTION, RING_TARGET_FUNCTION } from '../../shared/contracts/orchestrations.js';
import { ROLLBACK_ORCHESTRATION } from '../../shared/contracts/rollback.js';
import { orchestration } from './register.js';

type Orchestrators = typeof import('../../orchestrations/index.js');
/** Loaded on the worker's first replay, with the Durable SDK they import (register.ts). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const load = (): Orchestrators => require('../../orchestrations/index.js') as Orchestrators;

orchestration('lane', () => load().lane);
orchestration('pipeline', () => load().pipeline);
orchestration(phaseFunction('gates'), () => load().gatesPhase);
orchestration(phaseFunction('staging'), () => load().stagingPhase);
orchestration(phaseFunction('tests'), () => load().testsPhase);
orchestration(phaseFunction('approval'), () => load().approvalPhase);
orchestration(phaseFunction('canary'), () => load().canaryPhase);
orchestration(phaseFunction('promotion'), () => load().promotionPhase);
orchestration(phaseFunction('verification'), () => load().verificationPhase);
orchestration(ROLLBACK_ORCHESTRATION, () => load().rollbackService);
orchestration(RING_FUNCTION, () => load().ringPhase);
orchestration(RING_TARGET_FUNCTION, () => load().ringTargetPhase);
orchestration(ANNOUNCE_QUEUED_ORCHESTRATION, () => load().announceQueued);
