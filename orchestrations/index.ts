// Every orchestrator function, for the registrations (functions/durable/orchestrations.ts), which load
// this module on the first replay a worker runs rather than at start (functions/durable/register.ts).
export { announceQueued } from './announce.js';
export { lane } from './lane.js';
export { approvalPhase } from './phases/approval.js';
export { canaryPhase } from './phases/canary.js';
export { gatesPhase } from './phases/gates.js';
export { promotionPhase } from './phases/promotion.js';
export { stagingPhase } from './phases/staging.js';
export { testsPhase } from './phases/tests.js';
export { verificationPhase } from './phases/verification.js';
export { pipeline } from './pipeline.js';
export { ringPhase } from './ring.js';
export { ringTargetPhase } from './ring-target.js';
export { rollbackService } from './rollback.js';
